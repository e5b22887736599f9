#!/usr/bin/env python3
"""Runtime benchmark: sequential `run` of /bin/true in a busybox bundle for keel,
crun and runc, rounds interleaved, plus the kernel's own floor (unshare + chroot).
Every container gets its own cgroupsPath, as an engine gives it (the main rows);
keel and crun also run with one fixed cgroupsPath shared by all their
containers (the earlier benchmark's figure, rows "... (fixed cgroupsPath)").
Every runtime runs in one private mount namespace with /sys/fs/cgroup/unified
unmounted, so that all see the same pure-v1 host (crun 1.8 refuses hybrid hosts),
and keeps its state on a tmpfs mounted there (a host's /run is one).

With --isolated (make bench), on a hybrid host, also runs keel and runc one
container at a time on the host's own cgroup layout.

usage: runtime.py --keel BIN [--rounds N] [--isolated] [--out DIR]"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ISOLATED_ROUNDS = 20
ISOLATED_GAP = 0.3
FIXED = " (fixed cgroupsPath)"
FLOOR = "floor (unshare+chroot)"
# the runtimes also timed with one cgroupsPath for all their containers
FIXED_PEERS = ("keel", "crun")


def make_bundle(top, spec_tool, args, memory_limit=None, cgroup="/keel-bench/c"):
    rootfs = os.path.join(top, "rootfs")
    if not os.path.exists(rootfs):
        os.makedirs(os.path.join(rootfs, "bin"))
        os.makedirs(os.path.join(rootfs, "proc"))
        shutil.copy("/bin/busybox", os.path.join(rootfs, "bin", "busybox"))
        for applet in ("sh", "true", "echo"):
            os.symlink("busybox", os.path.join(rootfs, "bin", applet))
    if not os.path.exists(os.path.join(top, "config.json")):
        subprocess.run([spec_tool, "spec"], cwd=top, check=True)
        with open(os.path.join(top, "config.json")) as f:
            cfg = json.load(f)
    else:
        with open(os.path.join(top, "config.json")) as f:
            cfg = json.load(f)
    # every peer must read the bundle: crun 1.8 refuses runtime-spec versions it does not know
    cfg["ociVersion"] = "1.0.2-dev"
    cfg["process"]["args"] = args
    cfg["process"]["terminal"] = False
    cfg["linux"]["cgroupsPath"] = cgroup
    if memory_limit:
        cfg["linux"].setdefault("resources", {})["memory"] = {"limit": memory_limit}
    write_config(top, cfg)
    return top, cfg


def write_config(top, cfg):
    with open(os.path.join(top, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)


def per_container(binary, root, bundle, cfg, name):
    """A case whose every container gets a cgroupsPath of its own, as engines
    give it: the config is rewritten (untimed) before each run."""
    def case(r):
        cid = f"bench-{name}-{r}"
        cfg["linux"]["cgroupsPath"] = f"/keel-bench/{cid}"
        write_config(bundle, cfg)
        return benchlib.measure([binary, "--root", root, "run", "-b", bundle, cid])
    return case


def remove_parent_cgroups(hybrid):
    """The /keel-bench parents every runtime made (left when not empty), in
    every v1 hierarchy and in cgroup2, which this namespace may have unmounted."""
    for d in glob.glob("/sys/fs/cgroup/*/keel-bench"):
        try:
            os.rmdir(d)
        except OSError:
            pass
    if hybrid and not os.path.ismount("/sys/fs/cgroup/unified"):
        with tempfile.TemporaryDirectory() as mnt:
            if subprocess.run(["mount", "-t", "cgroup2", "cgroup2", mnt]).returncode == 0:
                try:
                    os.rmdir(os.path.join(mnt, "keel-bench"))
                except OSError:
                    pass
                subprocess.run(["umount", mnt])


def works(cmd):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keel", required=True)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--isolated", action="store_true", help="also time runs one at a time on the host's cgroups")
    a = ap.parse_args()
    keel = os.path.abspath(a.keel)
    hybrid = benchlib.pure_v1_view(__file__, a.inner, ["--keel", keel, "--rounds", str(a.rounds), "--out", a.out]
                                   + (["--isolated"] if a.isolated else []))
    a.unified_was_mounted = a.isolated and hybrid

    work = tempfile.mkdtemp(prefix="keel-bench-rt.")
    # the runtimes' state on a tmpfs, as /run is on a host (here /run is on the
    # disk): mounted in this private namespace only, so the host sees an empty
    # directory, removed at the end
    state = tempfile.mkdtemp(prefix="keel-bench-state.", dir="/run")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0700", "tmpfs", state]).returncode != 0:
        os.rmdir(state)
        sys.exit("runtime.py: cannot mount a tmpfs for the runtimes' state")
    try:
        # keel spec's default config, as the issue asks; runc's when keel has none yet
        probe_dir = tempfile.mkdtemp(dir=work)
        spec_tool = keel if subprocess.run([keel, "spec"], cwd=probe_dir, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL).returncode == 0 else "runc"
        print(f"# bundles from `{os.path.basename(spec_tool)} spec`", file=sys.stderr)
        runtimes = {"keel": keel, "crun": shutil.which("crun"), "runc": shutil.which("runc")}
        bundles, cases = {}, {}
        for name, binary in runtimes.items():
            if not binary:
                continue
            root = os.path.join(state, name)
            b, cfg = make_bundle(os.path.join(work, name), spec_tool, ["/bin/true"],
                                 cgroup=f"/keel-bench/probe-{name}")
            if not works([binary, "--root", root, "run", "-b", b, f"probe-{name}"]):
                print(f"# {name} cannot run the bundle here; left out", file=sys.stderr)
                continue
            bundles[name] = b
            cases[name] = per_container(binary, root, b, cfg, name)
            if name in FIXED_PEERS:
                fb, _ = make_bundle(os.path.join(work, name + "-fixed"), spec_tool, ["/bin/true"],
                                    cgroup=f"/keel-bench/{name}-fixed")
                cases[name + FIXED] = (lambda r, binary=binary, root=root, fb=fb, name=name:
                                       benchlib.measure([binary, "--root", root, "run", "-b", fb,
                                                         f"bench-{name}-fixed-{r}"]))
        floor_root = os.path.join(work, "keel", "rootfs")
        cases[FLOOR] = lambda r: benchlib.measure(
            ["unshare", "-m", "-u", "-i", "-n", "-p", "-C", "-f",
             f"--mount-proc={floor_root}/proc", "chroot", floor_root, "/bin/true"])
        results = benchlib.run_interleaved(cases, a.rounds)
        rows = benchlib.summarize(results, "keel")
        title = f"runtime: run /bin/true, {a.rounds} sequential containers, a cgroup per container"
        benchlib.print_table(title, rows, "keel")

        # the memory floor: a container under a 1 MiB limit runs echo
        small = {}
        for name, binary in runtimes.items():
            if name not in bundles:
                continue
            b, _ = make_bundle(os.path.join(work, name + "-1m"), spec_tool, ["/bin/echo", "ok"],
                               memory_limit=1 << 20, cgroup=f"/keel-bench/{name}-1m")
            small[name] = works([binary, "--root", os.path.join(state, name), "run", "-b", b,
                                 f"small-{name}"])
        print("\n1 MiB memory limit, `echo ok`: " +
              ", ".join(f"{n}: {'runs' if ok else 'fails'}" for n, ok in small.items()))

        # one container at a time, on the host's own cgroup layout (cgroup2 mounted
        # again where the host has it): a process moved into cgroup2 by a write to
        # cgroup.procs waits out an RCU grace period when the kernel's lock has been
        # quiet, which back-to-back runs hide (crun 1.8 refuses this layout)
        isolated_rows, isolated_title = [], ""
        if a.unified_was_mounted:
            subprocess.run(["mount", "-t", "cgroup2", "cgroup2", "/sys/fs/cgroup/unified"], check=True)
            def after_a_pause(case):
                def run(r):
                    time.sleep(ISOLATED_GAP)
                    return case(r)
                return run
            iso = {n: after_a_pause(cases[n]) for n in ("keel", "runc") if n in cases}
            iso_res = benchlib.run_interleaved(iso, ISOLATED_ROUNDS)
            isolated_rows = benchlib.summarize(iso_res, "keel")
            isolated_title = (f"runtime: run /bin/true one at a time ({ISOLATED_GAP} s apart, "
                              f"{ISOLATED_ROUNDS} rounds), this host's hybrid cgroups")
            benchlib.print_table(isolated_title, isolated_rows, "keel")
        benchlib.save(a.out, "runtime", title, rows, "keel",
                      {"memory_1mib": small, "isolated": {"title": isolated_title, "rows": isolated_rows},
                       "fixed_suffix": FIXED, "floor": FLOOR})
    finally:
        subprocess.run(["umount", "-l", state])
        os.rmdir(state)
        shutil.rmtree(work, ignore_errors=True)
        remove_parent_cgroups(hybrid)


if __name__ == "__main__":
    main()
