#!/bin/bash
# shellcheck disable=SC2016 # the $(...) in single quotes run in the container
# End to end, as root: bin/keel-monitor driving bin/keel on busybox bundles
# (TAP). Live output, exact bytes through attach and logs, signals to the
# foreground attach, stop's real seconds, restart policies, attach and the
# detach keys (on a pty from python's pty module), wait, the 125/126/127
# statuses, an OOM kill, and the monitor at rest (no CPU, its RSS).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/tests/lib.sh
. "$top/scripts/tests/lib.sh"
# shellcheck source=runtime/tests/e2e/lib.sh
. "$here/lib.sh"

KEEL=${KEEL:-$top/bin/keel}
MON=${MON:-$top/bin/keel-monitor}
ROOT=/run/keel-test-monitor-$$
WORK=$(mktemp -d /tmp/keel-test-monitor.XXXXXX)
N=0

cleanup() {
    local d
    for d in "$WORK"/c*; do
        [ -S "$d/attach.sock" ] && "$MON" stop -t 0 "$d" >/dev/null 2>&1
    done
    delete_all_containers
    rm -rf "$ROOT" "$WORK"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
    skip "keel-monitor end to end" "needs root"
    tap_finish
    exit 0
fi

# container ARGS-JSON [PYTHON-EDIT]: a fresh bundle and CDIR; sets B (bundle),
# C (CDIR) and ID.
container() {
    N=$((N + 1))
    B=$WORK/b$N C=$WORK/c$N ID=mon-$$-$N
    busybox_bundle "$B" 'c["process"]["args"] = json.loads(argv[0])
exec(argv[1])' "$1" "${2:-}"
    for applet in printf head tr dd kill seq; do ln -sf busybox "$B/rootfs/bin/$applet"; done
    mkdir -p "$C"
}

mon_start() {
    "$MON" start --dir "$C" --id "$ID" --bundle "$B" --runtime "$KEEL" --runtime-root "$ROOT" "$@"
}

# mon_start_bg OUT [OPTION...]: start --attach in the background, output to
# OUT; $! is keel-monitor itself.
mon_start_bg() {
    local out=$1
    shift
    "$MON" start --dir "$C" --id "$ID" --bundle "$B" --runtime "$KEEL" --runtime-root "$ROOT" \
        --attach "$@" >"$out" 2>&1 &
}

status_of() {
    sed -n "s/^$1=//p" "$C/status"
}

# wait_until SECONDS COMMAND...: polls every 10 ms; the seconds it took, or fails.
wait_until() {
    local limit=$1 start now
    shift
    start=$(date +%s%N)
    while ! "$@" 2>/dev/null; do
        now=$(date +%s%N)
        [ $(((now - start) / 1000000)) -lt $((limit * 1000)) ] || return 1
        sleep 0.01
    done
    now=$(date +%s%N)
    echo "$(((now - start) / 1000000))"
}

ms_since() {
    echo $((($(date +%s%N) - $1) / 1000000))
}

# --- live output ---------------------------------------------------------
container '["sh","-c","echo first; sleep 3; echo second"]'
t0=$(date +%s%N)
mon_start_bg "$WORK/live.out"
attach_pid=$!
wait_until 5 test -S "$C/attach.sock" >/dev/null || true
"$MON" logs -f "$C" >"$WORK/live.follow" 2>&1 &
follow_pid=$!
wait_until 5 grep -q first "$WORK/live.out" >/dev/null || true
attach_ms=$(ms_since "$t0")
wait_until 5 grep -q first "$C/container.log" >/dev/null || true
log_ms=$(ms_since "$t0")
wait_until 5 grep -q first "$WORK/live.follow" >/dev/null || true
follow_ms=$(ms_since "$t0")
echo "# first line: attached client ${attach_ms} ms, log ${log_ms} ms, logs -f ${follow_ms} ms"
if [ "$attach_ms" -lt 500 ] && [ "$log_ms" -lt 500 ] && [ "$follow_ms" -lt 500 ] &&
    ! grep -q second "$WORK/live.out"; then
    ok "the first line is on the attached client, in the log and on logs -f within 0.5 s"
else
    not_ok "the first line within 0.5 s" "attach ${attach_ms} ms, log ${log_ms} ms, follow ${follow_ms} ms"
fi
expect_eq "logs of the running container has the first line only" "first" "$("$MON" logs "$C")"
rc=0
wait "$attach_pid" || rc=$?
wait "$follow_pid"
expect_eq "start --attach gives all the output and status 0" "first
second 0" "$(cat "$WORK/live.out") $rc"
expect_eq "logs -f ends with the container and has both lines" "first
second" "$(cat "$WORK/live.follow")"
expect_eq "-t prefixes each entry with its RFC 3339 nanosecond time" 2 \
    "$("$MON" logs -t "$C" | grep -cE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z (first|second)$')"
expect_eq "--tail 1" "second" "$("$MON" logs --tail 1 "$C")"
expect_eq "--since a future time gives nothing" "" "$("$MON" logs --since 2099-01-01T00:00:00Z "$C")"
expect_eq "--until a past time gives nothing" "" "$("$MON" logs --until 2000-01-01 "$C")"

# --- exact bytes -----------------------------------------------------------
container '["cat","/bin/busybox"]'
mon_start --attach >"$WORK/bin.attach"
"$MON" logs "$C" >"$WORK/bin.logs"
check "binary output through start --attach is byte-identical" cmp /bin/busybox "$WORK/bin.attach"
check "binary output through logs is byte-identical" cmp /bin/busybox "$WORK/bin.logs"

container '["sh","-c","sleep 1; printf \"no newline\"; printf \"err no newline\" >&2"]'
mon_start
"$MON" attach --no-stdin "$C" >"$WORK/nl.out" 2>"$WORK/nl.err"
expect_eq "attach: output without a trailing newline stays so" "no newline|err no newline" \
    "$(cat "$WORK/nl.out")|$(cat "$WORK/nl.err")"
expect_eq "attach: no byte added" "10 14" "$(wc -c <"$WORK/nl.out") $(wc -c <"$WORK/nl.err")"
"$MON" logs "$C" >"$WORK/nl.lout" 2>"$WORK/nl.lerr"
check "logs: stdout and stderr apart, no byte added" cmp "$WORK/nl.out" "$WORK/nl.lout"
check "logs: stderr exact" cmp "$WORK/nl.err" "$WORK/nl.lerr"
expect_eq "the log entry is docker's, kept partial" '{"log":"no newline","stream":"stdout"' \
    "$(grep -o '{"log":"no newline","stream":"stdout"' "$C/container.log")"

# --- signals to the foreground client ---------------------------------------
for sig in TERM INT; do
    container '["sh","-c","trap \"echo got '"$sig"'; sleep 0.2; echo still writing; exit 3\" '"$sig"'; echo ready; while true; do sleep 0.05; done"]'
    mon_start_bg "$WORK/sig.out"
    pid=$!
    wait_until 5 grep -q ready "$WORK/sig.out" >/dev/null || true
    kill -s "$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    expect_eq "SIG$sig to start --attach reaches the container; its output and status follow" \
        "ready
got $sig
still writing 3" "$(cat "$WORK/sig.out") $rc"
done

# Ctrl-C on a real terminal: the terminal's SIGINT to the foreground client
# (without -t), or the byte to the container's own pty (with -t)
for tty in false true; do
    container '["sh","-c","trap \"echo got INT; exit 3\" INT; echo ready; while true; do sleep 0.05; done"]' \
        "c['process']['terminal'] = $([ $tty = true ] && echo True || echo False)"
    out=$(python3 - "$MON" "$C" "$ID" "$B" "$KEEL" "$ROOT" "$tty" <<'PY'
import os, pty, select, sys, time
mon, cdir, cid, bundle, keel, root, tty = sys.argv[1:]
argv = [mon, "start", "--dir", cdir, "--id", cid, "--bundle", bundle, "--runtime", keel,
        "--runtime-root", root, "--attach"] + (["--tty", "--stdin"] if tty == "true" else [])
pid, fd = pty.fork()
if pid == 0:
    os.execv(mon, argv)
out = b""
def read_until(want, t):
    global out
    end = time.time() + t
    while want not in out and time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
read_until(b"ready", 10)
os.write(fd, b"\x03")
read_until(b"got INT", 10)
_, st = os.waitpid(pid, 0)
words = out.decode(errors="replace").split("ready")[-1].replace("^C", " ").split()
print(" ".join(words), os.waitstatus_to_exitcode(st))
PY
)
    expect_eq "Ctrl-C on a terminal reaches the container (tty $tty)" "got INT 3" "$out"
done

# --- stop ----------------------------------------------------------------------
container '["sh","-c","trap \"\" TERM; echo ready; while true; do sleep 0.05; done"]'
mon_start
wait_until 5 grep -q ready "$C/container.log" >/dev/null || true
t0=$(date +%s%N)
"$MON" stop -t 2 "$C"
stop_ms=$(ms_since "$t0")
echo "# stop -t 2 of a container that ignores TERM: ${stop_ms} ms"
if [ "$stop_ms" -ge 2000 ] && [ "$stop_ms" -lt 3000 ]; then
    ok "stop -t 2 of a container ignoring TERM returns in 2 to 3 s"
else
    not_ok "stop -t 2 took ${stop_ms} ms"
fi
expect_eq "it was killed: 137, stopped by the user" "exited 137 true" \
    "$(status_of state) $(status_of exit_code) $(status_of stopped_by_user)"
check "stop of a stopped container succeeds" "$MON" stop "$C"

container '["sh","-c","echo ready; sleep 100"]'
mon_start --stop-signal KILL
rc=0
mon_start 2>/dev/null || rc=$?
expect_eq "a second start on a running container: 125, the first monitor untouched" "125 running" \
    "$rc $(status_of state)"
wait_until 5 grep -q ready "$C/container.log" >/dev/null || true
"$MON" stop "$C"
expect_eq "--stop-signal is what stop sends" 137 "$(status_of exit_code)"

# --- restart policies ---------------------------------------------------------
container '["sh","-c","echo run; exit 1"]'
mon_start --restart on-failure:3
wait_until 10 grep -q exited "$C/status" >/dev/null || true
expect_eq "on-failure:3 restarts 3 times" "exited 1 3 4" \
    "$(status_of state) $(status_of exit_code) $(status_of restart_count) $("$MON" logs "$C" | grep -c run)"
# docker's back-off: 100 + 200 + 400 ms between the four runs
span=$("$MON" logs -t "$C" | python3 -c '
import sys, datetime
t = [datetime.datetime.fromisoformat(l.split()[0][:26]) for l in sys.stdin]
print(int((t[-1] - t[0]).total_seconds() * 1000))')
if [ "$span" -ge 700 ] && [ "$span" -lt 3000 ]; then
    ok "the restarts back off (${span} ms from the first run to the fourth)"
else
    not_ok "back-off: ${span} ms from the first run to the fourth"
fi

container '["sh","-c","echo run; sleep 0.2"]'
mon_start --restart always
wait_until 10 sh -c "grep -q restart_count=2 '$C/status'" >/dev/null || true
count=$(status_of restart_count)
if [ "$count" -ge 2 ]; then ok "always restarts after a clean exit"; else not_ok "always restarted $count times"; fi
"$MON" stop "$C"
count=$(status_of restart_count)
sleep 1
expect_eq "stop ends it: exited, no more restarts" "exited $count" \
    "$(status_of state) $(status_of restart_count)"
check "the monitor is gone" test ! -e "$C/attach.sock"

container '["sh","-c","sleep 100"]'
mon_start --restart unless-stopped
"$MON" kill -s KILL "$C"
wait_until 5 grep -q exited "$C/status" >/dev/null || true
expect_eq "kill by the user does not restart unless-stopped" "exited 137 0" \
    "$(status_of state) $(status_of exit_code) $(status_of restart_count)"

# --- attach, stdin, detach keys -----------------------------------------------
container '["cat"]'
mon_start --stdin
expect_eq "attach relays stdin; its end ends cat" "hello 0" \
    "$(printf hello | "$MON" attach "$C"; echo " $?")"

container '["cat"]'
mon_start --stdin
head -c 8000000 /dev/urandom >"$WORK/random"
timeout 60 "$MON" attach "$C" <"$WORK/random" >"$WORK/random.out" && rc=0 || rc=$?
# 8 MB through cat: the monitor must keep reading cat's output while cat is
# slow to take its input (and random bytes hold ctrl-p ctrl-q: no detaching
# without a terminal, as docker)
check "8 MB of random stdin through cat and attach come back whole (status $rc)" \
    cmp "$WORK/random" "$WORK/random.out"
check "and through logs" cmp "$WORK/random" <("$MON" logs "$C")

container '["sh"]' 'c["process"]["terminal"] = True'
mon_start --tty --stdin
# pty_attach KEYS-OPTION: types a command and the keys on a real pty
pty_attach() {
    python3 - "$MON" "$C" "$@" <<'PY'
import os, pty, select, sys, time
argv = [sys.argv[1], "attach"] + sys.argv[3:] + [sys.argv[2]]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
def read_for(t):
    out, end = b"", time.time() + t
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out
time.sleep(0.3)
os.write(fd, b"echo hi $((6*7))\r")
out = read_for(1)
keys = b"\x01x" if "--detach-keys" in argv else b"\x10\x11"
os.write(fd, keys)
out += read_for(1)
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("status=%d" % os.waitstatus_to_exitcode(st))
PY
}
out=$(pty_attach)
case $out in
*"hi 42"*"read escape sequence"*"status=1") ok "attach -t: input, output, ctrl-p ctrl-q detaches with docker's message" ;;
*) not_ok "attach -t with the default detach keys" "$out" ;;
esac
expect_eq "the container runs on after the detach" running "$(status_of state)"
out=$(pty_attach --detach-keys ctrl-a,x)
case $out in
*"hi 42"*"read escape sequence"*"status=1") ok "--detach-keys ctrl-a,x detaches" ;;
*) not_ok "--detach-keys ctrl-a,x" "$out" ;;
esac
"$MON" stop -t 1 "$C"
out=$("$MON" attach "$C" 2>&1) && rc=0 || rc=$?
expect_eq "attach to a stopped container fails" "1 keel-monitor: container $C is not running" "$rc $out"

# --- wait, exit statuses ---------------------------------------------------------
container '["sh","-c","sleep 0.5; exit 5"]'
mon_start
expect_eq "wait prints the status when the container exits" 5 "$("$MON" wait "$C")"
expect_eq "wait afterwards reads the status file" 5 "$("$MON" wait "$C")"

container '["nonexistent-program"]'
rc=0
out=$(mon_start 2>&1) || rc=$?
expect_eq "a missing program: 127, the runtime's message" "127 yes" \
    "$rc $(case $out in "keel-monitor: "*'executable file not found in $PATH') echo yes ;; *) echo "$out" ;; esac)"
expect_eq "nothing is left in the runtime" "" "$("$KEEL" --root "$ROOT" list -q | grep -x "$ID" || true)"
container '["/etc"]'
rc=0
mon_start 2>/dev/null || rc=$?
expect_eq "a program that cannot be executed: 126" 126 "$rc"
container '["true"]'
rc=0
"$MON" start --dir "$C" --id "$ID" --bundle "$WORK/none" --runtime "$KEEL" --runtime-root "$ROOT" 2>/dev/null || rc=$?
expect_eq "any other failure: 125" 125 "$rc"
rc=0
mon_start --restart sometimes 2>/dev/null || rc=$?
expect_eq "a bad option: 125" 125 "$rc"

# --- exit hook, --rm ---------------------------------------------------------------
container '["sh","-c","exit 4"]'
printf '#!/bin/sh\necho "$@" >%s\n' "$WORK/hook.out" >"$WORK/hook"
chmod +x "$WORK/hook"
mon_start --attach --rm --exit-hook "$WORK/hook" && rc=0 || rc=$?
expect_eq "--exit-hook gets CDIR ID STATUS before the client returns" "4 $C $ID 4" \
    "$rc $(cat "$WORK/hook.out" 2>/dev/null)"
check "--rm removed CDIR" test ! -e "$C"
# the runtime's delete is done before the status says exited and the client hears of it
expect_eq "... and the runtime's state is gone when the client returns" "" \
    "$("$KEEL" --root "$ROOT" list -q | grep -x "$ID" || true)"
# a slow hook: `wait` during it gets the status, which says exited only once the
# runtime has let the id go (the container can be started again at once)
container '["sh","-c","exit 6"]'
printf '#!/bin/sh\nsleep 0.6\n' >"$WORK/slowhook"
chmod +x "$WORK/slowhook"
mon_start --exit-hook "$WORK/slowhook"
sleep 0.3
out=$("$MON" wait "$C" 2>&1)
expect_eq "wait during the exit hook gives the status, the runtime's state gone by then" "6 " \
    "$out $("$KEEL" --root "$ROOT" list -q | grep -x "$ID" || true)"
rc=0
mon_start --attach || rc=$?
expect_eq "... and the container starts again at once" 6 "$rc"

# --- OOM ----------------------------------------------------------------------------
container '["sh","-c","x=$(head -c 300000000 /dev/zero | tr \"\\\\0\" a); echo survived"]' \
    'c["linux"].setdefault("resources", {})["memory"] = {"limit": 33554432, "swap": 33554432}'
mon_start
"$MON" wait "$C" >/dev/null
expect_eq "an OOM kill is recorded" "true 137" "$(status_of oom_killed) $(status_of exit_code)"

# --- the monitor at rest ------------------------------------------------------------
container '["sh","-c","echo ready; sleep 100"]'
mon_start
wait_until 5 grep -q ready "$C/container.log" >/dev/null || true
mpid=$(cat "$C/monitor.pid")
ticks() { awk '{print $14 + $15}' "/proc/$mpid/stat"; }
before=$(ticks)
sleep 2
expect_eq "no CPU while the container is quiet (2 s)" "$before" "$(ticks)"
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$mpid/status")
echo "# monitor VmHWM: ${hwm} kB"
if grep -q san "$top/bin/.build" 2>/dev/null; then
    skip "the monitor's peak RSS" "a sanitizer build"
elif [ "$hwm" -le 1536 ]; then
    ok "the monitor's peak RSS is about 1 MB (${hwm} kB)"
else
    not_ok "monitor VmHWM ${hwm} kB"
fi
"$MON" stop -t 0 "$C"

tap_finish
