#!/bin/bash
# shellcheck disable=SC2016 # the $(...) and $? in single quotes run in the container or tmux
# End to end, as root: the pty of `keel run -t` and `keel exec -t` as the
# container's program sees it (TAP). The pty must be one of the container's
# /dev/pts, start at the caller's size (process.consoleSize when the caller
# has none), follow resizes of the caller's terminal, and turn Ctrl-C into
# SIGINT for the container's foreground process. `script` gives keel a pty of
# a known size; tmux gives one that can be resized and typed into.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/tests/lib.sh
. "$top/scripts/tests/lib.sh"
# shellcheck source=runtime/tests/e2e/lib.sh
. "$here/lib.sh"

KEEL=${KEEL:-$top/bin/keel}
ROOT=/run/keel-test-tty-$$
WORK=$(mktemp -d /tmp/keel-test-tty.XXXXXX)
chmod 755 "$WORK" # the user namespace case's root is host uid 100000
TMUX_SOCK=keel-test-tty-$$
ID=tty-$$

cleanup() {
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
    delete_all_containers
    rm -rf "$ROOT" "$WORK"
}
trap cleanup EXIT

# bundle DIR TERMINAL ARGS-JSON: busybox_bundle with that terminal and args.
bundle() {
    busybox_bundle "$1" 'c["process"]["terminal"] = argv[0] == "true"
c["process"]["args"] = json.loads(argv[1])' "$2" "$3"
}

# in_script COMMAND: runs COMMAND under `script` (a pty of 45 rows, 123
# columns) with a stdin that stays open (script sends its pty an EOF
# character when its own stdin ends): a fifo this shell holds open on fd 7.
# Prints what it wrote, without CRs.
in_script() {
    timeout 20 script -qec "stty rows 45 cols 123; $1" /dev/null <"$WORK/stdin" 7>&- | tr -d '\r'
}

# pane_wait PATTERN: up to 10 s for the tmux pane to show PATTERN (grep -E).
pane_wait() {
    for _ in $(seq 100); do
        if tmux -L "$TMUX_SOCK" capture-pane -p -t t | grep -Eq -- "$1"; then return 0; fi
        sleep 0.1
    done
    return 1
}

pane() {
    tmux -L "$TMUX_SOCK" capture-pane -p -t t | grep -v '^$' || true
}

if [ "$(id -u)" -ne 0 ]; then
    skip "tty end to end" "needs root"
    tap_finish
    exit 0
fi

mkfifo "$WORK/stdin"
exec 7<>"$WORK/stdin"
bundle "$WORK/b" false '["sleep", "1000"]'
keel run -d -b "$WORK/b" "$ID"

# --- exec -t: the container's own pty ---------------------------------------
out=$(in_script "$KEEL --root $ROOT exec -t $ID sh -c 'tty; test -c \"\$(tty)\" && echo IS-CHAR'")
case $out in
*"not a tty"*) not_ok "exec -t: the process has a terminal (tty)" "$out" ;;
*/dev/pts/*IS-CHAR*) ok "exec -t: tty names the container's /dev/pts/N" ;;
*) not_ok "exec -t: tty names the container's /dev/pts/N" "$out" ;;
esac
out=$(in_script "$KEEL --root $ROOT exec -t $ID sh -c 'ls -l /proc/self/fd/0 /proc/self/fd/2'")
if [ "$(printf '%s\n' "$out" | grep -c -- '-> /dev/pts/')" = 2 ]; then
    ok "exec -t: stdin and stderr are the container's pty"
else not_ok "exec -t: stdin and stderr are the container's pty" "$out"; fi
out=$(in_script "$KEEL --root $ROOT exec -t $ID stty size")
expect_eq "exec -t starts at the caller's size (stty size)" "45 123" "$out"
in_script "$KEEL --root $ROOT exec -t $ID sh -c 'exit 5'; echo rc=\$?" >"$WORK/rc" || true
expect_eq "exec -t exits with the process' status" "rc=5" "$(tail -n 1 "$WORK/rc")"

# in a user namespace: the slave belongs to the process' user as the container names it
bundle "$WORK/bu" false '["sleep", "1000"]'
python3 - "$WORK/bu/config.json" <<'EOF2'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"].append({"type": "user"})
for k in ("uidMappings", "gidMappings"):
    c["linux"][k] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
json.dump(c, open(sys.argv[1], "w"))
EOF2
keel run -d -b "$WORK/bu" "$ID-userns"
out=$(in_script "$KEEL --root $ROOT exec -t -u 1000 $ID-userns sh -c 'tty; ls -ln \"\$(tty)\"'")
case $out in
*/dev/pts/*"1000 "*) ok "exec -t -u 1000 in a user namespace: its own /dev/pts/N, owned by 1000" ;;
*) not_ok "exec -t -u 1000 in a user namespace: its own /dev/pts/N, owned by 1000" "$out" ;;
esac

# process.consoleSize when keel's stdin is no terminal (relayed all the same)
cat >"$WORK/proc.json" <<'EOF'
{"terminal": true, "consoleSize": {"height": 12, "width": 34},
 "user": {"uid": 0, "gid": 0}, "cwd": "/", "args": ["stty", "size"],
 "env": ["PATH=/bin"]}
EOF
out=$(keel exec --process "$WORK/proc.json" "$ID" </dev/null 2>&1 | tr -d '\r')
expect_eq "exec --process: process.consoleSize without a caller's terminal" "12 34" "$out"

# --- run -t -------------------------------------------------------------------
bundle "$WORK/bt" true '["sh", "-c", "tty; stty size"]'
out=$(in_script "$KEEL --root $ROOT run -b $WORK/bt $ID-run")
case $out in
*/dev/pts/*"45 123"*) ok "run -t: a /dev/pts/N at the caller's size" ;;
*) not_ok "run -t: a /dev/pts/N at the caller's size" "$out" ;;
esac

bundle "$WORK/bc" true '["stty", "size"]'
python3 - "$WORK/bc/config.json" <<'EOF2'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["consoleSize"] = {"height": 21, "width": 43}
json.dump(c, open(sys.argv[1], "w"))
EOF2
out=$(keel run -b "$WORK/bc" "$ID-size" </dev/null 2>&1 | tr -d '\r')
expect_eq "run -t: process.consoleSize without a caller's terminal" "21 43" "$out"

# --- resizes and Ctrl-C through the relayed pty (tmux) ------------------------
if ! command -v tmux >/dev/null; then
    skip "resizes and Ctrl-C" "no tmux"
    tap_finish
    exit 0
fi

# resize_and_interrupt WHAT COMMAND: COMMAND prints its size, waits for a
# line, prints it again, then loops until SIGINT (its trap exits 3).
resize_and_interrupt() {
    local what=$1 cmd=$2
    tmux -L "$TMUX_SOCK" new-session -d -s t -x 100 -y 30 "$cmd; echo rc=\$?; sleep 60"
    if pane_wait '^30 100'; then ok "$what: starts at the terminal's size (30 100)"
    else not_ok "$what: starts at the terminal's size (30 100)" "$(pane)"; fi
    tmux -L "$TMUX_SOCK" resize-window -t t -x 120 -y 40
    sleep 0.3
    tmux -L "$TMUX_SOCK" send-keys -t t Enter
    if pane_wait '^40 120'; then ok "$what: a resize reaches the container's pty (40 120)"
    else not_ok "$what: a resize reaches the container's pty (40 120)" "$(pane)"; fi
    pane_wait '^LOOPING' || true
    tmux -L "$TMUX_SOCK" send-keys -t t C-c
    if pane_wait '^rc=3'; then
        if pane | grep -q GOT-INT; then ok "$what: Ctrl-C is SIGINT for the container's process"
        else not_ok "$what: Ctrl-C is SIGINT for the container's process" "$(pane)"; fi
    else not_ok "$what: Ctrl-C is SIGINT for the container's process" "$(pane)"; fi
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
}

script_in='stty size; trap "echo GOT-INT; exit 3" INT; read x; stty size; echo LOOPING; while :; do sleep 0.1; done'
resize_and_interrupt "exec -t" "$KEEL --root $ROOT exec -t $ID sh -c '$script_in'"
bundle "$WORK/bt2" true "[\"sh\", \"-c\", $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$script_in")]"
resize_and_interrupt "run -t" "$KEEL --root $ROOT run -b $WORK/bt2 $ID-run2"

tap_finish
