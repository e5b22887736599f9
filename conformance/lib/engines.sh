# Helpers of the engine cases (containerd's CRI plugin, ctr, docker): each case starts its own
# daemons under $CDIR with private roots, sockets and cgroup parents named after $RUNID, and
# eng_cleanup (run by the case's cleanup whatever happened) stops them and removes what they
# and the runtime left. Sourced by lib/runcase.sh.
# shellcheck shell=bash

# need CMD PACKAGE: skip the case when CMD is missing.
need() {
    command -v "$1" >/dev/null || skip "$1 is not installed (Debian package $2; scripts/install-deps installs it)"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# daemon NAME CMD...: CMD in the background with its output in $CDIR/NAME.log; the pid is
# kept in $CDIR/pids so that eng_cleanup ends it.
daemon() {
    local name=$1
    shift
    "$@" >"$CDIR/$name.log" 2>&1 &
    echo "$!" >>"$CDIR/pids"
}

# errtext FILE: FILE without the shell trace, shortened, for a failure message.
errtext() {
    grep -v '^+' "$1" | head -c 400
}

# wait_sock PATH NAME: until the unix socket PATH exists (the daemon NAME, started last, made
# it); the case is skipped when the daemon exits or makes none in time.
wait_sock() {
    local pid
    pid=$(tail -n 1 "$CDIR/pids")
    wait_until 30 sock_or_gone "$1" "$pid"
    [ -S "$1" ] || cannot_start "$2"
}

sock_or_gone() {
    [ -S "$1" ] || ! kill -0 "$2" 2>/dev/null
}

# cannot_start NAME: an engine that does not start on this host skips the case (the runtime
# under test plays no part before the engine runs a container), with the end of its log.
cannot_start() {
    skip "$1 cannot be started here: $(grep -v '^+' "$CDIR/$1.log" | tail -n 3 | tr '\n' ' ' | cut -c1-300)"
}

# busybox_archive OUT REF CMD-JSON [REF CMD-JSON ...]: the case's image archive (one busybox
# layer, see tools/mkimage.py).
busybox_archive() {
    python3 "$SUITE/tools/mkimage.py" "$1" "$ROOTFS" "${@:2}" || fail "mkimage.py failed"
}

# pids_with STRING: processes whose command line holds STRING (a path unique to this case).
pids_with() {
    local p
    for p in /proc/[0-9]*; do
        if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$1"; then
            echo "${p#/proc/}"
        fi
    done
}

# cg_procs PARENT: pids in the cgroup subtree /PARENT of any hierarchy.
cg_procs() {
    find /sys/fs/cgroup -path "*/$1/*" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# cg_left PARENT: the cgroup directories under /PARENT left in any hierarchy.
cg_left() {
    find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path "*/$1/*" 2>/dev/null
}

# eng_cleanup DIR RUNCROOT CGPARENT: the daemons this case started end, then every process
# with DIR on its command line (shims), the containers under RUNCROOT (the runtime's --root
# parent), the processes in CGPARENT and the cgroups and mounts left.
eng_cleanup() {
    local dir=$1 runcroot=$2 cg=$3 p root id m
    if [ -f "$CDIR/pids" ]; then
        while read -r p; do kill "$p" 2>/dev/null; done <"$CDIR/pids"
        sleep 0.5
        while read -r p; do kill -9 "$p" 2>/dev/null; done <"$CDIR/pids"
    fi
    for p in $(pids_with "$dir"); do kill -9 "$p" 2>/dev/null; done
    for root in "$runcroot"/*; do
        [ -d "$root" ] || continue
        for id in $("$RUNTIME" --root "$root" list -q 2>/dev/null); do
            "$RUNTIME" --root "$root" delete -f "$id" >/dev/null 2>&1
        done
    done
    for p in $(cg_procs "$cg"); do kill -9 "$p" 2>/dev/null; done
    awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    sleep 0.2
    find /sys/fs/cgroup -depth -mindepth 2 -maxdepth 4 -type d -path "*/$cg*" \
        -exec rmdir {} \; 2>/dev/null
    return 0
}

# containerd_start DIR [EXTRA-TOML]: containerd with its root, state, sockets and the runc
# shim's state under DIR; sets CTD_SOCK. Only the plugins a case needs are loaded.
containerd_start() {
    local dir=$1 extra=${2:-}
    need containerd containerd
    need containerd-shim-runc-v2 containerd
    mkdir -p "$dir"
    CTD_SOCK="$dir/c.sock"
    cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
plugin_dir = ""
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CTD_SOCK"
[ttrpc]
  address = "$CTD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
$extra
EOF
    daemon containerd containerd --config "$dir/config.toml"
    wait_sock "$CTD_SOCK" containerd
}

# step NAME FUNCTION [ARGS...]: one counted step of an engine case. A failed step (fail or any
# failing command) is recorded and the case goes on, so that the count says how far an engine
# gets; steps_done fails the case when one failed.
STEPS=0 PASSED=0 FAILED=()
step() {
    local name=$1 rc
    shift
    STEPS=$((STEPS + 1))
    set +e
    (
        set -e
        "$@"
    )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "STEP ok $name"
    else
        FAILED+=("$name")
        echo "STEP FAIL $name" >&2
    fi
}

steps_done() {
    echo "STEPS: $1 $PASSED/$STEPS steps passed"
    [ "${#FAILED[@]}" -eq 0 ] && return
    daemon_logs
    fail "$1: $PASSED/$STEPS steps passed, failed: ${FAILED[*]}"
}

# daemon_logs: the end of each daemon's log into the case's log (they go with $CDIR).
daemon_logs() {
    local f
    for f in "$CDIR"/*.log; do
        [ -f "$f" ] || continue
        echo "--- the end of ${f##*/}"
        tail -n 40 "$f" | cut -c1-600
    done
}
