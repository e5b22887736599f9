#!/usr/bin/env python3
"""Build benchmark: a five-step Dockerfile (FROM a busybox image, COPY a 50 MB
tree of 500 files, RUN, ENV, CMD) built by keel-image build and buildah bud
(--layers, runtime runc), side by side: a full build (--no-cache), a fully
cached rebuild, and a rebuild after one copied file changed.

usage: build.py --keel-image BIN --keel BIN [--rounds N] [--small] [--out DIR]
--small copies a 1 MB tree (the smoke run in make check)."""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

DOCKERFILE = """FROM {base}
COPY tree /tree
RUN du -s /tree > /du
ENV MODE=bench
CMD ["cat", "/du"]
"""


def sh(*cmd, **kw):
    subprocess.run(list(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def make_tree(top, files, size):
    rng = random.Random(1)
    for i in range(files):
        d = os.path.join(top, f"d{i % 20:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:04d}"), "wb") as f:
            f.write(rng.randbytes(size))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel-image", required=True)
    ap.add_argument("--keel", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--out", default="build/bench")
    a = ap.parse_args()
    if not shutil.which("buildah"):
        print("build bench: buildah is not installed", file=sys.stderr)
        return 1
    ki, keel = os.path.abspath(a.keel_image), os.path.abspath(a.keel)
    work = tempfile.mkdtemp(prefix="keel-bench-build-")
    env = dict(os.environ, KEEL_RUNTIME=keel)
    store = os.path.join(work, "store")
    bah = ["buildah", "--root", os.path.join(work, "buildah"),
           "--runroot", os.path.join(work, "buildah-run"), "--storage-driver", "overlay"]
    try:
        base = os.path.join(work, "base")
        os.makedirs(base)
        shutil.copy(shutil.which("busybox"), os.path.join(base, "busybox"))
        with open(os.path.join(base, "Dockerfile"), "w") as f:
            f.write('FROM scratch\nCOPY busybox /bin/busybox\n'
                    'RUN ["/bin/busybox", "--install", "-s", "/bin"]\nCMD ["sh"]\n')
        sh(ki, "--root", store, "build", "-q", "-t", "bb", base, env=env)
        sh(ki, "--root", store, "save", "-o", os.path.join(work, "bb.tar"), "bb")
        sh(*bah, "pull", "-q", "docker-archive:" + os.path.join(work, "bb.tar"))
        image_id = subprocess.check_output(bah + ["images", "-q"]).decode().split()[0]
        sh(*bah, "tag", image_id, "localhost/bb")

        ctx = os.path.join(work, "ctx")
        make_tree(os.path.join(ctx, "tree"), 20 if a.small else 500, 50 << 10 if a.small else 100 << 10)
        for name, b in (("keel.Dockerfile", "bb"), ("buildah.Dockerfile", "localhost/bb")):
            with open(os.path.join(work, name), "w") as f:
                f.write(DOCKERFILE.format(base=b))
        keel_build = [ki, "--root", store, "build", "-q", "-t", "bench",
                      "-f", os.path.join(work, "keel.Dockerfile"), ctx]
        bah_build = bah + ["bud", "-q", "--layers", "--runtime", "runc", "-t", "bench",
                           "-f", os.path.join(work, "buildah.Dockerfile"), ctx]
        # warm both caches once
        sh(*keel_build, env=env)
        sh(*bah_build)

        def run(cmd, extra=()):
            return lambda r: benchlib.measure(cmd[:-1] + list(extra) + cmd[-1:], env=env)

        groups = {}
        full = {"keel-image build --no-cache": run(keel_build, ["--no-cache"]),
                "buildah bud --no-cache": run(bah_build, ["--no-cache"])}
        groups["full"] = benchlib.summarize(benchlib.run_interleaved(full, a.rounds),
                                            "buildah bud --no-cache")
        cached = {"keel-image build (cached)": run(keel_build),
                  "buildah bud --layers (cached)": run(bah_build)}
        groups["cached"] = benchlib.summarize(benchlib.run_interleaved(cached, a.rounds),
                                              "buildah bud --layers (cached)")
        victim = os.path.join(ctx, "tree", "d00", "f0000")

        def touch_one(r):
            with open(victim, "r+b") as f:
                f.write(r.to_bytes(4, "little") + os.urandom(4))

        onefile = {"keel-image build (one file changed)": run(keel_build),
                   "buildah bud --layers (one file changed)": run(bah_build)}
        groups["onefile"] = benchlib.summarize(
            benchlib.run_interleaved(onefile, a.rounds, before_round=touch_one),
            "buildah bud --layers (one file changed)")
        titles = {"full": "Full build", "cached": "Fully cached rebuild",
                  "onefile": "Rebuild after one copied file changed"}
        for g, rows in groups.items():
            benchlib.print_table(f"{titles[g]} ({'1 MB' if a.small else '50 MB'} tree)", rows,
                                 rows[1]["name"])
        rows = [dict(r, group=g) for g, rs in groups.items() for r in rs]
        benchlib.save(a.out, "build", "keel-image build vs buildah bud", rows, "buildah",
                      {"groups": {g: rs for g, rs in groups.items()}})
    finally:
        subprocess.run(bah + ["rm", "-a"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(bah + ["rmi", "-af"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["umount", "-R", os.path.join(work, "buildah")], stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
