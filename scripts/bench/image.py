#!/usr/bin/env python3
"""Image benchmark: a 4-layer image of about 350 MB of real files (busybox,
/usr/include, /usr/share/locale, /usr/lib/python3) served by a loopback
docker-registry. keel-image pull against skopeo copy; keel-image unpack against
umoci unpack and sequential tar -xzf; pull-to-runnable against podman pull.

usage: image.py --keel-image BIN [--rounds N] [--small] [--out DIR]
--small uses a busybox-only image (the smoke run in make check)."""
import argparse
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

LAYERS = ["/usr/include", "/usr/share/locale", "/usr/lib/python3"]


def sh(*cmd, **kw):
    subprocess.run(list(cmd), check=True, stdout=subprocess.DEVNULL, **kw)


def build_image(layout, small):
    """Builds (once; cached in layout) the benchmark image: one gzip layer per
    source, made by GNU tar so that every peer reads it (umoci's insert writes
    tars without the end-of-archive blocks, which GNU tar refuses)."""
    if os.path.exists(os.path.join(layout, "index.json")):
        return
    tmp = layout + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    blobs = os.path.join(tmp, "blobs", "sha256")
    os.makedirs(blobs)

    def put(data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return "sha256:" + digest

    layers, diff_ids = [], []
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "bin"))
        shutil.copy("/bin/busybox", os.path.join(d, "bin", "busybox"))
        for applet in ("sh", "true", "echo", "ls"):
            os.symlink("busybox", os.path.join(d, "bin", applet))
        sources = [(d, "bin")] + ([] if small else [("/", src.lstrip("/")) for src in LAYERS])
        for top, rel in sources:
            raw = subprocess.run(["tar", "-C", top, "-cf", "-", rel], check=True,
                                 stdout=subprocess.PIPE).stdout
            diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
            gz = subprocess.run(["gzip", "-6", "-n"], input=raw, check=True, stdout=subprocess.PIPE).stdout
            layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                           "digest": put(gz), "size": len(gz)})
    config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                         "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": put(config), "size": len(config)},
                           "layers": layers}).encode()
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest),
        "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}
    with open(os.path.join(tmp, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(tmp, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    os.rename(tmp, layout)


def start_registry(work):
    port = subprocess.check_output([sys.executable, "-c",
        "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"]).decode().strip()
    storage = os.path.join(work, "registry")
    os.makedirs(storage)
    cfg = os.path.join(work, "registry.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {storage}\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        if subprocess.run(["curl", "-sf", f"http://127.0.0.1:{port}/v2/"],
                          stdout=subprocess.DEVNULL).returncode == 0:
            return proc, f"127.0.0.1:{port}"
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("docker-registry did not start")


class Targets:
    """Fresh output directories for the timed commands. A tree is never deleted
    before (or while) a peer runs: this disk's ext4 has no journal and is
    mounted with online discard, so an rm -rf of an unpacked tree takes a minute
    of synchronous discards and leaves freed inodes that the next command's
    inode allocations scan past (recently_deleted()); whoever ran after a
    deletion paid for it (up to ~2x on unpack). So each command gets a new
    unique directory, nothing is deleted until every measurement is done (the
    work directory goes at the end), and every timed command starts after a
    sync, so no peer's writeback is charged to another."""

    def __init__(self, work):
        self.work = work
        self.n = 0

    def new(self, name):
        self.n += 1
        return os.path.join(self.work, f"{name}.{self.n}")


def timed(cmd):
    os.sync()
    return benchlib.measure(cmd)


# When this benchmark last deleted its trees: shared by every checkout on the
# machine, since the disk is.
DELETED_AT = "/var/tmp/keel-bench-img.deleted-at"
# ext4 without a journal (this disk) avoids reusing an inode freed in the last
# 60 s, or 5 min more while its inode table block is dirty (which creating
# files next to it makes it): allocation scans past them, reading inode tables,
# and creating files is then several times slower. Unpack measured 0.9 s
# normally and 3 to 6 s within a few minutes of the previous run's deletions,
# and a peer that creates files faster loses more of its lead. So a run
# starts this long after the last one's deletions.
QUIET_AFTER_DELETE = 330


def wait_for_quiet_disk():
    try:
        with open(DELETED_AT) as f:
            left = float(f.read()) + QUIET_AFTER_DELETE - time.time()
    except (OSError, ValueError):
        return
    if left > 0:
        print(f"# waiting {left:.0f} s: the previous run's deletions are under {QUIET_AFTER_DELETE} s old "
              "(ext4 without a journal skips recently freed inodes; see image.py)", file=sys.stderr)
        time.sleep(left)


def delete_tree(path, record=True):
    shutil.rmtree(path, ignore_errors=True)
    if record:
        os.sync()
        with open(DELETED_AT, "w") as f:
            f.write(f"{time.time()}\n")


def bench_push(ki, store, ref, layout, targets, rounds, groups):
    """Push from the keel store against skopeo from the OCI layout: to a fresh
    empty registry each time (on a new port, so that neither keel's blob
    source records nor skopeo's blob info cache offer a mount), then to one
    that already has the image (HEADs only)."""
    def keel_cmd(addr):
        return [ki, "--root", store, "push", "-q", ref, f"{addr}/bench:latest"]

    def skopeo_cmd(addr):
        return ["skopeo", "copy", "--quiet", "--dest-tls-verify=false", f"oci:{layout}:bench",
                f"docker://{addr}/bench:latest"]

    def to_empty(cmd_of):
        def run(r):
            proc, addr = start_registry(targets.new("push-registry"))
            try:
                return timed(cmd_of(addr))
            finally:
                proc.kill()
                proc.wait()
        return run

    again, addr = start_registry(targets.new("again-registry"))
    try:
        benchlib.measure(keel_cmd(addr))
        benchlib.measure(skopeo_cmd(addr))
        cases = {
            "keel-image push": to_empty(keel_cmd),
            "skopeo copy (push)": to_empty(skopeo_cmd),
        }
        res = benchlib.run_interleaved(cases, rounds)
        groups["push"] = benchlib.summarize(res, "keel-image push")
        benchlib.print_table("image: push to an empty registry", groups["push"], "keel-image push")
        cases = {
            "keel-image push (again)": lambda r: timed(keel_cmd(addr)),
            "skopeo copy (push again)": lambda r: timed(skopeo_cmd(addr)),
        }
        res = benchlib.run_interleaved(cases, rounds)
        groups["push_again"] = benchlib.summarize(res, "keel-image push (again)")
        benchlib.print_table("image: push again (the registry has every blob)", groups["push_again"],
                             "keel-image push (again)")
    finally:
        again.kill()
        again.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel-image", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--cache", default="build/bench/cache")
    ap.add_argument("--only", default="pull,unpack,runnable,push")
    a = ap.parse_args()
    only = set(a.only.split(","))
    ki = os.path.abspath(a.keel_image)
    layout = os.path.abspath(os.path.join(a.cache, "image-small" if a.small else "image-350m"))
    os.makedirs(os.path.dirname(layout), exist_ok=True)
    build_image(layout, a.small)
    if not a.small:
        wait_for_quiet_disk()
    # disk, not tmpfs: what a user's store sits on
    work = tempfile.mkdtemp(prefix="keel-bench-img.", dir="/var/tmp")
    registry, addr = start_registry(work)
    podman_roots = []
    try:
        ref = f"{addr}/bench:latest"
        sh("skopeo", "copy", "--quiet", "--dest-tls-verify=false", f"oci:{layout}:bench", f"docker://{ref}")
        targets = Targets(work)
        groups, rows_all = {}, []
        # the store pushes start from (untimed), also what unpack reads
        store = targets.new("keel-store")
        benchlib.measure([ki, "--root", store, "pull", "-q", ref])
        pull = {
            "keel-image pull": lambda r: timed([ki, "--root", targets.new("keel"), "pull", "-q", ref]),
            "skopeo copy": lambda r: timed(
                ["skopeo", "copy", "--quiet", "--src-tls-verify=false", f"docker://{ref}",
                 f"oci:{targets.new('skopeo')}:bench"]),
        }
        if "pull" in only:
            res = benchlib.run_interleaved(pull, a.rounds)
            groups["pull"] = benchlib.summarize(res, "keel-image pull")
            benchlib.print_table("image: pull (download and verify)", groups["pull"], "keel-image pull")

        # unpack: from the keel store, from the umoci layout, from the layer blobs
        blobs = json.load(open(os.path.join(layout, "index.json")))["manifests"][0]["digest"]
        manifest = json.load(open(os.path.join(layout, "blobs", "sha256", blobs.split(":")[1])))
        layer_files = [os.path.join(layout, "blobs", "sha256", l["digest"].split(":")[1])
                       for l in manifest["layers"]]
        tar_script = "set -e; mkdir -p \"$0\"; for l in \"$@\"; do tar -xzf \"$l\" -C \"$0\"; done"
        unpack = {
            "keel-image unpack": lambda r: timed([ki, "--root", store, "unpack", ref,
                                                  targets.new("unpacked")]),
            "umoci unpack": lambda r: timed(["umoci", "unpack", "--image", f"{layout}:bench",
                                             targets.new("unpacked")]),
            "tar -xzf (sequential)": lambda r: timed(["sh", "-c", tar_script, targets.new("unpacked")]
                                                     + layer_files),
        }
        if "unpack" in only:
            res = benchlib.run_interleaved(unpack, a.rounds)
            groups["unpack"] = benchlib.summarize(res, "keel-image unpack")
            benchlib.print_table("image: unpack into a flat rootfs", groups["unpack"], "keel-image unpack")

        def keel_runnable(r):
            s = targets.new("keel")
            bundle = targets.new("bundle")
            t1, m1 = timed([ki, "--root", s, "pull", "-q", ref])
            t2, m2 = benchlib.measure([ki, "--root", s, "bundle", ref, bundle])
            benchlib.measure([ki, "--root", s, "unbundle", bundle])
            return t1 + t2, max(m1, m2)

        def podman_pull(r):
            root = targets.new("podman")
            podman_roots.append(root)
            return timed(["podman", "--root", root, "--runroot", root + "-run", "--tmpdir", root + "-tmp",
                          "--storage-driver", "overlay", "pull", "-q", "--tls-verify=false", ref])
        runnable = {
            "keel-image pull + bundle": keel_runnable,
            "podman pull": podman_pull,
        }
        if "runnable" in only:
            res = benchlib.run_interleaved(runnable, a.rounds)
            groups["runnable"] = benchlib.summarize(res, "keel-image pull + bundle")
            benchlib.print_table("image: pull to runnable", groups["runnable"], "keel-image pull + bundle")
        if "push" in only:
            bench_push(ki, store, ref, layout, targets, a.rounds, groups)
        size = sum(os.path.getsize(f) for f in layer_files)
        benchlib.save(a.out, "image", "image", [r for g in groups.values() for r in g], "keel",
                      {"compressed_bytes": size, "groups": groups})
    finally:
        registry.kill()
        registry.wait()
        for root in podman_roots:
            # a private --tmpdir: reset must not touch other podman users' /run/libpod
            subprocess.run(["podman", "--root", root, "--runroot", root + "-run", "--tmpdir", root + "-tmp",
                            "--storage-driver", "overlay", "system", "reset", "-f"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.rmtree(root + "-run", ignore_errors=True)
            shutil.rmtree(root + "-tmp", ignore_errors=True)
        for m in glob.glob(os.path.join(work, "*")):
            subprocess.run(["umount", "-R", m], stderr=subprocess.DEVNULL)
        delete_tree(work, record=not a.small)


if __name__ == "__main__":
    main()
