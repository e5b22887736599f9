# Helpers every case uses; sourced by lib/runcase.sh. A case is a function c_<id> that
# returns to pass, calls fail to fail and skip to skip. It runs under `set -eu` with
# xtrace into its log, in its own directory $CDIR, with $RUNTIME, $STATE and $ROOTFS set.
# shellcheck shell=bash disable=SC2034

# tcase ID SECTION DESCRIPTION registers a case; runcase.sh only needs the function.
tcase() { :; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "$*" >"$CDIR/skip"
    exit 77
}

# rt ARGS...: the runtime under test with this run's state root.
rt() {
    "$RUNTIME" --root "$STATE" "$@"
}

# newid [SUFFIX]: a unique container id in $ID, remembered for cleanup.
newid() {
    ID="$RUNID-$CASE${1:-}"
    echo "$ID" >>"$CDIR/ids"
}

# mkbundle [ARGS...]: a fresh bundle in $B (rootfs copied from the busybox base, config
# from the template with a plain-stdio process running ARGS; default: sleep).
BUNDLES=0
mkbundle() {
    BUNDLES=$((BUNDLES + 1))
    B="$CDIR/bundle$BUNDLES"
    mkdir -p "$B"
    cp -a "$ROOTFS" "$B/rootfs"
    if [ "$#" -eq 0 ]; then
        set -- sleep 600
    fi
    local args
    args=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
    jq --argjson args "$args" '.process.terminal = false | .process.args = $args
        | .root.readonly = false | .hostname = "conformance"' \
        "$SUITE/config.template.json" >"$B/config.json"
}

# cfg JQ-ARGS...: edit $B/config.json with jq.
cfg() {
    jq "$@" "$B/config.json" >"$B/config.json.new"
    mv "$B/config.json.new" "$B/config.json"
}

# runc_ [RUN-OPTS...]: `run` $B as $ID in the foreground; stdout in $OUT, stderr in
# $CDIR/err, exit status in $RC. Never fails itself.
run_() {
    RC=0
    rt run "$@" -b "$B" "$ID" >"$CDIR/out" 2>"$CDIR/err" </dev/null || RC=$?
    OUT=$(cat "$CDIR/out")
    cat "$CDIR/err" >&2
}

# runok [RUN-OPTS...]: run_ that must exit 0.
runok() {
    run_ "$@"
    [ "$RC" -eq 0 ] || fail "run exited $RC: $(head -c 500 "$CDIR/err")"
}

# create_ [CREATE-OPTS...]: create $B as $ID; the container's stdio goes to files.
create_() {
    rt create "$@" -b "$B" "$ID" >"$CDIR/out.$ID" 2>"$CDIR/err.$ID" </dev/null
}

# createok: create_ that must succeed, then $PID holds the container's pid.
createok() {
    create_ "$@" || fail "create failed: $(head -c 500 "$CDIR/err.$ID")"
    PID=$(state_field pid)
}

# startok: create and start a sleeping $B as $ID.
startok() {
    createok "$@"
    rt start "$ID" || fail "start failed"
}

state_field() {
    rt state "$ID" | jq -r ".$1"
}

# wait_until SECONDS CMD...: poll CMD until it succeeds.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}

status_is() {
    [ "$(state_field status 2>/dev/null)" = "$1" ]
}

wait_status() {
    wait_until "${2:-20}" status_is "$1" || fail "status is not $1: $(rt state "$ID" 2>&1 | tr -d '\n')"
}

# must_fail CMD...: CMD has to exit non-zero.
must_fail() {
    if "$@"; then
        fail "expected failure: $*"
    fi
}

eq() {
    [ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"
}

contains() {
    case "$1" in
    *"$2"*) ;;
    *) fail "${3:-output} '$1' lacks '$2'" ;;
    esac
}

not_contains() {
    case "$1" in
    *"$2"*) fail "${3:-output} '$1' has '$2'" ;;
    esac
}

# gone: no trace of $ID: state fails, no state dir, not listed.
gone() {
    must_fail rt state "$ID"
    [ ! -e "$STATE/$ID" ] || fail "state dir $STATE/$ID left behind"
    if rt list -q | grep -qx "$ID"; then
        fail "$ID still listed"
    fi
}

# no_leftovers: nothing of the bundle $B is mounted and no process runs from it.
no_leftovers() {
    if grep -F " $B/" /proc/self/mountinfo; then
        fail "mounts under $B left behind"
    fi
    local left
    left=$(find /proc -mindepth 2 -maxdepth 2 -name root -lname "$B/*" 2>/dev/null || true)
    [ -z "$left" ] || fail "processes left running in $B: $left"
}

# cg_dir PID CONTROLLER: the host directory of PID's cgroup for CONTROLLER (v1 or v2).
cg_dir() {
    local line path
    [ -f "/proc/$1/cgroup" ] || fail "no process $1"
    if [ -d "/sys/fs/cgroup/$2" ]; then
        line=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
        path="/sys/fs/cgroup/$2$line"
    else
        line=$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")
        path="/sys/fs/cgroup$line"
    fi
    [ -d "$path" ] || fail "no $2 cgroup for pid $1 ($path)"
    echo "$path"
}

# cg_file PID CONTROLLER V1-FILE V2-FILE: the path of a cgroup file, by hierarchy.
cg_file() {
    local dir
    dir=$(cg_dir "$1" "$2")
    if [ -d "/sys/fs/cgroup/$2" ]; then
        echo "$dir/$3"
    else
        echo "$dir/$4"
    fi
}

# mountinfo_of PATH: the container's mountinfo line for mount point PATH (pid $PID).
mountinfo_of() {
    awk -v m="$1" '$5 == m' "/proc/$PID/mountinfo" | tail -n 1
}

# hostfile PATH CONTENT: write a file on the host, executable when it is a script.
hostfile() {
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "$2" >"$1"
    chmod 755 "$1"
}
