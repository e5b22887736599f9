#!/usr/bin/env bash
# cond && ok || not_ok is meant (ok never fails).
# shellcheck disable=SC2015
# The fault suite (issue 17), as root, TAP: kill -9 at random moments of keel
# create/start/exec/delete, keel-image pull/bundle/unbundle and keel-docker
# run/rm (scripts/tests/faults.py), each round followed by a leak check and a
# store verification; then a fault-injecting proxy (imagetool/tests/e2e/
# fakes.py faults) in front of a real registry, where each fault must give a
# clear error within its deadline and a pull after it must succeed.
# FAULT_ROUNDS: rounds of each runtime loop (default 40; the image loops run
# a third of that, the keel-docker ones a fifth).
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP the fault suite needs root"; exit 0; }

ROUNDS=${FAULT_ROUNDS:-40}
FEW=$(((ROUNDS + 2) / 3))
FEWER=$(((ROUNDS + 4) / 5))
TMP=$(mktemp -d /tmp/keel-faults.XXXXXX)
RUNTIME_ROOT=/run/keel-faults-$$
export KEEL_ROOT=$TMP/root
export KEEL_RUN_ROOT=/run/keel-faults-kd-$$
export KEEL_NET_STATE=/run/keel-faults-net-$$
export KEEL_BRIDGE=kft$$
export KEEL_CGROUP_PARENT=keel-faults-$$
KEEL=$TOP/bin/keel
KI=$TOP/bin/keel-image
FAULTS=$TOP/scripts/tests/faults.py
PROXY_PID=

cleanup() {
    local id
    for id in $("$KEEL" --root "$RUNTIME_ROOT" list -q 2>/dev/null); do
        "$KEEL" --root "$RUNTIME_ROOT" delete -f "$id" >/dev/null 2>&1
    done
    for id in $("$TOP/scripts/keel-docker" ps -a -q --no-trunc 2>/dev/null); do
        "$TOP/scripts/keel-docker" rm -f "$id" >/dev/null 2>&1
    done
    [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null
    stop_registry
    ip link del "$KEEL_BRIDGE" 2>/dev/null
    find /sys/fs/cgroup/*/"$KEEL_CGROUP_PARENT" -maxdepth 0 -type d -exec rmdir {} + 2>/dev/null
    grep -o "${TMP}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf "$TMP" "$RUNTIME_ROOT" "$KEEL_RUN_ROOT" "$KEEL_NET_STATE"
}
trap cleanup EXIT

# expect_loop OUTPUT NAME: the loop NAME ran, its kills landed, nothing leaked.
expect_loop() {
    local line rounds kills orphans leaks
    line=$(grep "^$2 rounds=" "$1")
    read -r rounds kills orphans leaks < <(tr -c '0-9\n' ' ' <<<"${line#* rounds=}")
    echo "# $line"
    [ "${rounds:-0}" -gt 0 ] && [ "${kills:-0}" -gt 0 ] &&
        ok "$2: $kills of $rounds kill -9s landed mid-run" ||
        not_ok "$2: kill -9s landed mid-run" "$line"
    [ "${orphans:-1}" = 0 ] && ok "$2: no container process outlived its creator unlisted" ||
        not_ok "$2: no container process outlived its creator unlisted" "$(grep "^$2 round.*orphan" "$1.err")"
    [ "${leaks:-1}" = 0 ] && ok "$2: nothing leaked, the store verifies" ||
        not_ok "$2: nothing leaked, the store verifies" "$(grep "^$2 round" "$1.err" | head -5)"
}

# --- keel ---------------------------------------------------------------------------------
ROOT=$RUNTIME_ROOT
# shellcheck source=runtime/tests/e2e/lib.sh
. runtime/tests/e2e/lib.sh
busybox_bundle "$TMP/bundle"
python3 "$FAULTS" runtime "$KEEL" "$RUNTIME_ROOT" "$TMP/bundle" "kf$$" "$ROUNDS" \
    >"$TMP/runtime.out" 2>"$TMP/runtime.out.err"
for op in create start exec delete; do expect_loop "$TMP/runtime.out" "keel $op"; done

# --- keel-image -----------------------------------------------------------------------------
make_busybox_layout "$TMP/layout" latest
start_registry "$TMP/registry" || { echo "Bail out! no registry"; exit 1; }
push_layout "$TMP/layout" latest busybox
mkdir -p "$TMP/bundles"
python3 "$FAULTS" image "$KI" "$TMP/store" "$REGISTRY/busybox" "$TMP/bundles" "$FEW" \
    >"$TMP/image.out" 2>"$TMP/image.out.err"
for op in pull bundle unbundle; do expect_loop "$TMP/image.out" "keel-image $op"; done

# --- keel-docker ----------------------------------------------------------------------------
python3 "$FAULTS" docker "$TOP/scripts/keel-docker" "$REGISTRY/busybox" "$TMP" "$FEWER" \
    >"$TMP/docker.out" 2>"$TMP/docker.out.err"
for op in run rm; do expect_loop "$TMP/docker.out" "keel-docker $op"; done

# --- a registry behind a fault-injecting proxy ------------------------------------------------
PORT=$(free_port)
CONTROL=$TMP/fault
python3 imagetool/tests/e2e/fakes.py faults "$PORT" "${REGISTRY##*:}" "$CONTROL" >"$TMP/proxy.log" 2>&1 &
PROXY_PID=$!
for _ in $(seq 100); do grep -q ready "$TMP/proxy.log" && break; sleep 0.05; done
REF=127.0.0.1:$PORT/busybox
# short deadlines, so that a stall fails in seconds (README "Registry deadlines")
export KEEL_IMAGE_HEADERS_TIMEOUT=1 KEEL_IMAGE_LOW_SPEED_TIME=3 KEEL_IMAGE_LOW_SPEED_LIMIT=1024
BLOB="blob sha256:[0-9a-f]{64}"

# fault NAME PATTERN MAX-SECONDS: a pull through the fault fails within MAX-SECONDS
# with the reference and PATTERN in its message; then, the fault gone, a pull into
# the same store succeeds and the store verifies.
fault() {
    local name=$1 pattern=$2 max=$3 store=$TMP/store-$1 start end out rc
    echo "$name" >"$CONTROL"
    start=$(date +%s.%N)
    out=$(timeout 120 "$KI" --root "$store" pull -q "$REF" 2>&1)
    rc=$?
    end=$(date +%s.%N)
    local took
    took=$(echo "$end - $start" | bc)
    echo "# $name: ${took}s: $out"
    [ "$rc" != 0 ] && grep -q "$REF" <<<"$out" && grep -qE "$pattern" <<<"$out" &&
        ok "fault $name: a clear error ($pattern) naming $REF" ||
        not_ok "fault $name: a clear error ($pattern) naming $REF" "rc=$rc: $out"
    [ "$(echo "$took < $max" | bc)" = 1 ] && ok "fault $name: fails within ${max}s (${took}s)" ||
        not_ok "fault $name: fails within ${max}s" "took ${took}s"
    echo none >"$CONTROL"
    out=$("$KI" --root "$store" pull -q "$REF" 2>&1) &&
        python3 imagetool/tests/e2e/check_store.py "$store" &&
        ok "fault $name: the pull after it succeeds, the store verifies" ||
        not_ok "fault $name: the pull after it succeeds, the store verifies" "$out"
}
fault 500 "HTTP 500" 20
fault reset "$BLOB: .*reset" 20
fault digest "$BLOB: digest mismatch" 10
fault bigmanifest "larger than 4194304 bytes" 10
fault redirects "[Rr]edirect" 10
fault 401 "requires credentials" 10
fault drip "$BLOB: Operation too slow" 15
fault noheaders "no response headers within 1.0 s" 10

# a slow but moving transfer finishes
echo slow >"$CONTROL"
check "fault slow: a slow (about 256 KiB/s) but moving transfer finishes" \
    "$KI" --root "$TMP/store-slow" pull -q "$REF"
echo none >"$CONTROL"

tap_finish
