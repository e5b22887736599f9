#!/usr/bin/env python3
"""Log throughput of the container monitor: a busybox container writes N MB
of 70-byte lines (`yes ... | head -c N`) while attached, and the monitor
writes every line to its json-file log and relays it to the client;
`keel-monitor start --attach` (bin/keel) against `podman run --rm` (conmon,
runc, the k8s-file log driver) on the same rootfs, rounds interleaved, both
also with `true` so that the fixed cost of starting a container shows apart.

usage: monitor.py --top DIR [--rounds N] [--mb N] [--out DIR]"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

LINE = "a" * 69


def busybox_rootfs(root):
    os.makedirs(os.path.join(root, "bin"))
    for d in ("proc", "dev", "sys", "tmp", "etc"):
        os.makedirs(os.path.join(root, d))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    for applet in ("sh", "yes", "head", "true"):
        os.symlink("busybox", os.path.join(root, "bin", applet))


def keel_bundle(keel, bundle, args):
    subprocess.run([keel, "spec"], cwd=bundle, check=True)
    import json
    path = os.path.join(bundle, "config.json")
    with open(path) as f:
        c = json.load(f)
    c["process"]["args"] = args
    c["process"]["terminal"] = False
    with open(path, "w") as f:
        json.dump(c, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", required=True, help="the Keel tree (bin/)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--out", default="build/bench")
    a = ap.parse_args()
    top = os.path.abspath(a.top)
    keel = os.path.join(top, "bin", "keel")
    monitor = os.path.join(top, "bin", "keel-monitor")
    work = tempfile.mkdtemp(prefix="keel-bench-monitor.", dir="/var/tmp")
    run_root = f"/run/keel-bench-monitor-{os.getpid()}"
    podman = ["podman", "--root", os.path.join(work, "podman"), "--runroot",
              os.path.join(work, "podman-run"), "--tmpdir", os.path.join(work, "podman-tmp"),
              "--runtime", "runc", "--cgroup-manager", "cgroupfs"]
    podman_run = podman + ["run", "--rm", "--network", "none", "--log-driver", "k8s-file",
                           "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
    write = ["sh", "-c", f"yes {LINE} | head -c {a.mb * 1000000}"]
    try:
        bundles = {}
        for name, args in (("write", write), ("true", ["true"])):
            b = os.path.join(work, "bundle-" + name)
            busybox_rootfs(os.path.join(b, "rootfs"))
            keel_bundle(keel, b, args)
            bundles[name] = b
        rootfs = os.path.join(bundles["write"], "rootfs")
        counter = [0]

        def keel_case(name):
            def run(_round):
                counter[0] += 1
                cdir = os.path.join(work, f"c{counter[0]}")
                os.makedirs(cdir)
                return benchlib.measure([monitor, "start", "--dir", cdir, "--id",
                                         f"bench-{os.getpid()}-{counter[0]}", "--bundle",
                                         bundles[name], "--runtime", keel, "--runtime-root",
                                         run_root, "--attach"])
            return run

        mb = f"{a.mb} MB"
        cases = {
            f"keel-monitor start --attach ({mb})": keel_case("write"),
            f"podman run --rm, conmon ({mb})": lambda r: benchlib.measure(
                podman_run + ["--rootfs", rootfs] + write),
            "keel-monitor start --attach (true)": keel_case("true"),
            "podman run --rm, conmon (true)": lambda r: benchlib.measure(
                podman_run + ["--rootfs", rootfs, "true"]),
        }
        res = benchlib.run_interleaved(cases, a.rounds)
        rows = benchlib.summarize(res, f"keel-monitor start --attach ({mb})")
        benchlib.print_table(f"monitor: {mb} of output logged and relayed", rows, "keel-monitor")
        med = {k: statistics.median(v["times"]) for k, v in res.items()}
        throughput = {}
        for who, w, t in (("keel-monitor", f"keel-monitor start --attach ({mb})",
                           "keel-monitor start --attach (true)"),
                          ("podman/conmon", f"podman run --rm, conmon ({mb})",
                           "podman run --rm, conmon (true)")):
            throughput[who] = a.mb / max(med[w] - med[t], 1e-6)
            print(f"{who}: {throughput[who]:.0f} MB/s once the start-up is taken off")
        benchlib.save(a.out, "monitor", "monitor log throughput", rows, "keel-monitor",
                      {"mb_per_s": throughput})
    finally:
        subprocess.run(podman + ["system", "reset", "-f"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for d in (run_root, work):
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
