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

# reopen_for_write PID READY: holds /proc/PID/exe as O_PATH (once PID runs
# from its read-only view: keel re-execs itself early; up to 5 s), touches
# READY, waits for PID to exit, then reopens the binary for writing as the
# CVE-2019-5736 exploit does. Prints "written" if that worked, else the errno
# name; then "ro" or "rw" for the mount the binary is on and "sealed" when it
# is a sealed memfd.
reopen_for_write() {
    python3 - "$1" "$2" <<'EOF'
import errno, fcntl, os, sys, time
pid, ready = sys.argv[1], sys.argv[2]
def view(fd):
    ro = os.statvfs(f"/proc/self/fd/{fd}").f_flag & os.ST_RDONLY
    r = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY)
    try:
        sealed = fcntl.fcntl(r, 1034) & 8  # F_GET_SEALS, F_SEAL_WRITE
    except OSError:
        sealed = 0
    os.close(r)
    return ro, sealed
for _ in range(250):
    fd = os.open(f"/proc/{pid}/exe", os.O_PATH)
    ro, sealed = view(fd)
    if ro or sealed:
        break
    os.close(fd)
    time.sleep(0.02)
else:
    fd = os.open(f"/proc/{pid}/exe", os.O_PATH)
open(ready, "w").close()
for _ in range(400):
    if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z":
        break
    time.sleep(0.05)
try:
    w = os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_APPEND)
    os.close(w)
    print("written")
except OSError as e:
    print(errno.errorcode[e.errno])
ro, sealed = view(fd)
print("ro" if ro else "rw")
print("sealed" if sealed else "file")
EOF
}

# exe_refused NAME RESULT: RESULT (from reopen_for_write) shows no write and a
# read-only view.
exe_refused() {
    case $2 in
    written*) not_ok "$1" "the binary was opened for writing: $2" ;;
    *ro*|*sealed*) ok "$1" ;;
    *) not_ok "$1" "the binary is on a writable mount and not sealed: $2" ;;
    esac
}

if [ "$(id -u)" -ne 0 ]; then
    skip "runtime attacks end to end" "needs root"
    tap_finish
    exit 0
fi
cp "${KEEL_UNDER_TEST:-$top/bin/keel}" "$KEEL"
sum=$(sha256sum "$KEEL")

# --- CVE-2019-5736: /proc/PID/exe of the runtime ---------------------------------
bundle "$WORK/a"
keel create -b "$WORK/a" "$ID-a"
init=$(keel state "$ID-a" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
res=$(reopen_for_write "$init" "$WORK/ready-a" & wait_for "$WORK/ready-a"; keel start "$ID-a"; wait)
exe_refused "CVE-2019-5736: the created container's init (keel until start) cannot be reopened for writing" "$res"

"$KEEL" --root "$ROOT" exec "$ID-a" sleep 3 &
exec_pid=$!
res=$(reopen_for_write "$exec_pid" "$WORK/ready-exec")
wait "$exec_pid" || true
exe_refused "CVE-2019-5736: keel exec's binary cannot be reopened for writing after it exits" "$res"

keel delete -f "$ID-a"

# from inside, as the exploit ran: exe_attack (static, the container's pid 1's
# child) catches a `keel exec` before it execs /bin/true, holds its exe and
# reopens it for writing once it is gone
if cc -static -O2 -o "$WORK/attack" "$here/exe_attack.c" 2>"$WORK/cc.log"; then
    bundle "$WORK/x" 'c["process"]["args"] = ["sh", "-c", "/attack 20 >/tmp/result 2>&1; sleep 100"]; c["root"]["readonly"] = False'
    cp "$WORK/attack" "$WORK/x/rootfs/attack"
    keel run -d -b "$WORK/x" "$ID-x" >/dev/null
    for _ in $(seq 60); do
        keel exec "$ID-x" /bin/true || break
        [ ! -s "$WORK/x/rootfs/tmp/result" ] || break
    done
    for _ in $(seq 50); do
        grep -Eq 'none|written|refused' "$WORK/x/rootfs/tmp/result" 2>/dev/null && break
        sleep 0.2
    done
    res=$(cat "$WORK/x/rootfs/tmp/result" 2>/dev/null || true)
    case $res in
    *written*) not_ok "CVE-2019-5736: a container process cannot write keel through a caught /proc/PID/exe" "$res" ;;
    *refused*) ok "CVE-2019-5736: a container process cannot write keel through a caught /proc/PID/exe" ;;
    *) skip "CVE-2019-5736: a container process cannot write keel through a caught /proc/PID/exe" "no keel exec caught: $res" ;;
    esac
    keel delete -f "$ID-x"
else
    skip "CVE-2019-5736 from inside the container" "cc -static failed: $(head -1 "$WORK/cc.log")"
fi
expect_eq "CVE-2019-5736: the keel binary is unchanged" "$sum" "$(sha256sum "$KEEL")"

# --- CVE-2024-21626: fds and cwd --------------------------------------------------
# the open fds of the shell ($$): the glob's own directory fd is closed by the
# time readlink runs, so it drops out
LIST_FDS='cd /proc/$$/fd && for f in *; do readlink "$f" >/dev/null && printf "%s " "$f"; done; true'
bundle "$WORK/b" "c[\"process\"][\"args\"] = [\"sh\", \"-c\", '$LIST_FDS']"
out=$(keel run -b "$WORK/b" "$ID-b1" 5</etc/hostname 7<"$WORK" 9<"$WORK/a")
expect_eq "CVE-2024-21626: run: the container has only fds 0 1 2 (host fds 5 7 9 closed)" "0 1 2 " "$out"
out=$(keel run --preserve-fds 2 -b "$WORK/b" "$ID-b2" 3</etc/hostname 4<"$WORK" 7<"$WORK")
expect_eq "CVE-2024-21626: run --preserve-fds 2: exactly fds 0-4 (host fd 7 closed)" "0 1 2 3 4 " "$out"

# with a terminal (relayed by run itself under script's pty): the pty master stays out
bundle "$WORK/t" "c[\"process\"][\"args\"] = [\"sh\", \"-c\", '$LIST_FDS']; c[\"process\"][\"terminal\"] = True"
out=$(script -qec "$KEEL --root $ROOT run -b $WORK/t $ID-t" /dev/null 5</etc/hostname 7<"$WORK" | tr -cd '0-9 ')
expect_eq "CVE-2024-21626: run with a terminal: only fds 0 1 2" "0 1 2 " "$out"

bundle "$WORK/c"
keel run -d -b "$WORK/c" "$ID-c" >/dev/null
out=$(keel exec "$ID-c" sh -c "$LIST_FDS" 5</etc/hostname 7<"$WORK" 9<"$WORK/a")
expect_eq "CVE-2024-21626: exec: the process has only fds 0 1 2" "0 1 2 " "$out"
out=$(keel exec --preserve-fds 1 "$ID-c" sh -c "$LIST_FDS" 3</etc/hostname 7<"$WORK")
expect_eq "CVE-2024-21626: exec --preserve-fds 1: exactly fds 0-3" "0 1 2 3 " "$out"

# a cwd through a leaked fd would be a host directory: every such cwd must be
# refused, or (an fd inside the container) be inside the root
bad=
for n in 3 4 5 6 7 8 9 10 11 12 13 14 15; do
    bundle "$WORK/d$n" "c[\"process\"][\"cwd\"] = \"/proc/self/fd/$n\"; c[\"process\"][\"args\"] = [\"sh\", \"-c\", \"test -e ./$TAG-marker && echo inside || readlink /proc/self/cwd\"]"
    touch "$WORK/d$n/rootfs/$TAG-marker"
    if out=$(keel run -b "$WORK/d$n" "$ID-d$n" 2>&1) && [ "$out" != inside ]; then
        bad="$bad fd $n: $out;"
    fi
    keel delete -f "$ID-d$n" >/dev/null 2>&1 || true
    if out=$(keel exec --cwd "/proc/self/fd/$n" "$ID-c" sh -c 'readlink /proc/self/cwd' 2>&1); then
        bad="$bad exec fd $n: $out;"
    fi
done
expect_eq "CVE-2024-21626: process.cwd and exec --cwd /proc/self/fd/N never reach the host" "" "$bad"
# a host directory handed in on purpose (--preserve-fds) is still no cwd
rc=0
out=$(keel run --preserve-fds 1 -b "$WORK/d3" "$ID-dp" 3<"$WORK" 2>&1) || rc=$?
if [ "$rc" -ne 0 ] && [ "${out#*outside the container}" != "$out" ]; then
    ok "CVE-2024-21626: run: cwd through a preserved host directory fd is refused"
else
    not_ok "CVE-2024-21626: run: cwd through a preserved host directory fd is refused" "rc $rc: $out"
fi
keel delete -f "$ID-dp" >/dev/null 2>&1 || true
rc=0
out=$(keel exec --preserve-fds 1 --cwd /proc/self/fd/3 "$ID-c" sh -c 'readlink /proc/self/cwd' 3<"$WORK" 2>&1) || rc=$?
if [ "$rc" -ne 0 ] && [ "${out#*outside the container}" != "$out" ]; then
    ok "CVE-2024-21626: exec: cwd through a preserved host directory fd is refused"
else
    not_ok "CVE-2024-21626: exec: cwd through a preserved host directory fd is refused" "rc $rc: $out"
fi
keel delete -f "$ID-c"

# --- CVE-2025-31133: maskedPaths -------------------------------------------------
bundle "$WORK/m" 'c["linux"]["maskedPaths"] += ["/etc/secret", "/etc/secretdir"]; c["process"]["args"] = ["sh", "-c", "cat /etc/secret; ls /etc/secretdir; echo end"]'
echo s3cret >"$WORK/m/rootfs/etc/secret"
mkdir "$WORK/m/rootfs/etc/secretdir"
echo s3cret >"$WORK/m/rootfs/etc/secretdir/f"
expect_eq "CVE-2025-31133: a masked file reads empty and a masked directory lists empty" end \
    "$(keel run -b "$WORK/m" "$ID-m1" 2>&1)"
# without a /dev mount the rootfs' own /dev/null is used: a symlink to the
# secret, a regular file, or the wrong device must make the run fail
for kind in link file zero; do
    bundle "$WORK/m$kind" 'c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/dev")]; c["linux"]["maskedPaths"] = ["/etc/secret"]; c["process"]["args"] = ["cat", "/etc/secret"]'
    echo s3cret >"$WORK/m$kind/rootfs/etc/secret"
    mkdir -p "$WORK/m$kind/rootfs/dev"
    case $kind in
    link) ln -s /etc/secret "$WORK/m$kind/rootfs/dev/null" ;;
    file) : >"$WORK/m$kind/rootfs/dev/null" ;;
    zero) mknod "$WORK/m$kind/rootfs/dev/null" c 1 5 ;;
    esac
    rc=0
    out=$(keel run -b "$WORK/m$kind" "$ID-m$kind" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] && [ "${out#*s3cret}" = "$out" ]; then
        ok "CVE-2025-31133: a fake /dev/null ($kind) makes the run fail"
    else
        not_ok "CVE-2025-31133: a fake /dev/null ($kind) makes the run fail" "rc $rc: $out"
    fi
    keel delete -f "$ID-m$kind" >/dev/null 2>&1 || true
done

# --- device nodes from the image ------------------------------------------------
# an image may carry any node; the default deny-all devices rule must keep the
# container from the host's disk (read 512 bytes: harmless if it worked)
disk=$(awk 'NR > 2 && $1 ~ /^[0-9]+$/ { print $1, $2; exit }' /proc/partitions)
if [ -n "$disk" ]; then
    bundle "$WORK/n" 'c["process"]["args"] = ["sh", "-c", "cat /disk | wc -c; echo x >/kmsg && echo kmsg-written"]'
    # shellcheck disable=SC2086 # major and minor as two words
    mknod "$WORK/n/rootfs/disk" b $disk
    mknod "$WORK/n/rootfs/kmsg" c 1 11
    ln -sf busybox "$WORK/n/rootfs/bin/wc"
    out=$(keel run -b "$WORK/n" "$ID-n" 2>/dev/null || true)
    expect_eq "image device nodes (the host disk, /dev/kmsg) cannot be used in the container" 0 "$out"
    keel delete -f "$ID-n" >/dev/null 2>&1 || true
else
    skip "image device nodes cannot be used in the container" "no block device in /proc/partitions"
fi

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
mkdir "$WORK/hostdir"
bundle "$WORK/s" "c[\"mounts\"] += [
  {\"destination\": \"/slash/$TAG-slash\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},
  {\"destination\": \"/up/$TAG-up\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},
  {\"destination\": \"/abs/$TAG-abs\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},
  {\"destination\": \"/hostdir/sub\", \"type\": \"bind\", \"source\": \"$WORK/a\", \"options\": [\"rbind\"]}]
c[\"process\"][\"args\"] = [\"sh\", \"-c\", \"cat /proc/self/mountinfo\"]"
ln -s / "$WORK/s/rootfs/slash"
ln -s ../../../../../../../.. "$WORK/s/rootfs/up"
ln -s "/tmp" "$WORK/s/rootfs/abs"
ln -s "$WORK/hostdir" "$WORK/s/rootfs/hostdir"
out=$(keel run -b "$WORK/s" "$ID-s" 2>&1) || true
missing=
for d in "/$TAG-slash" "/$TAG-up" "/tmp/$TAG-abs" "$WORK/hostdir/sub"; do
    case $out in *" $d "*) ;; *) missing="$missing $d" ;; esac
done
expect_eq "mount destinations through symlinks to /, ../.. and host paths are mounted inside" "" "$missing"
leaked=
for d in "/$TAG-slash" "/$TAG-up" "/tmp/$TAG-abs" "$WORK/hostdir/sub"; do
    if [ -e "$d" ]; then leaked="$leaked $d"; fi
done
expect_eq "mount destinations through symlinks create nothing on the host" "" "$leaked"
keel delete -f "$ID-s" >/dev/null 2>&1 || true

tap_finish
