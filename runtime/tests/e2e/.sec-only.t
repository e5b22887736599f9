#!/bin/bash
# shellcheck disable=SC2016 # the $(...) and $$ in single quotes run in the container
# End to end, as root: the attacks runc's advisories describe, tried for real
# against keel (TAP). CVE-2019-5736 (rewriting the runtime through
# /proc/PID/exe), CVE-2024-21626 (host fds and a cwd outside the root),
# CVE-2025-31133 (masking with something that is not /dev/null), and mount
# destinations that are symlinks out of the rootfs. KEEL_UNDER_TEST names
# another build to attack (an unsealed keel fails the CVE-2019-5736 cases).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/tests/lib.sh
. "$top/scripts/tests/lib.sh"
# shellcheck source=runtime/tests/e2e/lib.sh
. "$here/lib.sh"

ROOT=/run/keel-test-security-$$
WORK=$(mktemp -d /tmp/keel-test-security.XXXXXX)
# A private copy: an attack that succeeds rewrites it, not bin/keel, and no
# other keel process keeps its text busy.
KEEL=$WORK/keel
TAG=keel-test-security-$$
ID=security-$$

cleanup() {
    delete_all_containers
    rm -rf "$ROOT" "$WORK" "/$TAG-up" "/$TAG-slash" "/tmp/$TAG-abs"
}
trap cleanup EXIT
bundle() {
    busybox_bundle "$@"
}
cp "${KEEL_UNDER_TEST:-$top/bin/keel}" "$KEEL"
# --- a container process ptracing keel exec's process before its exec ----------
# (runc's CVE-2016-9962): with CAP_SYS_PTRACE, a process of the container reads
# the fds of every other process it sees (shell builtins only: a pass takes
# well under a millisecond) while the host runs `keel exec` again and again; no
# directory of the host (a cgroupfs one, keel's state) may be reached,
# and, without CAP_SYS_PTRACE, the exec'd process is not dumpable (its fds are
# not readable) until it runs the program. The same in a user namespace.
# shellcheck disable=SC2016
SPY='while :; do for f in /proc/[0-9]*/fd/*; do cd "$f" 2>/dev/null || continue; set -- *; case " $* " in *" cgroup.procs "*|*" exec.fifo "*|*" state.json "*) echo "$f: $*" >>/tmp/seen ;; esac; cd /; done; done'
ptrace_attack() {
    local name=$1 edit=$2 owner=${3:-}
    bundle "$WORK/$name" "c['process']['args'] = ['sh', '-c', '''$SPY''']
c['root']['readonly'] = False
$edit"
    [ -z "$owner" ] || chown -R "$owner" "$WORK/$name/rootfs"
    keel run -d -b "$WORK/$name" "$ID-$name" >/dev/null 2>&1 || { echo "the spy did not start"; return; }
    for _ in $(seq 60); do keel exec "$ID-$name" true >/dev/null 2>&1; done
    keel exec "$ID-$name" sh -c 'sort -u /tmp/seen 2>/dev/null | head -5'
    keel delete -f "$ID-$name" >/dev/null 2>&1 || true
}
caps="for k in ('bounding', 'effective', 'permitted'): c['process']['capabilities'][k].append('CAP_SYS_PTRACE')"
expect_eq "a container process with CAP_SYS_PTRACE sees no host fd of keel exec's process" "" \
    "$(ptrace_attack p "$caps")"
expect_eq "without CAP_SYS_PTRACE, keel exec's process is not dumpable" "" \
    "$(ptrace_attack q "pass")"
userns="c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
$caps"
chmod 755 "$WORK"
expect_eq "the same in a user namespace (CAP_SYS_PTRACE there)" "" \
    "$(ptrace_attack u "$userns" 100000:100000)"

# A created container's init joining another container's pid namespace (a pod)
# waits for start with fds of the host open (exec.fifo, exec.err in keel's state
# directory): the other container's processes must not reach them through
# /proc/PID/fd (it is not dumpable until its exec).
# shellcheck disable=SC2016
bundle "$WORK/pod" "c['process']['args'] = ['sh', '-c', 'while :; do for f in /proc/[0-9]*/fd/*; do case \$f in /proc/\$\$/*) ;; *) [ -f \$f ] && echo \$f >>/tmp/seen ;; esac; done; sleep 0.05; done']
c['root']['readonly'] = False"
keel run -d -b "$WORK/pod" "$ID-pod" >/dev/null
pod_pid=$(keel state "$ID-pod" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
bundle "$WORK/pod2" "[n.update(path='/proc/$pod_pid/ns/pid') for n in c['linux']['namespaces'] if n['type'] == 'pid']"
keel create -b "$WORK/pod2" "$ID-pod2" >/dev/null
sleep 1
expect_eq "a process of a pod's other container reaches no host file of a created init's" "" \
    "$(keel exec "$ID-pod" sh -c 'sort -u /tmp/seen 2>/dev/null')"
keel delete -f "$ID-pod2" >/dev/null 2>&1 || true
keel delete -f "$ID-pod" >/dev/null 2>&1 || true

# --- mount destinations through symlinks ---------------------------------------
tap_finish
