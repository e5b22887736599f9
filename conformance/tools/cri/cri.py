#!/usr/bin/python3
"""The CRI case's client: drives containerd's CRI plugin as the kubelet does, through the CRI
gRPC API (stubs compiled at test time from api.proto into --stubs), a pod of three containers
on the runtime handler under test, and prints one line per step:

    STEP ok NAME | FAIL: step NAME: WHY ... STEPS: cri PASSED/TOTAL steps passed

A failed step does not stop the run (later steps fail on their own when they needed it), so
the count says how far a runtime gets. Exit status 0 when every step passed. The case's trap,
not this client, removes what a failed run leaves (it kills the daemons and shims first)."""
import argparse
import glob
import ipaddress
import json
import os
import subprocess
import sys
import time
import urllib.request

A = argparse.ArgumentParser()
A.add_argument("--sock", required=True)
A.add_argument("--stubs", required=True)
A.add_argument("--handler", default="keel")
A.add_argument("--image", required=True)
A.add_argument("--cgroup-parent", required=True)
A.add_argument("--dir", required=True, help="containerd's root/state directory of the case")
A.add_argument("--subnet", required=True)
A.add_argument("--runc-root", required=True, help="the runtime's --root under the shim")
A.add_argument("--runtime", required=True, help="the runtime binary under test")
A.add_argument("--record", required=True, help="file for the pod id and netns path")
ARGS = A.parse_args()
sys.path.insert(0, ARGS.stubs)
import grpc  # noqa: E402
import api_pb2 as pb  # noqa: E402
import api_pb2_grpc  # noqa: E402

CHAN = grpc.insecure_channel("unix://" + ARGS.sock)
RT = api_pb2_grpc.RuntimeServiceStub(CHAN)
IMG = api_pb2_grpc.ImageServiceStub(CHAN)
TIMEOUT = 15  # seconds per call: a runtime that wedges the shim must not stall the suite
S = {}  # what the steps learn: pod id, container ids, pod ip, netns path


def call(stub, method, **kw):
    return getattr(stub, method)(getattr(pb, method + "Request")(**kw), timeout=TIMEOUT)


def check(cond, why):
    if not cond:
        raise AssertionError(why)


def wait_for(what, fn, seconds=20):
    deadline = time.time() + seconds
    while True:
        v = fn()
        if v:
            return v
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


def exec_sync(cid, cmd, seconds=20):
    r = call(RT, "ExecSync", container_id=cid, cmd=cmd, timeout=seconds)
    return r.exit_code, r.stdout.decode(), r.stderr.decode()


def exec_ok(cid, script):
    code, out, err = exec_sync(S[cid], ["sh", "-c", script])
    check(code == 0, f"exec {script!r} in {cid}: exit {code}, stderr {err.strip()!r}")
    return out


def record(what, value):
    """For the case's cleanup, should the pod outlive the run."""
    with open(ARGS.record, "a") as f:
        f.write(f"{what} {value}\n")


def status(cid):
    return call(RT, "ContainerStatus", container_id=S[cid]).status


# --- the pod ---------------------------------------------------------------------------------
NS = pb.NamespaceOption(network=pb.POD, pid=pb.CONTAINER, ipc=pb.POD)  # the kubelet's default


def sandbox_config():
    return pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name="keel-pod", uid="uid-" + os.path.basename(ARGS.dir),
                                       namespace="keel-conformance", attempt=0),
        hostname="keel-pod",
        log_directory=os.path.join(ARGS.dir, "logs"),
        linux=pb.LinuxPodSandboxConfig(
            cgroup_parent=ARGS.cgroup_parent,
            security_context=pb.LinuxSandboxSecurityContext(namespace_options=NS)))


def container_config(name, script, resources=None, security=None):
    return pb.ContainerConfig(
        metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=ARGS.image),
        command=["sh", "-c", script], log_path=name + ".log",
        linux=pb.LinuxContainerConfig(
            resources=resources,
            security_context=security or pb.LinuxContainerSecurityContext(namespace_options=NS)))


def create_start(name, config):
    r = call(RT, "CreateContainer", pod_sandbox_id=S["pod"], config=config,
             sandbox_config=sandbox_config())
    S[name] = r.container_id
    call(RT, "StartContainer", container_id=S[name])
    wait_for(f"{name} running", lambda: status(name).state == pb.CONTAINER_RUNNING)


# A container that ends on SIGTERM with status 0, as a well-behaved pod process does.
SLEEPER = "trap 'exit 0' TERM; sleep 600 & wait"
WEB = ("echo pod-net-ok >/tmp/index.html; httpd -f -p 8080 -h /tmp & p=$!; "
       "trap 'kill $p; exit 0' TERM; wait")
LIMITS = pb.LinuxContainerResources(memory_limit_in_bytes=64 << 20, cpu_shares=512,
                                    cpu_quota=50000, cpu_period=100000, oom_score_adj=500)
SECURITY = pb.LinuxContainerSecurityContext(
    run_as_user=pb.Int64Value(value=1000), run_as_group=pb.Int64Value(value=1000),
    supplemental_groups=[2000], no_new_privs=True, namespace_options=NS,
    capabilities=pb.Capability(drop_capabilities=["ALL"], add_capabilities=["CHOWN"]),
    seccomp=pb.SecurityProfile(profile_type=pb.SecurityProfile.RuntimeDefault),
    seccomp_profile_path="runtime/default")


def cgroup_value(cid, v1_file):
    return exec_ok(cid, f"cat /sys/fs/cgroup/{v1_file}").strip()


# --- the steps, in the kubelet's order ---------------------------------------------------------
def s_version():
    r = call(RT, "Version", version="v1")
    check(r.runtime_name == "containerd", f"runtime_name {r.runtime_name!r}")
    check(r.runtime_api_version == "v1", f"runtime_api_version {r.runtime_api_version!r}")


def s_status():
    r = call(RT, "Status", verbose=False)
    conds = {c.type: c.status for c in r.status.conditions}
    check(conds.get("RuntimeReady") and conds.get("NetworkReady"), f"conditions {conds}")


def s_pull():
    r = call(IMG, "PullImage", image=pb.ImageSpec(image=ARGS.image))
    check(r.image_ref.startswith("sha256:"), f"image_ref {r.image_ref!r}")


def s_image_status():
    r = call(IMG, "ImageStatus", image=pb.ImageSpec(image=ARGS.image))
    check(ARGS.image in r.image.repo_tags, f"repo_tags {list(r.image.repo_tags)}")


def s_run_pod():
    r = call(RT, "RunPodSandbox", config=sandbox_config(), runtime_handler=ARGS.handler)
    S["pod"] = r.pod_sandbox_id
    record("pod", S["pod"])


def s_pod_status():
    r = call(RT, "PodSandboxStatus", pod_sandbox_id=S["pod"], verbose=True)
    check(r.status.state == pb.SANDBOX_READY, f"state {r.status.state}")
    S["ip"] = r.status.network.ip
    check(ipaddress.ip_address(S["ip"]) in ipaddress.ip_network(ARGS.subnet),
          f"pod ip {S['ip']!r} not in {ARGS.subnet}")
    info = json.loads(r.info["info"])
    check(info.get("runtimeHandler") == ARGS.handler, f"handler {info.get('runtimeHandler')!r}")
    nets = [n["path"] for n in info["runtimeSpec"]["linux"]["namespaces"]
            if n["type"] == "network"]
    S["netns"] = nets[0]
    record("netns", S["netns"])


def s_create_main():
    r = call(RT, "CreateContainer", pod_sandbox_id=S["pod"],
             config=container_config("main", SLEEPER, LIMITS, SECURITY),
             sandbox_config=sandbox_config())
    S["main"] = r.container_id
    check(status("main").state == pb.CONTAINER_CREATED, f"state {status('main').state}")


def s_start_main():
    call(RT, "StartContainer", container_id=S["main"])


def s_main_running():
    wait_for("main running", lambda: status("main").state == pb.CONTAINER_RUNNING)


def s_exec_sync():
    out = exec_ok("main", "id")
    check(out.strip() == "uid=1000 gid=1000 groups=1000,2000", f"id: {out!r}")


def s_exec_exit_code():
    code, out, err = exec_sync(S["main"], ["sh", "-c", "echo out; echo err >&2; exit 5"])
    check((code, out, err) == (5, "out\n", "err\n"), f"exit {code}, stdout {out!r}, stderr {err!r}")


def s_limits_inside():
    got = [cgroup_value("main", f) for f in (
        "memory/memory.limit_in_bytes", "cpu/cpu.shares", "cpu/cpu.cfs_quota_us",
        "cpu/cpu.cfs_period_us")]
    got.append(exec_ok("main", "cat /proc/self/oom_score_adj").strip())
    check(got == [str(64 << 20), "512", "50000", "100000", "500"],
          f"memory, shares, quota, period, oom_score_adj inside: {got}")


def s_security_inside():
    out = exec_ok("main", "hostname; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status")
    want = ("keel-pod\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000001\n"
            "NoNewPrivs:\t1\nSeccomp:\t2\n")
    check(out == want, f"hostname and status inside: {out!r}")


def s_stats():
    r = call(RT, "ContainerStats", container_id=S["main"])
    mem, cpu = r.stats.memory.working_set_bytes.value, r.stats.cpu.usage_core_nano_seconds.value
    check(mem > 0 and cpu > 0, f"working set {mem}, cpu usage {cpu}")


def s_update():
    call(RT, "UpdateContainerResources", container_id=S["main"],
         linux=pb.LinuxContainerResources(memory_limit_in_bytes=128 << 20, cpu_shares=256,
                                          cpu_quota=50000, cpu_period=100000))
    got = [cgroup_value("main", f) for f in ("memory/memory.limit_in_bytes", "cpu/cpu.shares")]
    check(got == [str(128 << 20), "256"], f"memory and shares after update: {got}")


def s_shared_network():
    create_start("web", container_config("web", WEB))
    out = wait_for("the web container's answer on 127.0.0.1 from main", lambda: exec_sync(
        S["main"], ["wget", "-qO-", "http://127.0.0.1:8080/index.html"])[1])
    check(out == "pod-net-ok\n", f"main got {out!r} from web over the pod's loopback")


def s_pod_ip_from_host():
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = opener.open(f"http://{S['ip']}:8080/index.html", timeout=10).read()
    check(body == b"pod-net-ok\n", f"host got {body!r} from the pod ip over the CNI bridge")


# The exiter shares the pod's pid namespace (the sandbox's pause is its pid 1), so that at its
# exit the runc shim runs `RUNTIME kill --all ID 9` on a container that has stopped, as it does
# for every pod with shareProcessNamespace.
def s_exit_code():
    script = ("echo hello; echo oops >&2; touch /x 2>/dev/null && echo writable; "
              "grep -q 2147483647 /proc/1/cmdline && echo pod-pid; exit 3")
    sec = pb.LinuxContainerSecurityContext(
        readonly_rootfs=True,
        namespace_options=pb.NamespaceOption(network=pb.POD, pid=pb.POD, ipc=pb.POD))
    r = call(RT, "CreateContainer", pod_sandbox_id=S["pod"],
             config=container_config("exiter", script, security=sec), sandbox_config=sandbox_config())
    S["exiter"] = r.container_id
    call(RT, "StartContainer", container_id=S["exiter"])
    st = wait_for("exiter exited", lambda: (lambda s: s if s.state == pb.CONTAINER_EXITED
                                            else None)(status("exiter")))
    check(st.exit_code == 3, f"exit code {st.exit_code} ({st.reason})")


def s_logs():
    path = os.path.join(ARGS.dir, "logs", "exiter.log")
    with open(path) as f:
        lines = [ln.split(" ", 1)[1].rstrip("\n") for ln in f]
    check(sorted(lines) == ["stderr F oops", "stdout F hello", "stdout F pod-pid"],
          f"CRI log lines {lines}")


def s_stop_containers():
    for name in ("web", "main"):
        call(RT, "StopContainer", container_id=S[name], timeout=5)
        st = status(name)
        check(st.state == pb.CONTAINER_EXITED and st.exit_code == 0,
              f"{name} after StopContainer: state {st.state}, exit {st.exit_code} ({st.reason})")


def s_remove_containers():
    for name in ("main", "web", "exiter"):
        call(RT, "RemoveContainer", container_id=S[name])
    left = call(RT, "ListContainers", filter=pb.ContainerFilter(pod_sandbox_id=S["pod"])).containers
    check(not left, f"containers left: {[c.metadata.name for c in left]}")


def s_stop_pod():
    call(RT, "StopPodSandbox", pod_sandbox_id=S["pod"])
    st = call(RT, "PodSandboxStatus", pod_sandbox_id=S["pod"]).status
    check(st.state == pb.SANDBOX_NOTREADY, f"sandbox state {st.state}")


def s_remove_pod():
    call(RT, "RemovePodSandbox", pod_sandbox_id=S["pod"])
    left = call(RT, "ListPodSandbox").items
    check(not left, f"sandboxes left: {[p.id for p in left]}")


def s_nothing_left():
    left = []
    if os.path.isdir(ARGS.runc_root):
        # Dot entries are a runtime's caches (keel's .seccomp-cache), not container state.
        left += [f"runtime state {d}" for d in os.listdir(ARGS.runc_root) if d[0] != "."]
        out = subprocess.run([ARGS.runtime, "--root", ARGS.runc_root, "list", "-q"],
                             capture_output=True, text=True).stdout.split()
        left += [f"runtime lists {c}" for c in out]
    for d in glob.glob(f"/sys/fs/cgroup/*/{ARGS.cgroup_parent.strip('/')}/*/"):
        left.append("cgroup " + d)
    with open("/proc/self/mountinfo") as f:
        left += ["mount " + ln.split()[4] for ln in f if ln.split()[4].startswith(ARGS.dir + "/")]
    if S.get("netns") and os.path.exists(S["netns"]):
        left.append("netns " + S["netns"])
    for p in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(p, "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if b"-address" in cmd and ARGS.sock.encode() in cmd:
            left.append("shim process " + p.split("/")[2])
    check(not left, "left behind: " + ", ".join(left))


STEPS = [
    ("version", s_version), ("status", s_status), ("pull-image", s_pull),
    ("image-status", s_image_status), ("run-pod-sandbox", s_run_pod),
    ("pod-status", s_pod_status), ("create-container", s_create_main),
    ("start-container", s_start_main), ("container-running", s_main_running),
    ("exec-sync", s_exec_sync), ("exec-exit-code", s_exec_exit_code),
    ("limits-inside", s_limits_inside), ("security-context-inside", s_security_inside),
    ("container-stats", s_stats), ("update-container-resources", s_update),
    ("shared-pod-network", s_shared_network), ("pod-ip-from-host", s_pod_ip_from_host),
    ("exit-code", s_exit_code), ("logs", s_logs), ("stop-container", s_stop_containers),
    ("remove-container", s_remove_containers), ("stop-pod-sandbox", s_stop_pod),
    ("remove-pod-sandbox", s_remove_pod), ("nothing-left", s_nothing_left),
]


def main():
    passed = 0
    for name, fn in STEPS:
        t0 = time.time()
        try:
            fn()
            passed += 1
            print(f"STEP ok {name} ({time.time() - t0:.1f}s)", flush=True)
        except grpc.RpcError as e:
            print(f"FAIL: step {name}: {e.code().name}: {e.details()}", flush=True)
        except (AssertionError, KeyError, OSError, ValueError) as e:
            print(f"FAIL: step {name}: {type(e).__name__}: {e}", flush=True)
    print(f"STEPS: cri {passed}/{len(STEPS)} steps passed")
    return 0 if passed == len(STEPS) else 1


sys.exit(main())
