#!/bin/bash
# shellcheck disable=SC2016 # the $(...) in single quotes run in the container
# End to end, as root: `keel exec` into running busybox containers, and
# linux.seccomp as the container process and exec'd processes see it (TAP).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/tests/lib.sh
. "$top/scripts/tests/lib.sh"
# shellcheck source=runtime/tests/e2e/lib.sh
. "$here/lib.sh"

KEEL=${KEEL:-$top/bin/keel}
AGENT="$here/agent.py"
ROOT=/run/keel-test-seccomp-$$
WORK=$(mktemp -d /tmp/keel-test-seccomp.XXXXXX)
AGENT_PID=

cleanup() {
    delete_all_containers
    if [ -n "$AGENT_PID" ]; then kill "$AGENT_PID" 2>/dev/null || true; fi
    rm -rf "$ROOT" "$WORK"
}
trap cleanup EXIT

# bundle DIR [PYTHON-EDIT]: busybox_bundle with hostname seccomp-e2e.
bundle() {
    busybox_bundle "$1" "c['hostname'] = 'seccomp-e2e'
${2:-}"
}

if [ "$(id -u)" -ne 0 ]; then
    skip "exec and seccomp end to end" "needs root"
    tap_finish
    exit 0
fi

# --- exec (runc-exec(8)) ------------------------------------------------------
bundle "$WORK/b1"
keel run -d -b "$WORK/b1" seccomp-x1

expect_eq "exec sees the container's hostname" seccomp-e2e "$(keel exec seccomp-x1 hostname)"
pid=$(keel exec seccomp-x1 sh -c 'echo $$')
if [ -n "$pid" ] && [ "$pid" != 1 ]; then ok "exec runs as a PID other than 1 ($pid) in the pid namespace"
else not_ok "exec runs as a PID other than 1" "pid: $pid"; fi
rc=0; keel exec seccomp-x1 sh -c 'exit 7' || rc=$?
expect_eq "exec exits with the process' status" 7 "$rc"
rc=0; keel exec seccomp-x1 sh -c 'kill -9 $$' || rc=$?
expect_eq "exec exits with 128+N when the process dies of signal N" 137 "$rc"
expect_eq "exec -e, --cwd and -u apply" "bar /bin uid=1000 gid=1001" \
    "$(keel exec -e FOO=bar --cwd /bin -u 1000:1001 seccomp-x1 sh -c 'echo $FOO $(pwd) uid=$(id -u) gid=$(id -g)')"
cat >"$WORK/process.json" <<'EOF'
{"args": ["sh", "-c", "echo from-file $A"], "env": ["A=1", "PATH=/bin"], "cwd": "/"}
EOF
expect_eq "exec --process takes the process from a file" "from-file 1" \
    "$(keel exec --process "$WORK/process.json" seccomp-x1)"
keel exec -d --pid-file "$WORK/x1.pid" seccomp-x1 sleep 30
xpid=$(cat "$WORK/x1.pid")
if [ -n "$xpid" ] && grep -q '^sleep' "/proc/$xpid/cmdline" 2>/dev/null; then
    ok "exec -d returns, the process runs and --pid-file holds its pid"
else
    not_ok "exec -d with --pid-file" "pid file: $xpid"
fi
host_ns=$(readlink /proc/self/ns/uts)
ctr_ns=$(readlink "/proc/$xpid/ns/uts")
init=$(keel state seccomp-x1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
if [ "$ctr_ns" != "$host_ns" ] && [ "$ctr_ns" = "$(readlink "/proc/$init/ns/uts")" ] &&
    [ "$(readlink "/proc/$xpid/ns/mnt")" = "$(readlink "/proc/$init/ns/mnt")" ]; then
    ok "the exec'd process shares the init's uts and mount namespaces"
else
    not_ok "the exec'd process shares the init's namespaces" "uts $ctr_ns, init's $(readlink "/proc/$init/ns/uts")"
fi
if grep -q /keel/ "/proc/$init/cgroup" && [ "$(cat "/proc/$xpid/cgroup")" = "$(cat "/proc/$init/cgroup")" ] &&
    [ "$(cat "/proc/$xpid/cgroup")" != "$(cat /proc/self/cgroup)" ]; then
    ok "the exec'd process is in the container's cgroups"
else
    not_ok "the exec'd process is in the container's cgroups" "$(diff "/proc/$init/cgroup" "/proc/$xpid/cgroup")"
fi
out=$(keel exec seccomp-x1 no-such-program 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'no-such-program'; then
    ok "exec of a missing program fails, naming it"
else
    not_ok "exec of a missing program fails" "rc $rc: $out"
fi
expect_eq "exec --cap adds a capability" 1 \
    "$(keel exec --cap CAP_SYS_ADMIN seccomp-x1 sh -c 'grep ^CapEff: /proc/self/status' |
        python3 -c 'import sys; print(int(sys.stdin.read().split()[1], 16) >> 21 & 1)')"
echo preserved >"$WORK/fd3"
expect_eq "exec --preserve-fds passes fd 3 on" preserved \
    "$(keel exec --preserve-fds 1 seccomp-x1 sh -c 'cat <&3' 3<"$WORK/fd3")"
keel delete -f seccomp-x1

# A user namespace: joined first, the process is root inside and the filter
# is loaded with the namespace's CAP_SYS_ADMIN (noNewPrivileges false).
chmod 755 "$WORK"
bundle "$WORK/bu" 'c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["process"]["noNewPrivileges"] = False
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
chown -R 200000:200000 "$WORK/bu/rootfs"
keel run -d -b "$WORK/bu" seccomp-xu
expect_eq "exec joins the user namespace: root inside, mapped to 200000 outside" \
    "0 0 200000 seccomp-e2e" \
    "$(keel exec seccomp-xu sh -c 'echo $(id -u) $(head -1 /proc/self/uid_map | tr -s " " | cut -d" " -f2,3) $(hostname)')"
expect_eq "and the container's filter holds in it" \
    "mkdir: can't create directory '/tmp/u': Function not implemented" \
    "$(keel exec seccomp-xu mkdir /tmp/u 2>&1)"
keel delete -f seccomp-xu

bundle "$WORK/b2"
keel create -b "$WORK/b2" seccomp-x2
out=$(keel exec seccomp-x2 true 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'not running'; then
    ok "exec refuses a container that is created but not running"
else
    not_ok "exec refuses a created container" "rc $rc: $out"
fi
keel delete -f seccomp-x2
out=$(keel exec seccomp-none true 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'does not exist'; then
    ok "exec refuses a container that does not exist"
else
    not_ok "exec refuses a missing container" "rc $rc: $out"
fi

# --- seccomp (config-linux.md "Seccomp") ----------------------------------------
errno_profile='c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir", "mkdirat", "no_such_syscall"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
bundle "$WORK/b3" "$errno_profile"
keel run -d -b "$WORK/b3" seccomp-x3 2>"$WORK/x3.err"
expect_eq "an unknown syscall name is skipped with a warning" 1 \
    "$(grep -c 'no_such_syscall is unknown' "$WORK/x3.err")"
expect_eq "seccomp ERRNO with errnoRet 38 gives the exec'd process ENOSYS" \
    "mkdir: can't create directory '/tmp/d': Function not implemented" \
    "$(keel exec seccomp-x3 mkdir /tmp/d 2>&1)"
expect_eq "the exec'd process runs under the container's filter with no_new_privs" "2 1" \
    "$(keel exec seccomp-x3 sh -c 'echo $(grep ^Seccomp: /proc/self/status | cut -f2) $(grep ^NoNewPrivs: /proc/self/status | cut -f2)')"
keel delete -f seccomp-x3

bundle "$WORK/b4" "$errno_profile
c['process']['noNewPrivileges'] = False
c['process']['args'] = ['sh', '-c', 'mkdir /tmp/d 2>&1; grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status']"
expect_eq "without noNewPrivileges the filter is loaded too (before capabilities are dropped)" \
    "mkdir: can't create directory '/tmp/d': Function not implemented
NoNewPrivs:	0
Seccomp:	2" "$(keel run -b "$WORK/b4" seccomp-x4 2>/dev/null)"

bundle "$WORK/b5" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}, {"names": ["mkdir"], "action": "SCMP_ACT_FOO"}]}'
out=$(keel create -b "$WORK/b5" seccomp-x5 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'linux.seccomp.syscalls\[1\].action: unknown'; then
    ok "a bad seccomp action fails create, naming the JSON path"
else
    not_ok "a bad seccomp action fails create" "rc $rc: $out"
fi
expect_eq "and leaves no container behind" "" "$(keel list -q)"

# SCMP_ACT_NOTIFY: the agent gets the listener fd and the container process
# state, from create ("creating") and from each exec ("running").
notify_state() {
    python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(s["receivedFds"], s["fds"][0], s["pid"], s["metadata"], s["state"]["id"], s["state"]["status"])' "$1" 2>&1
}
start_agent() {
    rm -f "$WORK/agent.sock" "$WORK/agent.out" "$WORK/agent.out.ready"
    python3 "$AGENT" seccomp "$WORK/agent.sock" "$WORK/agent.out" &
    AGENT_PID=$!
    wait_for "$WORK/agent.out.ready"
}
bundle "$WORK/b6" "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW',
    'listenerPath': '$WORK/agent.sock', 'listenerMetadata': 'e2e-meta',
    'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}"
start_agent
keel run -d -b "$WORK/b6" seccomp-x6
wait "$AGENT_PID" || true
AGENT_PID=
ipid=$(keel state seccomp-x6 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
expect_eq "create sends the agent one fd named seccompFd, the pid, metadata and the state" \
    "1 seccompFd $ipid e2e-meta seccomp-x6 creating" "$(notify_state "$WORK/agent.out")"
start_agent
# the agent closes the listener at once: the notified syscall then fails with ENOSYS
expect_eq "exec loads the filter too; with the listener gone a notified syscall fails" \
    "mkdir: can't create directory '/tmp/n': Function not implemented" \
    "$(keel exec seccomp-x6 mkdir /tmp/n 2>&1)"
wait "$AGENT_PID" || true
AGENT_PID=
state=$(notify_state "$WORK/agent.out")
if [ "${state#1 seccompFd }" != "$state" ] && [ "${state% e2e-meta seccomp-x6 running}" != "$state" ] &&
    [ "$(echo "$state" | cut -d' ' -f3)" != "$ipid" ]; then
    ok "exec sends the agent its own listener fd, its pid and the state (running)"
else
    not_ok "exec sends the agent its listener fd" "$state"
fi
out=$(keel exec seccomp-x6 true 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'connect to seccomp listener'; then
    ok "exec fails when the agent cannot be reached"
else
    not_ok "exec fails when the agent cannot be reached" "rc $rc: $out"
fi
keel delete -f seccomp-x6

# Without noNewPrivileges the filter still goes in after keel's own setup (the
# process kept CAP_SYS_ADMIN for it): the agent sees the program's mkdir and none
# of keel's setresuid.
bundle "$WORK/b8" "c['process']['noNewPrivileges'] = False
c['process']['args'] = ['sh', '-c', 'mkdir /dev/shm/served && echo made']
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$WORK/agent.sock',
    'syscalls': [{'names': ['setresuid', 'mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}"
rm -f "$WORK/agent.sock" "$WORK/agent.out" "$WORK/agent.out.ready" "$WORK/agent.out.nrs"
python3 "$AGENT" serve "$WORK/agent.sock" "$WORK/agent.out" &
AGENT_PID=$!
wait_for "$WORK/agent.out.ready"
expect_eq "NOTIFY without noNewPrivileges: the agent answers the program's mkdir" made \
    "$(timeout 20 "$KEEL" --root "$ROOT" run -b "$WORK/b8" seccomp-x8 2>&1)"
wait "$AGENT_PID" || true
AGENT_PID=
# setresuid is 117, mkdir 83, mkdirat 258 on x86_64
expect_eq "the agent saw mkdir from the program and no setresuid from keel's setup" "mkdir" \
    "$(grep -qx 117 "$WORK/agent.out.nrs" && echo "117 ")$(grep -qxE '83|258' "$WORK/agent.out.nrs" && echo mkdir)"

# exec -t: the pty master goes to --console-socket.
bundle "$WORK/b7"
keel run -d -b "$WORK/b7" seccomp-x7
python3 "$AGENT" console "$WORK/console.sock" "$WORK/console.out" &
AGENT_PID=$!
wait_for "$WORK/console.out.ready"
keel exec -t --console-socket "$WORK/console.sock" seccomp-x7 sh -c 'test -t 0 && echo on-a-tty'
wait "$AGENT_PID" || true
AGENT_PID=
expect_eq "exec -t gives the process a terminal whose master reaches --console-socket" \
    on-a-tty "$(tr -d '\r' <"$WORK/console.out")"
expect_eq "exec -t in the foreground relays the terminal itself, and the status" "on-a-tty
3" \
    "$(keel exec -t seccomp-x7 sh -c 'test -t 0 && echo on-a-tty; exit 3' </dev/null | tr -d '\r'; echo "${PIPESTATUS[0]}")"
out=$(keel exec -t -d seccomp-x7 true 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'console-socket'; then
    ok "exec -t -d without --console-socket is refused"
else
    not_ok "exec -t -d without --console-socket is refused" "rc $rc: $out"
fi
keel delete -f seccomp-x7

tap_finish
