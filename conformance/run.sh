#!/usr/bin/env bash
# The OCI runtime conformance suite: run.sh RUNTIME [CASE-ID...] drives RUNTIME (a path or a
# name on PATH) through runc's command line on busybox bundles and prints TAP. Cases listed
# in xfail/<runtime name> are reported as TODO and do not fail the run.
# Environment: JOBS (cases at once, default 4), CASE_TIMEOUT (seconds, default 120),
# LOGDIR (per-case logs, default logs/<runtime name>).
set -eu
SUITE=$(cd "$(dirname "$0")" && pwd)

usage() {
    echo "usage: run.sh RUNTIME [CASE-ID...]" >&2
    exit 2
}

resolve_runtime() {
    case "$1" in
    */*) [ -x "$1" ] && realpath "$1" ;;
    *) command -v "$1" ;;
    esac
}

[ "$#" -ge 1 ] || usage
RUNTIME=$(resolve_runtime "$1") || {
    echo "run.sh: runtime $1 not found" >&2
    exit 2
}
shift
RT_NAME=$(basename "$RUNTIME")
JOBS=${JOBS:-4}
CASE_TIMEOUT=${CASE_TIMEOUT:-120}
LOGDIR=${LOGDIR:-$SUITE/logs/$RT_NAME}
RUNID="cf$$"
[ "$(id -u)" -eq 0 ] || {
    echo "run.sh: the suite creates real containers: run it as root" >&2
    exit 2
}

# The registry: every case file calls tcase ID SECTION DESCRIPTION.
IDS=()
declare -A SECTION DESC XFAIL
tcase() {
    IDS+=("$1")
    SECTION[$1]=$2
    DESC[$1]=$3
}
for f in "$SUITE"/cases/*.sh; do
    # shellcheck source=/dev/null
    . "$f"
done
if [ "$#" -gt 0 ]; then
    IDS=("$@")
fi
if [ -f "$SUITE/xfail/$RT_NAME" ]; then
    while read -r id reason; do
        case "$id" in '' | '#'*) continue ;; esac
        XFAIL[$id]=$reason
    done <"$SUITE/xfail/$RT_NAME"
fi

# Everything lives on a private tmpfs: creating files on this disk is slow.
WORK=$(mktemp -d /tmp/keel-conformance.XXXXXX)
mount -t tmpfs -o mode=0755 conformance "$WORK"
STATE="$WORK/state"
ROOTFS="$WORK/rootfs"
mkdir -p "$WORK/c" "$WORK/res" "$STATE" "$ROOTFS/bin" "$ROOTFS/tmp" "$ROOTFS/etc"
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

final_cleanup() {
    set +e
    local ids id cg
    for ids in "$WORK"/c/*/ids; do
        [ -f "$ids" ] || continue
        while read -r id; do
            "$RUNTIME" --root "$STATE" delete -f "$id" >/dev/null 2>&1
        done <"$ids"
    done
    awk -v d="$WORK/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    # cgroups a broken runtime left: kill their processes, then remove them deepest first.
    find /sys/fs/cgroup -depth -type d -name "$RUNID-*" 2>/dev/null | while read -r cg; do
        [ ! -f "$cg/cgroup.procs" ] || xargs -r kill -9 <"$cg/cgroup.procs" 2>/dev/null
        [ ! -f "$cg/freezer.state" ] || echo THAWED >"$cg/freezer.state"
        rmdir "$cg" 2>/dev/null || { sleep 0.2; rmdir "$cg"; }
    done
    umount -l "$WORK"
    rm -rf "$WORK"
}
trap final_cleanup EXIT
trap 'exit 130' INT TERM

# The base rootfs: busybox-static and its applets, copied into each bundle.
cp /bin/busybox "$ROOTFS/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$ROOTFS/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
echo 'root:x:0:' >"$ROOTFS/etc/group"

export RUNTIME RT_NAME STATE ROOTFS WORK SUITE RUNID

run_case() {
    local rc=0 t0=$SECONDS
    timeout -k 5 "$CASE_TIMEOUT" bash "$SUITE/lib/runcase.sh" "$1" >"$LOGDIR/$1.log" 2>&1 || rc=$?
    echo "$((SECONDS - t0)) $1" >"$WORK/time.$1"
    echo "$rc" >"$WORK/res/$1"
}

PASS=0 FAIL=0 SKIP=0 XF=0 XP=0
N=0
report() {
    local id=$1 rc line diag=no
    rc=$(cat "$WORK/res/$id")
    [ -n "$rc" ] || rc=1
    N=$((N + 1))
    line="$N - ${SECTION[$id]:-?}: ${DESC[$id]:-unknown case $id} [$id]"
    if [ "$rc" -eq 77 ]; then
        echo "ok $line # SKIP $(cat "$WORK/skip.$id" 2>/dev/null)"
        SKIP=$((SKIP + 1))
    elif [ -n "${XFAIL[$id]+x}" ]; then
        if [ "$rc" -eq 0 ]; then
            echo "ok $line # TODO ${XFAIL[$id]} (now passes: remove from xfail/$RT_NAME)"
            PASS=$((PASS + 1)) XP=$((XP + 1))
        else
            echo "not ok $line # TODO ${XFAIL[$id]}"
            SKIP=$((SKIP + 1)) XF=$((XF + 1))
        fi
    elif [ "$rc" -eq 0 ]; then
        echo "ok $line"
        PASS=$((PASS + 1))
    else
        echo "not ok $line"
        FAIL=$((FAIL + 1))
        diag=yes
    fi
    if [ "$diag" = yes ]; then
        [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || echo "# timed out after ${CASE_TIMEOUT}s"
        { grep '^FAIL: ' "$LOGDIR/$id.log" || tail -n 12 "$LOGDIR/$id.log"; } | cut -c1-400 | sed 's/^/# /'
        echo "# log: $LOGDIR/$id.log"
    fi
}

echo "1..${#IDS[@]}"
echo "# runtime: $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n 1))"
next=0
running=0
flush() {
    while [ "$next" -lt "${#IDS[@]}" ] && [ -f "$WORK/res/${IDS[$next]}" ]; do
        report "${IDS[$next]}"
        next=$((next + 1))
    done
}
for id in "${IDS[@]}"; do
    while [ "$running" -ge "$JOBS" ]; do
        wait -n || true
        running=$((running - 1))
        flush
    done
    run_case "$id" &
    running=$((running + 1))
done
wait || true
flush

echo "# slowest cases (seconds): $(cat "$WORK"/time.* | sort -rn | head -n 5 | tr '\n' ' ')"
echo "# expected failures (xfail/$RT_NAME, counted as skipped): $XF; xfail entries that now pass: $XP"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
