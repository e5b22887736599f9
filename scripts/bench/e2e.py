#!/usr/bin/env python3
"""End-to-end benchmark: `keel-docker run --rm IMAGE true` against
`podman run --rm IMAGE true`, both with --network none and both with their
default bridge network, rounds interleaved, on a busybox image both load from
the same docker archive; then `ps -a` of each with --ps-containers stopped
containers (issue 12: under 100 ms for 100). Like the runtime benchmark it runs in a private mount
namespace with /sys/fs/cgroup/unified unmounted, since podman's crun refuses
this host's hybrid cgroups.

usage: e2e.py --top DIR [--rounds N] [--ps-containers N] [--out DIR] [--monitor-b PATH]"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import image as image_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", required=True, help="the Keel tree (bin/, scripts/)")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--ps-containers", type=int, default=100)
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--cache", default="build/bench/cache")
    ap.add_argument("--monitor-b", help="another keel-monitor (e.g. main's) timed beside this "
                    "tree's in the same interleaved rounds: a before/after of a monitor change")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    top = os.path.abspath(a.top)
    monitor_b = ["--monitor-b", os.path.abspath(a.monitor_b)] if a.monitor_b else []
    benchlib.pure_v1_view(__file__, a.inner, ["--top", top, "--rounds", str(a.rounds),
                                              "--ps-containers", str(a.ps_containers), "--out",
                                              os.path.abspath(a.out), "--cache",
                                              os.path.abspath(a.cache)] + monitor_b)
    layout = os.path.abspath(os.path.join(a.cache, "image-small"))
    image_bench.build_image(layout, True)
    work = tempfile.mkdtemp(prefix="keel-bench-e2e.", dir="/var/tmp")
    env = dict(os.environ, KEEL_ROOT=os.path.join(work, "keel"),
               KEEL_RUN_ROOT=f"/run/keel-bench-e2e-{os.getpid()}",
               KEEL_NET_STATE=f"/run/keel-bench-e2e-net-{os.getpid()}", KEEL_BRIDGE=f"kb{os.getpid()}",
               KEEL_SUBNET=os.environ.get("KEEL_SUBNET", "10.231.0.0/24"))
    # a private --tmpdir too: the final reset must not touch other podman users' /run/libpod
    podman = ["podman", "--root", os.path.join(work, "podman"), "--runroot", os.path.join(work, "podman-run"),
              "--tmpdir", os.path.join(work, "podman-tmp"),
              "--cgroup-manager", "cgroupfs", "--storage-driver", "overlay"]
    kd = os.path.join(top, "scripts", "keel-docker")
    image = "localhost/keel-bench/busybox:latest"
    try:
        archive = os.path.join(work, "busybox.tar")
        subprocess.run(["skopeo", "copy", "--quiet", f"oci:{layout}:bench",
                        f"docker-archive:{archive}:{image}"], check=True)
        subprocess.run([os.path.join(top, "bin", "keel-image"), "--root", env["KEEL_ROOT"], "load",
                        "-i", archive], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(podman + ["load", "-q", "-i", archive], check=True, stdout=subprocess.DEVNULL)
        ulimits = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]
        cases = {
            "keel-docker run --rm (none)": lambda r: benchlib.measure(
                [kd, "run", "--rm", "--network", "none", image, "true"], env=env),
            "podman run --rm (none)": lambda r: benchlib.measure(
                podman + ["run", "--rm", "--network", "none"] + ulimits + [image, "true"]),
            "keel-docker run --rm (bridge)": lambda r: benchlib.measure(
                [kd, "run", "--rm", image, "true"], env=env),
            "podman run --rm (bridge)": lambda r: benchlib.measure(
                podman + ["run", "--rm"] + ulimits + [image, "true"]),
        }
        if a.monitor_b:
            env_b = dict(env, KEEL_MONITOR=a.monitor_b)
            cases["keel-docker run --rm, monitor B (none)"] = lambda r: benchlib.measure(
                [kd, "run", "--rm", "--network", "none", image, "true"], env=env_b)
        res = benchlib.run_interleaved(cases, a.rounds)
        none = {k: v for k, v in res.items() if "(none)" in k}
        bridge = {k: v for k, v in res.items() if "(bridge)" in k}
        rows_none = benchlib.summarize(none, "keel-docker run --rm (none)")
        rows_bridge = benchlib.summarize(bridge, "keel-docker run --rm (bridge)")
        benchlib.print_table("end to end: run --rm true, network none", rows_none, "keel-docker")
        benchlib.print_table("end to end: run --rm true, bridge network", rows_bridge, "keel-docker")
        rows_ps = bench_ps(kd, podman, ulimits, image, env, a.ps_containers, a.rounds)
        benchlib.print_table(f"ps -a with {a.ps_containers} stopped containers", rows_ps, "keel-docker")
        benchlib.save(a.out, "e2e", "end to end", rows_none + rows_bridge + rows_ps, "keel-docker",
                      {"groups": {"none": rows_none, "bridge": rows_bridge, "ps": rows_ps},
                       "ps_containers": a.ps_containers})
    finally:
        subprocess.run(podman + ["system", "reset", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "link", "del", env["KEEL_BRIDGE"]], stderr=subprocess.DEVNULL)
        for d in (env["KEEL_RUN_ROOT"], env["KEEL_NET_STATE"], work):
            shutil.rmtree(d, ignore_errors=True)


def bench_ps(kd, podman, ulimits, image, env, n, rounds):
    """`ps -a` of keel-docker and podman, each with n stopped containers
    (made by `run`, not --rm, before the rounds), rounds interleaved."""
    for _ in range(n):
        subprocess.run([kd, "run", "--network", "none", image, "true"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(podman + ["run", "--network", "none"] + ulimits + [image, "true"], check=True,
                       stdout=subprocess.DEVNULL)
    cases = {
        "keel-docker ps -a": lambda r: benchlib.measure([kd, "ps", "-a"], env=env),
        "podman ps -a": lambda r: benchlib.measure(podman + ["ps", "-a"]),
    }
    return benchlib.summarize(benchlib.run_interleaved(cases, rounds), "keel-docker ps -a")


if __name__ == "__main__":
    main()
