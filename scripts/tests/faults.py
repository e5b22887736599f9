#!/usr/bin/env python3
"""The kill -9 loops of the fault suite (scripts/tests/faults.t), as root.

  faults.py runtime KEEL ROOT BUNDLE PREFIX ROUNDS
      keel create, start, exec and delete, each killed ROUNDS times at a
      random moment of its run; then `delete -f` and a leak check.
  faults.py image KEEL_IMAGE STORE REF WORK ROUNDS
      keel-image pull, bundle and unbundle, each killed ROUNDS times; then a
      store verification, the bundle directory whole or absent, a leak check.
  faults.py docker KEEL_DOCKER IMAGE TMP ROUNDS
      keel-docker run and rm (KEEL_ROOT, KEEL_CGROUP_PARENT, KEEL_NET_STATE
      and KEEL_BRIDGE from the environment), each killed ROUNDS times; then
      `rm -f` of what is listed and a leak check.

Each loop prints one line "NAME rounds=R kills=K orphans=O leaks=L": K the
rounds where the kill landed while the command ran, O the rounds where a
process of a container outlived its creator without being listed, L the
rounds after which something was left behind (each told on stderr).
"""
import glob
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

random.seed(int(os.environ.get("FAULT_SEED", time.time())))
CGROOT = "/sys/fs/cgroup"


def run(*args, capture=False, **kw):
    """Runs args to completion; with capture, .stdout and .stderr hold its
    output (never for what starts a container: its process keeps the pipe)."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.run(list(args), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                          text=True, **kw)


def duration(argv, before=None, after=None, times=3):
    """The median wall time of argv run to completion (before/after set up
    and undo each run)."""
    spent = []
    for _ in range(times):
        if before:
            before()
        t = time.monotonic()
        run(*argv)
        spent.append(time.monotonic() - t)
        if after:
            after()
    return sorted(spent)[len(spent) // 2]


def kill_at_random(argv, span, group=False):
    """Starts argv, SIGKILLs it (with group, its whole process group: a
    script and what it runs) after a random delay in [0, span], reaps it;
    True when the kill landed while it ran."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=group)
    time.sleep(random.uniform(0, span))
    landed = p.poll() is None
    if group:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    elif landed:
        p.send_signal(signal.SIGKILL)
    p.wait()
    return landed


def live_pids():
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            yield int(d[6:])


def pids_where(arg=None, cgroup=None, below=False):
    """Live processes (not this one) with arg in their command line, or in
    a cgroup (any hierarchy) ending with cgroup (with below: under it)."""
    found = []
    for pid in live_pids():
        if pid == os.getpid():
            continue
        try:
            if arg is not None:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    if arg.encode() in f.read():
                        found.append(pid)
                        continue
            if cgroup is not None:
                with open("/proc/%d/cgroup" % pid) as f:
                    if any(cgroup in line if below else line.rstrip("\n").endswith(cgroup)
                           for line in f):
                        found.append(pid)
        except OSError:
            pass
    return found


def cgroup_dirs(path):
    """Every hierarchy's directory for cgroup path (v1 and v2)."""
    return [d for d in glob.glob(CGROOT + "/*" + path) + [CGROOT + path] if os.path.isdir(d)]


def mounts_under(prefix):
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f if line.split()[4].startswith(prefix)]


def settle(check, seconds=5.0):
    """check() until it finds nothing (what is dying gets its moment)."""
    end = time.monotonic() + seconds
    while True:
        found = check()
        if not found or time.monotonic() > end:
            return found
        time.sleep(0.02)


class Loop:
    def __init__(self, name):
        self.name, self.rounds, self.kills, self.orphans, self.leaks = name, 0, 0, 0, 0

    def report(self, kind, what):
        print("%s round %d: %s: %s" % (self.name, self.rounds, kind, what), file=sys.stderr)

    def done(self):
        print("%s rounds=%d kills=%d orphans=%d leaks=%d"
              % (self.name, self.rounds, self.kills, self.orphans, self.leaks), flush=True)


# --- the runtime ------------------------------------------------------------------------

def runtime(keel, root, bundle, prefix, rounds):
    k = lambda *a: [keel, "--root", root] + list(a)

    def listed(cid):
        return cid in run(*k("list", "-q"), capture=True).stdout.split()

    def leaks(cid):
        left = ["process %d" % p for p in settle(lambda: pids_where(cid, "/keel/" + cid))]
        left += ["cgroup %s" % d for d in cgroup_dirs("/keel/" + cid)]
        left += ["state %s" % d for d in glob.glob(os.path.join(root, cid))]
        left += ["mount %s" % m for m in mounts_under(root)]
        return left

    def one_round(loop, cid, prepare, argv):
        loop.rounds += 1
        for step in prepare:
            run(*k(*step, cid), cwd=bundle)
        loop.kills += kill_at_random(k(*argv), loop.span)
        # crash-safe: a container keel does not list has no process
        if not listed(cid):
            alive = settle(lambda: pids_where(cid, "/keel/" + cid), 2.0)
            if alive and not listed(cid):
                loop.orphans += 1
                loop.report("orphan", alive)
        run(*k("delete", "-f", cid))
        left = leaks(cid)
        if left:
            loop.leaks += 1
            loop.report("leak", left)

    ops = [
        ("create", [], ["create", "--bundle", bundle]),
        ("start", [["create", "--bundle", bundle]], ["start"]),
        ("exec", [["create", "--bundle", bundle], ["start"]], ["exec"]),
        ("delete", [["create", "--bundle", bundle], ["start"]], ["delete", "-f"]),
    ]
    for name, prepare, argv in ops:
        loop = Loop("keel " + name)
        cid = "%s-%s-probe" % (prefix, name)
        full = lambda: argv + ([cid, "sh", "-c", "sleep 0.01"] if name == "exec" else [cid])
        loop.span = 1.3 * duration(k(*full()),
                                   before=lambda: [run(*k(*s, cid), cwd=bundle) for s in prepare],
                                   after=lambda: run(*k("delete", "-f", cid)))
        for i in range(rounds):
            cid = "%s-%s-%d" % (prefix, name, i)
            one_round(loop, cid, prepare, full())
        loop.done()


# --- keel-image ---------------------------------------------------------------------------

def verify_store(root, no_garbage=False):
    """What check_store.py checks: every blob's digest, index.json parses and
    names present blobs; with no_garbage nothing unreferenced nor in tmp/."""
    bad = []
    blobs = os.path.join(root, "oci/blobs/sha256")
    names = os.listdir(blobs) if os.path.isdir(blobs) else []
    for name in names:
        with open(os.path.join(blobs, name), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != name:
                bad.append("blob %s does not match its digest" % name)
    used = set()
    try:
        with open(os.path.join(root, "oci/index.json")) as f:
            index = json.load(f)
    except FileNotFoundError:
        index = {"manifests": []}
    except ValueError as e:
        return ["index.json: %s" % e]
    for entry in index["manifests"]:
        hexd = entry["digest"].split(":")[1]
        used.add(hexd)
        try:
            with open(os.path.join(blobs, hexd)) as f:
                manifest = json.load(f)
        except (OSError, ValueError) as e:
            bad.append("manifest %s: %s" % (hexd, e))
            continue
        for d in [manifest["config"]] + manifest["layers"]:
            used.add(d["digest"].split(":")[1])
            if not os.path.exists(os.path.join(blobs, d["digest"].split(":")[1])):
                bad.append("missing blob %s" % d["digest"])
    if no_garbage:
        bad += ["unreferenced blob %s" % b for b in set(names) - used]
        tmp = os.path.join(root, "tmp")
        bad += ["left in tmp: %s" % t for t in (os.listdir(tmp) if os.path.isdir(tmp) else [])]
    return bad


def image(keel_image, store, ref, work, rounds):
    ki = lambda *a: [keel_image, "--root", store] + list(a)
    target = os.path.join(work, "b")

    def bundle_state(unbundling=False):
        """A bundle directory is whole (config.json and rootfs) or absent; one
        that an unbundle was removing keeps config.json (the next one ends it)."""
        if not os.path.lexists(target):
            return []
        whole = os.path.isdir(os.path.join(target, "rootfs")) or unbundling
        if os.path.exists(os.path.join(target, "config.json")) and whole:
            return []
        return ["partial bundle %s: %s" % (target, sorted(os.listdir(target)))]

    def leftovers():
        left = ["staging %s" % s for s in glob.glob(os.path.join(work, ".keel-bundle-*"))]
        left += ["mount %s" % m for m in mounts_under(work)]
        left += ["process %d" % p for p in settle(lambda: pids_where(store))]
        return left

    def check(loop, extra, unbundling=False):
        left = extra + verify_store(store) + bundle_state(unbundling)
        if left:
            loop.leaks += 1
            loop.report("leak", left)

    def unbundle_again(loop):
        """What a killed bundle or unbundle left, unbundle removes."""
        if os.path.lexists(target):
            r = run(*ki("unbundle", target), capture=True)
            if r.returncode != 0:
                loop.leaks += 1
                loop.report("unbundle refused", r.stderr.strip())
                run("rm", "-rf", target)

    loop = Loop("keel-image pull")
    forget = lambda: (run(*ki("rm", ref)), run(*ki("gc")))
    loop.span = 1.3 * duration(ki("pull", "-q", ref), after=forget)
    for _ in range(rounds):
        loop.rounds += 1
        loop.kills += kill_at_random(ki("pull", "-q", ref), loop.span)
        check(loop, [])
        forget()
    run(*ki("pull", "-q", ref))
    run(*ki("gc"))
    check(loop, verify_store(store, no_garbage=True) + leftovers())
    loop.done()

    loop = Loop("keel-image bundle")
    loop.span = 1.3 * duration(ki("bundle", ref, target), after=lambda: run(*ki("unbundle", target)))
    for _ in range(rounds):
        loop.rounds += 1
        loop.kills += kill_at_random(ki("bundle", ref, target), loop.span)
        check(loop, [])
        unbundle_again(loop)
    # the next bundle there clears what killed ones left
    run(*ki("bundle", ref, target))
    run(*ki("unbundle", target))
    check(loop, leftovers())
    loop.done()

    loop = Loop("keel-image unbundle")
    loop.span = 1.3 * duration(ki("unbundle", target), before=lambda: run(*ki("bundle", ref, target)))
    for _ in range(rounds):
        loop.rounds += 1
        run(*ki("bundle", ref, target))
        loop.kills += kill_at_random(ki("unbundle", target), loop.span)
        check(loop, [], unbundling=True)
        unbundle_again(loop)
    run(*ki("gc"))
    check(loop, leftovers() + verify_store(store, no_garbage=True))
    loop.done()


# --- keel-docker --------------------------------------------------------------------------

def docker(kd, img, tmp, rounds):
    root = os.environ["KEEL_ROOT"]
    parent = "/" + os.environ["KEEL_CGROUP_PARENT"] + "/"
    net_state = os.environ["KEEL_NET_STATE"]
    seen = set()
    runcmd = [kd, "run", "-d", "-p", "127.0.0.1::80", img, "sleep", "100"]

    def ids():
        found = run(kd, "ps", "-a", "-q", "--no-trunc", capture=True).stdout.split()
        seen.update(found)
        return found

    def clear():
        # what a killed keel-docker had started goes on: let it end, then rm
        settle(lambda: list(set(pids_where(tmp)) - set(pids_where(cgroup=parent, below=True))))
        for cid in ids():
            run(kd, "rm", "-f", cid)

    def leaks():
        left = ["process %d" % p for p in settle(lambda: pids_where(cgroup=parent, below=True))]
        left += ["cgroup %s" % d for d in glob.glob(CGROOT + "/*" + parent + "*") +
                 glob.glob(CGROOT + parent + "*") if os.path.isdir(d)]
        containers = os.path.join(root, "containers")
        left += ["container %s" % c for c in glob.glob(containers + "/*")]
        left += ["name %s" % c for c in glob.glob(containers + "/.names/*")]
        left += ["mount %s" % m for m in mounts_under(root)]
        left += ["net state %s" % c for c in glob.glob(net_state + "/containers/*")]
        netns = run("ip", "netns", "list", capture=True).stdout.split("\n")
        left += ["netns %s" % n for n in netns if n and any(n.split()[0] == "keel-" + c[:12] for c in seen)]
        rules = run("iptables", "-t", "nat", "-S", capture=True).stdout.split("\n")
        left += ["iptables %s" % r for r in rules if any("keel:" + c in r for c in seen)]
        links = run("ip", "-o", "link", capture=True).stdout
        left += ["veth vk%s" % c[:11] for c in seen if "vk" + c[:11] in links]
        return left

    def check(loop):
        clear()
        left = leaks()
        if left:
            loop.leaks += 1
            loop.report("leak", left)

    loop = Loop("keel-docker run")
    loop.span = 1.3 * duration(runcmd, after=clear)
    for _ in range(rounds):
        loop.rounds += 1
        loop.kills += kill_at_random(runcmd, loop.span, group=True)
        check(loop)
    loop.done()

    loop = Loop("keel-docker rm")
    spent = []
    for _ in range(3):
        cid = run(*runcmd, capture=True).stdout.strip()
        t = time.monotonic()
        run(kd, "rm", "-f", cid)
        spent.append(time.monotonic() - t)
    loop.span = 1.3 * sorted(spent)[1]
    for _ in range(rounds):
        loop.rounds += 1
        cid = run(*runcmd, capture=True).stdout.strip()
        seen.add(cid)
        loop.kills += kill_at_random([kd, "rm", "-f", cid], loop.span, group=True)
        check(loop)
    loop.done()


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "runtime":
        runtime(*args[:4], int(args[4]))
    elif mode == "image":
        image(*args[:4], int(args[4]))
    elif mode == "docker":
        docker(*args[:3], int(args[3]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
