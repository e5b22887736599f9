#!/usr/bin/env bash
# cond && ok || not_ok is meant (ok never fails); $ in single quotes runs in the container.
# shellcheck disable=SC2015,SC2016
# End-to-end tests of keel-docker on bin/keel and bin/keel-image, as root, with
# images pulled from a real registry on 127.0.0.1. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP keel-docker tests need root"; exit 0; }

keel_docker_env kdt
cleanup() {
    [ -z "${AUTH_PID:-}" ] || kill "$AUTH_PID" 2>/dev/null
    keel_docker_cleanup
}
trap cleanup EXIT

make_busybox_layout "$TMP/layout" latest
start_registry "$TMP/registry" || { echo "Bail out! no registry"; exit 1; }
push_layout "$TMP/layout" latest busybox
IMG=$REGISTRY/busybox
# the same image with an Entrypoint: docker run IMAGE ARGS... appends ARGS to it
umoci config --image "$TMP/layout:latest" --tag ep --config.entrypoint echo \
    --config.entrypoint from-entrypoint --config.cmd default-cmd >/dev/null
push_layout "$TMP/layout" ep busybox-ep
EP_IMG=$REGISTRY/busybox-ep

# --- run basics ---------------------------------------------------------------
out=$(kd run --rm "$IMG" echo hello 2>&1)
expect_eq "run --rm pulls a missing image and prints the command's output" hello "$(tail -n1 <<<"$out")"
expect_eq "run --rm leaves no container" "" "$(kd ps -a -q)"

kd run --rm "$IMG" sh -c 'exit 3' >/dev/null 2>&1
expect_eq "run exits with the container's status" 3 "$?"

kd run --rm "$IMG" no-such-command >/dev/null 2>&1
expect_eq "run of a missing command exits 127" 127 "$?"

kd run --rm --bogus-flag "$IMG" true >/dev/null 2>&1
expect_eq "an unknown flag exits 125" 125 "$?"

err=$(kd run --rm 127.0.0.1:1/nothing/here true 2>&1)
rc=$?
expect_eq "an unknown image exits 125" 125 "$rc"
check "an unknown image leaves no container" test -z "$(kd ps -a -q)"
grep -q "Unable to find image" <<<"$err" && ok "an unknown image says so" || not_ok "an unknown image says so" "$err"

# --- docker's option forms, --help, exit codes, docker's variables ---------------------
expect_eq "--x=v, -eK=V and combined shorts with a value (-ie X=2)" "1 2 box" \
    "$(kd run --rm --name=forms1 -eA=1 -ie B=2 --hostname=box --rm=true "$IMG" sh -c 'echo $A $B $(hostname)' </dev/null)"
expect_eq "--rm=false keeps the container" forms2 "$(kd run --rm=false --name forms2 "$IMG" true; kd inspect forms2 | jq -r '.[0].Name[1:]')"
kd rm forms2 >/dev/null
err=$(kd run -p 2>&1)
expect_eq "a flag without its value exits 125" 125 "$(kd run -p >/dev/null 2>&1; echo $?)"
grep -q "^flag needs an argument: 'p' in -p$" <<<"$err" && ok "a missing value says so as docker does" || not_ok "missing value message" "$err"
err=$(kd run --bogus "$IMG" 2>&1)
grep -q "^unknown flag: --bogus$" <<<"$err" && grep -q "Run 'keel-docker run --help' for more information" <<<"$err" &&
    ok "an unknown flag is docker's message" || not_ok "unknown flag message" "$err"
expect_eq "a bad boolean exits 125" 125 "$(kd run --rm=maybe "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "a missing operand exits 1, as docker's does" 1 "$(kd logs >/dev/null 2>&1; echo $?)"
helps=0
for c in run ps exec logs attach wait start stop restart kill rm inspect images rmi pull tag load save \
    push login logout build commit history diff network volume port rename; do
    [[ "$(kd "$c" --help 2>&1 | head -n1)" == "Usage:  keel-docker $c "* ]] || { helps=$c; break; }
done
expect_eq "every command answers --help with its usage line" 0 "$helps"
expect_eq "builder prune --help is docker's" "Usage:  keel-docker builder prune|Remove build cache" \
    "$(kd builder prune --help | sed -n '1p;3p' | paste -sd '|')"
flags=
for c in push login logout build commit history diff "builder prune"; do
    # shellcheck disable=SC2086 # "builder prune" is two words
    kd $c --bogus x >/dev/null 2>&1
    flags+="$? "
done
expect_eq "an unknown flag exits 125 in every command" "125 125 125 125 125 125 125 125 " "$flags"
expect_eq "docker's operand counts (push, login, commit, history, diff, build, builder prune)" \
    "1 1 1 1 1 1 1 " "$(for c in push "login a b" commit history "diff a b" build "builder prune x"; do
        # shellcheck disable=SC2086 # the operands are words
        kd $c >/dev/null 2>&1; printf '%s ' $?; done)"
expect_eq "the operand count's message" "keel-docker: 'keel-docker commit' requires at least 1 and at most 2 arguments" \
    "$(kd commit a b c 2>&1 | head -n1)"
expect_eq "container ls is ps" "Usage:  keel-docker container ls [OPTIONS]" "$(kd container ls --help | head -n1)"
kd run --rm "$IMG" /etc/passwd >/dev/null 2>&1
expect_eq "run of a file that is not executable exits 126" 126 "$?"
expect_eq "every container has HOSTNAME" "box2" "$(kd run --rm --hostname box2 "$IMG" sh -c 'echo $HOSTNAME')"
out=$(script -qec "$KD run --rm -t $IMG sh -c 'echo \$TERM'" /dev/null </dev/null | tr -cd 'a-z\n' | grep .)
expect_eq "-t sets TERM=xterm" xterm "$out"
expect_eq "without -t there is no TERM" "" "$(kd run --rm "$IMG" sh -c 'echo $TERM')"

# --- detached containers, ps, names ---------------------------------------------
id=$(kd run -d --name web1 "$IMG" sleep 300)
[ -n "$id" ] || id=missing
[[ "$id" =~ ^[0-9a-f]{64}$ ]] && ok "run -d prints a 64-hex id" || not_ok "run -d prints a 64-hex id" "$id"
expect_eq "ps -q shows the 12-digit id" "${id:0:12}" "$(kd ps -q)"
line=$(kd ps | tail -n +2)
grep -q "Up " <<<"$line" && grep -q "web1" <<<"$line" && ok "ps shows Up and the name" || not_ok "ps shows Up and the name" "$line"
expect_eq "ps --format json gives the state" running "$(kd ps --format json | jq -r .State)"
# docker's formatter and filters (the compatibility suite compares them with docker's)
expect_eq "ps --format takes a Go template" 'web1 running "sleep 300" WEB1' \
    "$(kd ps --format '{{.Names}} {{.State}} {{.Command}} {{upper .Names}}')"
kd ps --format 'table {{.ID}}\t{{.Names}}' | head -1 | grep -qx 'CONTAINER ID   NAMES' &&
    ok "ps --format table has docker's header and spacing" || not_ok "ps table" "$(kd ps --format 'table {{.ID}}\t{{.Names}}')"
expect_eq "ps --filter name= and status=" "web1" "$(kd ps -a --filter name=web --filter status=running --format '{{.Names}}')"
expect_eq "ps --filter status=exited leaves out a running one" "" "$(kd ps --filter status=exited --filter name=web1 -q)"
expect_eq "ps -n 1 shows the newest" "web1" "$(kd ps -n 1 --format '{{.Names}}')"
expect_eq "ps --filter with a bad key is docker's error, status 1" 1 "$(kd ps --filter nope=1 >/dev/null 2>&1; echo $?)"
expect_eq "inspect -f" "/web1 running true" "$(kd inspect -f '{{.Name}} {{.State.Status}} {{.State.Running}}' web1)"
expect_eq "inspect -f with range and json" "none" \
    "$(kd inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' web1 | sed 's/bridge/none/')"
expect_eq "inspect --type image of a container is not found" 1 "$(kd inspect --type image web1 >/dev/null 2>&1; echo $?)"
expect_eq "inspect -f of a missing field is an error" 1 "$(kd inspect -f '{{.State.Nope}}' web1 >/dev/null 2>&1; echo $?)"
expect_eq "inspect -f that does not parse exits 64" 64 "$(kd inspect -f '{{.Name' web1 >/dev/null 2>&1; echo $?)"

err=$(kd run -d --name web1 "$IMG" true 2>&1 >/dev/null)
expect_eq "a taken name is refused with 125" 125 "$?"
grep -q "already in use by container \"$id\"" <<<"$err" &&
    ok "the refusal names the container holding the name" || not_ok "the refusal names the holder" "$err"
# a store from before names were files: .names/NAME was a symlink to ../ID
mv "$KEEL_ROOT/containers/.names/web1" "$TMP/web1.name"
ln -s "../$id" "$KEEL_ROOT/containers/.names/web1"
expect_eq "an old-style name link still resolves" "${id:0:12}" "$(kd exec web1 hostname)"
rm "$KEEL_ROOT/containers/.names/web1"
mv "$TMP/web1.name" "$KEEL_ROOT/containers/.names/web1"

id2=$(kd run -d "$IMG" sleep 300)
name2=$(kd inspect "$id2" | jq -r '.[0].Name')
[[ "$name2" =~ ^/[a-z]+_[a-z]+$ ]] && ok "a container without --name gets an adjective_noun name" || not_ok "random name" "$name2"
ip1=$(kd inspect web1 | jq -r '.[0].NetworkSettings.IPAddress')
ip2=$(kd inspect "${id2:0:5}" | jq -r '.[0].NetworkSettings.IPAddress')
[ -n "$ip1" ] && [ "$ip1" != "$ip2" ] && ok "containers get distinct addresses ($ip1, $ip2)" || not_ok "distinct addresses" "$ip1 $ip2"

# --- exec -------------------------------------------------------------------------
expect_eq "exec sees the container's hostname" "${id:0:12}" "$(kd exec web1 hostname)"
pid_in=$(kd exec web1 sh -c 'echo $$')
[ -n "$pid_in" ] && [ "$pid_in" != 1 ] && ok "exec runs with a PID other than 1 ($pid_in)" || not_ok "exec pid" "$pid_in"
kd exec web1 sh -c 'exit 4'
expect_eq "exec exits with the command's status" 4 "$?"
kd exec web1 no-such-command >/dev/null 2>&1
expect_eq "exec of a missing command exits 127" 127 "$?"
kd exec web1 /etc/passwd >/dev/null 2>&1
expect_eq "exec of a file that is not executable exits 126" 126 "$?"
err=$(kd exec web1 no-such-command 2>&1)
grep -q 'executable file not found in $PATH' <<<"$err" && ok "exec of a missing command says so" || not_ok "exec 127 message" "$err"
expect_eq "exec -t sets TERM=xterm" xterm "$(script -qec "$KD exec -t web1 sh -c 'echo \$TERM'" /dev/null </dev/null | tr -cd 'a-z\n' | grep .)"
expect_eq "exec -u runs as that user" 1000 "$(kd exec -u 1000 web1 id -u)"
expect_eq "exec -e sets the environment" bar "$(kd exec -e FOO=bar web1 sh -c 'echo $FOO')"

# --- writable layer -------------------------------------------------------------------
kd exec web1 sh -c 'echo mine > /etc/marker'
expect_eq "a file written in one container is invisible to another" no \
    "$(kd exec "$id2" sh -c 'test -e /etc/marker && echo yes || echo no')"
expect_eq "a new container from the image does not see it either" no \
    "$(kd run --rm "$IMG" sh -c 'test -e /etc/marker && echo yes || echo no')"
expect_eq "the writer still sees its file" mine "$(kd exec web1 cat /etc/marker)"

# --- logs ----------------------------------------------------------------------------
lid=$(kd run -d "$IMG" sh -c 'echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2')
sleep 0.5
expect_eq "logs prints the container's stdout" "out1
out2" "$(kd logs "$lid" 2>/dev/null)"
expect_eq "logs prints its stderr on stderr" err1 "$(kd logs "$lid" 2>&1 >/dev/null)"
expect_eq "logs --tail 1" out2 "$(kd logs --tail 1 "$lid" 2>/dev/null)"
expect_eq "logs --since a past time shows everything" "out1
out2" "$(kd logs --since 2000-01-01T00:00:00Z "$lid" 2>/dev/null)"
expect_eq "logs --until a past time shows nothing" "" "$(kd logs --until 2000-01-01T00:00:00Z "$lid" 2>&1)"
expect_eq "logs --since a relative time (10m)" "out1
out2" "$(kd logs --since 10m "$lid" 2>/dev/null)"
kd logs -t "$lid" 2>/dev/null | head -n1 | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+\.[0-9]{9}Z out1$' &&
    ok "logs -t prefixes timestamps" || not_ok "logs -t" "$(kd logs -t "$lid" 2>&1)"
kd ps -a | grep "${lid:0:12}" | grep -q "Exited (0)" && ok "ps -a shows Exited (0)" || not_ok "ps -a exited" "$(kd ps -a)"
fid=$(kd run -d "$IMG" sh -c 'for i in 1 2 3; do echo tick$i; sleep 0.2; done')
expect_eq "logs -f follows until the container exits" "tick1
tick2
tick3" "$(timeout 10 "$KD" logs -f "$fid")"

# --- ports -----------------------------------------------------------------------------
port=$(free_port)
hid=$(kd run -d -p "$port:80" "$IMG" httpd -f -p 80 -h /www)
got=
for _ in $(seq 1 50); do
    got=$(curl -s --max-time 2 "http://127.0.0.1:$port/index.html") && [ -n "$got" ] && break
    sleep 0.1
done
expect_eq "-p publishes a container port on 127.0.0.1" "hello from keel" "$got"
kd ps | grep "${hid:0:12}" | grep -q "0.0.0.0:$port->80/tcp" && ok "ps shows the published port" || not_ok "ps ports" "$(kd ps)"
before=$(kd ps -a -q | wc -l)
err=$(kd run -d -p "$port:80" "$IMG" true 2>&1)
rc=$?
expect_eq "a port conflict exits 125" 125 "$rc"
grep -q "port is already allocated" <<<"$err" && ok "a port conflict says so" || not_ok "port conflict message" "$err"
expect_eq "a port conflict leaves nothing behind" "$before" "$(kd ps -a -q | wc -l)"

# --- stop, kill, rm, --rm ----------------------------------------------------------------
tid=$(kd run -d "$IMG" sh -c 'trap "" TERM; while true; do sleep 0.1; done')
start=$(date +%s%N)
kd stop -t 1 "$tid" >/dev/null
took=$((($(date +%s%N) - start) / 1000000))
[ "$took" -ge 900 ] && ok "stop -t 1 waits for the timeout before SIGKILL (${took} ms)" || not_ok "stop timeout" "$took ms"
kd ps -a | grep "${tid:0:12}" | grep -q "Exited (137)" && ok "a SIGKILLed container shows Exited (137)" || not_ok "exit 137" "$(kd ps -a)"
kd start "$tid" >/dev/null
expect_eq "start runs a stopped container again" running "$(kd inspect "$tid" | jq -r '.[0].State.Status')"
kd kill "$tid" >/dev/null
sleep 0.3
expect_eq "kill stops it" exited "$(kd inspect "$tid" | jq -r '.[0].State.Status')"

rid=$(kd run -d --rm "$IMG" true)
for _ in $(seq 1 50); do [ -d "$KEEL_ROOT/containers/$rid" ] || break; sleep 0.1; done
check "--rm removes a detached container when it exits" test ! -d "$KEEL_ROOT/containers/$rid"

kd rm web1 >/dev/null 2>&1
expect_eq "rm refuses a running container" 1 "$?"
kd rm -f web1 >/dev/null
check "rm -f removes it" test -z "$(kd ps -a | grep web1)"
reuse=$(kd run -d --name web1 "$IMG" true)
[[ "$reuse" =~ ^[0-9a-f]{64}$ ]] && ok "a removed container's name can be used again" || not_ok "name reuse" "$reuse"
kd rm -f web1 >/dev/null

# --- stdin, concurrency, image commands ------------------------------------------------------
expect_eq "-i passes stdin to the container" "piped in" "$(echo "piped in" | kd run --rm -i "$IMG" cat)"
expect_eq "without -i the container's stdin is empty" "" "$(echo "not read" | kd run --rm "$IMG" cat)"
pids=()
for n in 1 2 3 4; do kd run -d "$IMG" sleep 60 >"$TMP/par$n" 2>&1 & pids+=($!); done
wait "${pids[@]}"
ips=$(for n in 1 2 3 4; do kd inspect "$(cat "$TMP/par$n")" | jq -r '.[0].NetworkSettings.IPAddress'; done | sort -u | grep -c .)
expect_eq "four runs at once get four addresses" 4 "$ips"
names=$(for n in 1 2 3 4; do kd inspect "$(cat "$TMP/par$n")" | jq -r '.[0].Name'; done | sort -u | grep -c .)
expect_eq "four runs at once get four names" 4 "$names"
pport=$(free_port)
pids=()
for n in 1 2; do kd run -d -p "$pport:80" "$IMG" sleep 60 >"$TMP/pp$n" 2>&1 & pids+=($!); done
wait "${pids[@]}"
expect_eq "two runs at once never share a port" 1 "$(grep -lE '^[0-9a-f]{64}$' "$TMP/pp1" "$TMP/pp2" | wc -l)"
for n in 1 2 3 4; do kd rm -f "$(cat "$TMP/par$n")" >/dev/null; done
for n in 1 2; do grep -qE '^[0-9a-f]{64}$' "$TMP/pp$n" && kd rm -f "$(cat "$TMP/pp$n")" >/dev/null; done
expect_eq "exec -w sets the working directory" /tmp "$(kd exec -w /tmp "$id2" pwd)"
kd exec -itd "$id2" sh -c 'echo detached > /tmp/exec-d'
for _ in $(seq 1 30); do [ "$(kd exec "$id2" cat /tmp/exec-d 2>/dev/null)" = detached ] && break; sleep 0.1; done
expect_eq "exec -itd runs the command in the background" detached "$(kd exec "$id2" cat /tmp/exec-d)"
out=$(script -qec "$KD exec -it $id2 sh -c '[ -t 0 ] && [ -t 1 ] && echo in-exec-tty'" /dev/null </dev/null | tr -d '\r')
grep -q 'in-exec-tty' <<<"$out" && ok "exec -it gives a terminal" || not_ok "exec -it" "$out"
expect_eq "inspect of an image shows its config" '["sh"]' "$(kd inspect "$IMG" | jq -c '.[0].Config.Cmd')"
kd tag "$IMG" "$REGISTRY/busybox:copy" >/dev/null
kd images | grep -q "copy" && ok "tag adds a reference" || not_ok "tag" "$(kd images)"
kd save -o "$TMP/saved.tar" "$REGISTRY/busybox:copy" >/dev/null
kd rmi "$REGISTRY/busybox:copy" >/dev/null
kd load -i "$TMP/saved.tar" >/dev/null
expect_eq "save then load brings the image back" hi "$(kd run --rm "$REGISTRY/busybox:copy" echo hi)"
kd rmi "$REGISTRY/busybox:copy" >/dev/null
rs=$(kd run -d "$IMG" sh -c 'trap "exit 0" TERM; while true; do sleep 0.1; done')
first=$(kd inspect "$rs" | jq -r '.[0].State.Pid')
kd restart -t 1 "$rs" >/dev/null
second=$(kd inspect "$rs" | jq -r '.[0].State.Pid')
[ "$(kd inspect "$rs" | jq -r '.[0].State.Status')" = running ] && [ "$first" != "$second" ] &&
    ok "restart runs the container again with a new process" || not_ok "restart" "$first $second"
kd kill -s TERM "$rs" >/dev/null
for _ in $(seq 1 30); do [ "$(kd inspect "$rs" | jq -r '.[0].State.Status')" = exited ] && break; sleep 0.1; done
expect_eq "kill -s TERM ends it" exited "$(kd inspect "$rs" | jq -r '.[0].State.Status')"
expect_eq "container prune removes stopped containers" "" "$(kd container prune -f >/dev/null; kd ps -a -q --no-trunc | grep "$rs")"
kd run --rm -v prunevol:/data "$IMG" true
kd system prune -f --volumes >/dev/null
# docker 23+: anonymous volumes only; volume prune -a takes the named ones
check "system prune --volumes keeps named volumes" test -d "$KEEL_ROOT/volumes/prunevol"
kd volume prune -a -f >/dev/null
check "volume prune -a removes unused named volumes" test ! -d "$KEEL_ROOT/volumes/prunevol"
out=$(echo n | kd system prune)
grep -q "Are you sure" <<<"$out" && ok "system prune asks for confirmation without -f" || not_ok "prune confirm" "$out"

# --- -it under a pseudo-terminal -----------------------------------------------------------
out=$(script -qec "$KD run --rm -it $IMG sh -c 'tty; echo done'" /dev/null </dev/null | tr -d '\r')
grep -q '/dev/' <<<"$out" && grep -q 'done' <<<"$out" && ok "-it gives the container a terminal" || not_ok "-it" "$out"

# --- options ----------------------------------------------------------------------------------
expect_eq "-e sets the environment" "a=1" "$(kd run --rm -e a=1 "$IMG" sh -c 'echo a=$a')"
printf 'X=from_file\n# comment\n' >"$TMP/envfile"
expect_eq "--env-file" from_file "$(kd run --rm --env-file "$TMP/envfile" "$IMG" sh -c 'echo $X')"
expect_eq "-w sets the working directory" /tmp "$(kd run --rm -w /tmp "$IMG" pwd)"
expect_eq "-u by name resolves through /etc/passwd" "1000:1000" "$(kd run --rm -u user "$IMG" sh -c 'echo $(id -u):$(id -g)')"
expect_eq "--hostname" box "$(kd run --rm --hostname box "$IMG" hostname)"
expect_eq "--entrypoint replaces the entrypoint" "x y" "$(kd run --rm --entrypoint echo "$IMG" x y)"
expect_eq "an image's Entrypoint runs with its Cmd" "from-entrypoint default-cmd" "$(kd run --rm "$EP_IMG" 2>/dev/null | tail -n1)"
expect_eq "arguments replace the image's Cmd, not its Entrypoint" "from-entrypoint mine" "$(kd run --rm "$EP_IMG" mine)"
expect_eq "--entrypoint drops the image's Cmd" "" "$(kd run --rm --entrypoint echo "$EP_IMG")"
expect_eq "/etc/hosts names the container" yes \
    "$(kd run --rm --hostname hh "$IMG" sh -c 'grep -q "hh" /etc/hosts && echo yes')"
kd run --rm --read-only "$IMG" touch /x >/dev/null 2>&1
expect_eq "--read-only refuses writes to /" 1 "$?"
mkdir -p "$TMP/vol"
kd run --rm -v "$TMP/vol:/data" "$IMG" sh -c 'echo fromctr > /data/f'
expect_eq "-v bind-mounts a host directory" fromctr "$(cat "$TMP/vol/f" 2>/dev/null)"
kd run --rm -v "$TMP/vol:/data:ro" "$IMG" sh -c 'echo x > /data/g' >/dev/null 2>&1
expect_eq "-v :ro is read-only" 1 "$?"
kd run --rm -v "$TMP/newdir:/data" "$IMG" true
check "-v creates a missing host directory" test -d "$TMP/newdir"
kd run --rm -v kvol:/data "$IMG" sh -c 'echo persisted > /data/p'
expect_eq "a named volume persists across containers" persisted "$(kd run --rm -v kvol:/data "$IMG" cat /data/p)"
expect_eq "--network none gives only lo" lo "$(kd run --rm --network none "$IMG" ls /sys/class/net)"
kd run --rm --network host "$IMG" ls /sys/class/net | grep -q "$KEEL_BRIDGE" && ok "--network host shares the host's network" || not_ok "host network"

mid=$(kd run -d --memory 64m --pids-limit 50 --cpus 0.5 "$IMG" sleep 100)
expect_eq "--memory sets the memory limit" 67108864 "$(cat "/sys/fs/cgroup/memory/$KEEL_CGROUP_PARENT/$mid/memory.limit_in_bytes" 2>/dev/null)"
expect_eq "--pids-limit sets the pids limit" 50 "$(cat "/sys/fs/cgroup/pids/$KEEL_CGROUP_PARENT/$mid/pids.max" 2>/dev/null)"
expect_eq "--cpus sets the cpu quota" 50000 "$(cat "/sys/fs/cgroup/cpu/$KEEL_CGROUP_PARENT/$mid/cpu.cfs_quota_us" 2>/dev/null)"
kd rm -f "$mid" >/dev/null

# --- a container whose monitor died -----------------------------------------------------------
did=$(kd run -d "$IMG" sleep 300)
kill -9 "$(cat "$KEEL_ROOT/containers/$did/monitor.pid")"
kill -9 "$(sed -n 's/^pid=//p' "$KEEL_ROOT/containers/$did/status")"
sleep 0.3
kd ps -a | grep "${did:0:12}" | grep -q Exited && ok "a container whose monitor died shows its real status" || not_ok "dead monitor" "$(kd ps -a)"

# --- the monitor: live and exact output, signals, stop, restart policies, attach, wait ----------
ms_now() { echo $(($(date +%s%N) / 1000000)); }
# first_line_ms CMD...: milliseconds until CMD's first line of output (CMD then runs to its end)
first_line_ms() {
    local t0
    t0=$(ms_now)
    "$@" 2>/dev/null | { IFS= read -r _; echo $(($(ms_now) - t0)); cat >/dev/null; }
}
NONE=(--network none)
lat=$(first_line_ms "$KD" run --rm "${NONE[@]}" "$IMG" sh -c 'echo first; sleep 1; echo second')
[ "$lat" -lt 500 ] && ok "run shows the first line at once (${lat} ms, incl. start)" || not_ok "run first line" "$lat ms"
lid2=$(kd run -d "${NONE[@]}" "$IMG" sh -c 'echo first; sleep 1.5; echo second')
sleep 0.2
expect_eq "logs of a running container shows what it printed so far" first "$(kd logs "$lid2")"
lat=$(first_line_ms "$KD" logs -f "$lid2")
[ "$lat" -lt 500 ] && ok "logs -f shows the first line at once (${lat} ms)" || not_ok "logs -f first line" "$lat ms"
expect_eq "logs -f went on to the end" "first
second" "$(kd logs "$lid2")"
kd run --rm "${NONE[@]}" "$IMG" cat /bin/busybox >"$TMP/bb.run"
want=$(kd run --rm "${NONE[@]}" "$IMG" sha256sum /bin/busybox | cut -d' ' -f1)
expect_eq "binary output comes through run byte for byte" "$want" "$(sha256sum <"$TMP/bb.run" | cut -d' ' -f1)"
bid=$(kd run -d "${NONE[@]}" "$IMG" cat /bin/busybox)
kd wait "$bid" >/dev/null
expect_eq "binary output comes through logs byte for byte" "$want" "$(kd logs "$bid" | sha256sum | cut -d' ' -f1)"
expect_eq "output without a final newline stays so through run" 3 "$(kd run --rm "${NONE[@]}" "$IMG" printf abc | wc -c)"
nid=$(kd run -d "${NONE[@]}" "$IMG" printf abc)
kd wait "$nid" >/dev/null
expect_eq "output without a final newline stays so through logs" 3 "$(kd logs "$nid" | wc -c)"
aid=$(kd run -d "${NONE[@]}" "$IMG" sh -c 'sleep 0.5; printf abc; cat /bin/busybox')
kd attach --no-stdin "$aid" >"$TMP/attach.out"
{ printf abc; cat "$TMP/bb.run"; } >"$TMP/attach.want"
check "attach relays output byte for byte" cmp "$TMP/attach.want" "$TMP/attach.out"
expect_eq "wait prints the exit status" 3 "$(kd wait "$(kd run -d "${NONE[@]}" "$IMG" sh -c 'sleep 0.2; exit 3')")"

"$KD" run --rm "${NONE[@]}" "$IMG" sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while true; do sleep 0.1; done' >"$TMP/term.out" 2>&1 &
kpid=$!
for _ in $(seq 1 50); do grep -q ready "$TMP/term.out" && break; sleep 0.1; done
kill -TERM "$kpid"
wait "$kpid"
rc=$?
expect_eq "SIGTERM to keel-docker run reaches the container, which exits as it chooses" "7 got-term" "$rc $(grep got-term "$TMP/term.out")"
out=$( (sleep 1; printf '\003'; sleep 1) | script -qec "$KD run --rm ${NONE[*]} $IMG sh -c 'trap \"echo got-int; exit 5\" INT; echo ready; while true; do sleep 0.1; done'" /dev/null | tr -d '\r')
grep -q got-int <<<"$out" && ok "Ctrl-C on a terminal reaches the container's trap" || not_ok "Ctrl-C" "$out"
out=$( (sleep 1; printf '\003'; sleep 1) | script -qec "$KD run --rm -t ${NONE[*]} $IMG sh -c 'trap \"echo got-int; exit 5\" INT; echo ready; while true; do sleep 0.1; done'" /dev/null | tr -d '\r')
grep -q got-int <<<"$out" && ok "Ctrl-C in a -t container's terminal reaches its trap" || not_ok "Ctrl-C -t" "$out"

sid=$(kd run -d "${NONE[@]}" "$IMG" sh -c 'trap "" TERM; while true; do sleep 0.1; done')
t0=$(ms_now)
kd stop -t 2 "$sid" >/dev/null
took=$(($(ms_now) - t0))
[ "$took" -ge 2000 ] && [ "$took" -lt 3000 ] && ok "stop -t 2 of a container ignoring TERM takes 2 to 3 s (${took} ms)" ||
    not_ok "stop -t 2" "$took ms"
expect_eq "it was killed" 137 "$(kd inspect "$sid" | jq -r '.[0].State.ExitCode')"
said=$(kd run -d "${NONE[@]}" "$IMG" sh -c 'echo again; exit 4')
kd wait "$said" >/dev/null
out=$(kd start -a "$said" 2>/dev/null)
expect_eq "start -a runs it again attached, with its status" "again 4" "$out $?"

fid2=$(kd run -d "${NONE[@]}" --restart on-failure:2 "$IMG" sh -c 'echo try; exit 1')
for _ in $(seq 1 50); do [ "$(kd inspect "$fid2" | jq -r '.[0].State.Status')" = exited ] && break; sleep 0.1; done
expect_eq "on-failure:2 restarts a failing container twice" "exited 2 3" \
    "$(kd inspect "$fid2" | jq -r '.[0].State.Status, .[0].RestartCount' | tr '\n' ' ')$(kd logs "$fid2" | grep -c try)"
alw=$(kd run -d "${NONE[@]}" --restart always "$IMG" sh -c 'sleep 0.2')
sleep 1.2
n=$(kd inspect "$alw" | jq -r '.[0].RestartCount')
[ "$n" -ge 1 ] && ok "always restarts after a clean exit ($n restarts)" || not_ok "always" "$n"
kd stop "$alw" >/dev/null
sleep 0.5
expect_eq "stop ends an always container for good" exited "$(kd inspect "$alw" | jq -r '.[0].State.Status')"
kd run --rm --restart always "$IMG" true >/dev/null 2>&1
expect_eq "--restart with --rm is refused with 125" 125 "$?"
kd run --restart sometimes "$IMG" true >/dev/null 2>&1
expect_eq "an unknown restart policy is refused with 125" 125 "$?"

tty_id=$(kd run -dit "${NONE[@]}" "$IMG" sh)
out=$( (sleep 0.7; printf 'echo hi-$((6*7))\n'; sleep 0.7; printf '\020\021'; sleep 0.3) | script -qec "$KD attach $tty_id" /dev/null | tr -d '\r')
grep -q 'hi-42' <<<"$out" && ok "attach reaches the container's terminal" || not_ok "attach" "$out"
grep -q 'read escape sequence' <<<"$out" && expect_eq "Ctrl-P Ctrl-Q detaches and leaves it running" running "$(kd inspect "$tty_id" | jq -r '.[0].State.Status')" ||
    not_ok "detach keys" "$out"
out=$( (sleep 0.7; printf 'echo again-$((6*7))\n'; sleep 0.7; printf '\030'; sleep 0.3) | script -qec "$KD attach --detach-keys ctrl-x $tty_id" /dev/null | tr -d '\r')
grep -q 'again-42' <<<"$out" && grep -q 'read escape sequence' <<<"$out" && ok "--detach-keys sets other keys" || not_ok "--detach-keys" "$out"
(sleep 0.7; printf '\020\021'; sleep 0.3) | script -qec "$KD run -it --name itd ${NONE[*]} $IMG sh" /dev/null >/dev/null
expect_eq "run -it detaches with Ctrl-P Ctrl-Q" running "$(kd inspect itd | jq -r '.[0].State.Status')"
out=$( (sleep 0.7; printf 'exit 9\n'; sleep 0.5) | script -qec "$KD attach itd" /dev/null)
expect_eq "attach again, and the container's exit ends it" 9 "$(kd inspect itd | jq -r '.[0].State.ExitCode')"
for c in "$lid2" "$bid" "$nid" "$aid" "$sid" "$said" "$fid2" "$alw" "$tty_id" itd; do kd rm -f "$c" >/dev/null; done

# --- images -------------------------------------------------------------------------------------
images_digest() { "$TOP/bin/keel-image" inspect "$1" | jq -r .digest; }
kd images | grep -q "$REGISTRY/busybox" && ok "images lists the pulled image" || not_ok "images" "$(kd images)"
kd rmi "$IMG" >/dev/null 2>&1
expect_eq "rmi refuses an image a container uses" 1 "$?"
# image IDs are the config digest, as docker's: the same in images, inspect and run
iid=$("$TOP/bin/keel-image" --root "$KEEL_ROOT" resolve "$IMG" | jq -r .id)
check "images -q lists the image's ID" grep -qx "${iid:7:12}" <(kd images -q)
expect_eq "run takes an ID prefix (no pull)" "by-id" "$(kd run --rm "${NONE[@]}" "${iid:7:5}" echo by-id 2>&1)"
expect_eq "inspect takes the ID" "$iid" "$(kd inspect "${iid:7}" | jq -r '.[0].Id')"
expect_eq "images --format and a REPOSITORY operand" "$IMG latest ${iid:7:12}" "$(kd images --format '{{.Repository}} {{.Tag}} {{.ID}}' "$IMG")"
expect_eq "images --filter reference= globs" "" "$(kd images -q --filter 'reference=nomatch*')"
expect_eq "images --filter dangling=true: keel keeps no dangling image" "" "$(kd images -q --filter dangling=true)"
kd tag "${iid:7:12}" kd-alias:v1
err=$(kd rmi "${iid:7:8}" 2>&1)
grep -q "conflict: unable to delete ${iid:7:12} (cannot be forced) - image is being used by running container" <<<"$err" &&
    ok "rmi ID of an image a running container uses: docker's first conflict" || not_ok "rmi ID conflict" "$err"
expect_eq "rmi of one name untags only it" "Untagged: kd-alias:v1" "$(kd rmi kd-alias:v1)"
err=$(kd rmi 0123456789ab 2>&1)
expect_eq "rmi of an unknown ID exits 1" 1 "$(kd rmi 0123456789ab >/dev/null 2>&1; echo $?)"
grep -q "No such image: 0123456789ab:latest" <<<"$err" && ok "rmi of an unknown image is docker's message" || not_ok "rmi unknown" "$err"

# --- push, login, logout ---------------------------------------------------------------------------
export DOCKER_CONFIG=$TMP/docker
kd tag "$IMG" "$REGISTRY/pushed:v1" >/dev/null
out=$(kd push "$REGISTRY/pushed:v1")
pushed=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REGISTRY/pushed:v1" 2>&1)
grep -q "^The push refers to repository \[$REGISTRY/pushed\]$" <<<"$out" &&
    grep -q "^v1: digest: $pushed size: [0-9]*$" <<<"$out" && [ "$(images_digest "$IMG")" = "$pushed" ] &&
    ok "push sends the image, its digest unchanged, with docker's output" || not_ok "push" "$out $pushed"
kd tag "$IMG" "$REGISTRY/pushed:v2" >/dev/null
out=$(kd push --all-tags "$REGISTRY/pushed")
grep -q "^v1: digest: $pushed" <<<"$out" && grep -q "^v2: digest: $pushed" <<<"$out" &&
    ! grep -q ": Pushed$" <<<"$out" && ok "push --all-tags pushes every tag, nothing sent twice" || not_ok "push --all-tags" "$out"
expect_eq "push -q prints the reference" "$REGISTRY/pushed:v1" "$(kd push -q "$REGISTRY/pushed:v1")"
err=$(kd push "$REGISTRY/nothere:v1" 2>&1)
rc=$?
expect_eq "push of an image not in the store exits 1 with docker's message" \
    "1 An image does not exist locally with the tag: $REGISTRY/nothere:v1" "$rc $err"
kd push --bogus "$REGISTRY/pushed:v1" >/dev/null 2>&1
expect_eq "push with an unknown flag exits 125" 125 "$?"
kd push --all-tags "$REGISTRY/pushed:v1" >/dev/null 2>&1
expect_eq "push --all-tags with a tag is refused" 1 "$?"

MAIN_REGISTRY=$REGISTRY MAIN_PID=$REGISTRY_PID
htpasswd -Bbn alice secret >"$TMP/htpasswd"
start_registry "$TMP/authreg" "$TMP/htpasswd" || { echo "Bail out! no registry with auth"; exit 1; }
AUTHREG=$REGISTRY AUTH_PID=$REGISTRY_PID REGISTRY=$MAIN_REGISTRY REGISTRY_PID=$MAIN_PID
out=$(echo secret | kd login -u alice --password-stdin "$AUTHREG" 2>/dev/null)
expect_eq "login --password-stdin succeeds" "Login Succeeded" "$out"
kd tag "$IMG" "$AUTHREG/private:v1" >/dev/null
check "push uses the credentials login stored" kd push "$AUTHREG/private:v1"
kd login -u alice -p wrong "$AUTHREG" >/dev/null 2>&1
expect_eq "login with a wrong password exits 1" 1 "$?"
expect_eq "logout removes the credentials" "Removing login credentials for $AUTHREG" "$(kd logout "$AUTHREG")"
kd push "$AUTHREG/private:v1" >/dev/null 2>&1
expect_eq "push after logout is refused" 1 "$?"
kd login --bogus >/dev/null 2>&1
expect_eq "login with an unknown flag exits 125" 125 "$?"
kill "$AUTH_PID" 2>/dev/null; wait "$AUTH_PID" 2>/dev/null
kd rmi "$REGISTRY/pushed:v1" "$REGISTRY/pushed:v2" "$AUTHREG/private:v1" >/dev/null

# --- build: docker's flags and outputs ----------------------------------------------------------
config_digest() { "$TOP/bin/keel-image" --root "${2:-$KEEL_ROOT}" inspect "$1" | jq -r .manifest.config.digest; }
mkdir -p "$TMP/ctx/sub" "$TMP/ctx/skip"
echo kept >"$TMP/ctx/sub/kept"
echo secret >"$TMP/ctx/skip/secret"
echo log >"$TMP/ctx/drop.log"
printf 'skip\n*.log\n' >"$TMP/ctx/.dockerignore"
printf 'FROM %s\nARG WHO=nobody\nRUN echo "built for $WHO" >/built\nCOPY . /ctx/\nCMD ["cat", "/built"]\n' "$IMG" \
    >"$TMP/build.Dockerfile"
# from another directory, with a Dockerfile outside the context
out=$(cd / && kd build -qt kdb1 --tag=kdb2 -t "$REGISTRY/built:v1" --build-arg WHO=you \
    -f "$TMP/build.Dockerfile" "$TMP/ctx" 2>"$TMP/build.err")
rc=$?
[[ "$rc $out" =~ ^0\ sha256:[0-9a-f]{64}$ ]] && [ ! -s "$TMP/build.err" ] &&
    ok "build -q prints only the image ID" || not_ok "build -q" "$rc $out $(cat "$TMP/build.err")"
expect_eq "the ID is the image's config digest, under every -t" "$out $out $out" \
    "$(config_digest kdb1) $(config_digest kdb2) $(config_digest "$REGISTRY/built:v1")"
expect_eq "--build-arg reaches RUN" "built for you" "$(kd run --rm "${NONE[@]}" kdb1)"
expect_eq "a context given by path, its .dockerignore honoured" "/ctx/.dockerignore /ctx/sub /ctx/sub/kept " \
    "$(kd run --rm "${NONE[@]}" kdb1 find /ctx -mindepth 1 | sort | tr '\n' ' ')"
kd build -t kdb1 --build-arg WHO=you -f "$TMP/build.Dockerfile" "$TMP/ctx" >"$TMP/build.out" 2>&1
expect_eq "a rebuild takes every step from the cache" 2 "$(grep -c ' CACHED$' "$TMP/build.out")"
kd build --no-cache --progress=plain -t kdb1 --build-arg WHO=you -f "$TMP/build.Dockerfile" "$TMP/ctx" \
    >"$TMP/build.out" 2>&1
grep -q CACHED "$TMP/build.out" && not_ok "--no-cache runs every step" "$(cat "$TMP/build.out")" ||
    ok "--no-cache runs every step"
printf 'FROM %s AS one\nRUN echo one >/one\nFROM one AS two\nRUN echo two; echo two >/two\nFROM %s\nRUN false\n' \
    "$IMG" "$IMG" >"$TMP/stages.Dockerfile"
kd build --target two --progress plain -t kdtarget -f - "$TMP/ctx" <"$TMP/stages.Dockerfile" >"$TMP/build.out" 2>&1
expect_eq "-f - and --target: the stage and what it needs, not the later failing one" "0 one two" \
    "$? $(kd run --rm "${NONE[@]}" kdtarget cat /one /two | tr '\n' ' ' | sed 's/ $//')"
grep -q '^#[0-9]* [0-9.]* two$' "$TMP/build.out" && ok "--progress plain shows a RUN's output" ||
    not_ok "--progress plain" "$(cat "$TMP/build.out")"
expect_eq "--progress quiet prints nothing" "" "$(kd build --progress quiet -f - "$TMP/ctx" <"$TMP/stages.Dockerfile" --target one 2>&1)"
err=$(kd build -q -f - "$TMP/ctx" <"$TMP/stages.Dockerfile" 2>&1)
rc=$?
[ "$rc" = 1 ] && grep -q "The command '/bin/sh -c false' returned a non-zero code: 1$" <<<"$err" &&
    ok "a failed step exits 1 with docker's message" || not_ok "failed step" "$rc $err"
err=$(printf 'FROM %s\nCOPY ../outside /x\n' "$IMG" | kd build -f - "$TMP/ctx" 2>&1)
rc=$?
[ "$rc" = 1 ] && grep -q 'forbidden path outside the build context: ../outside$' <<<"$err" &&
    ok "a COPY from outside the context is refused with docker's words" || not_ok "COPY outside" "$rc $err"
kd build --memory 1g "$TMP/ctx" >/dev/null 2>&1
expect_eq "a build flag keel-docker does not take exits 125" 125 "$?"
kd rmi kdb1 kdb2 kdtarget >/dev/null

# --- a built image pushed, pulled on another store, run there --------------------------------------
kd push "$REGISTRY/built:v1" >"$TMP/push.out"
check "the built image is pushed" grep -q "^v1: digest: sha256:" "$TMP/push.out"
out=$(KEEL_ROOT=$TMP/root2 kd run --rm "${NONE[@]}" "$REGISTRY/built:v1" 2>/dev/null)
expect_eq "pulled into another store, it runs with its output" "built for you" "$out"
expect_eq "... the same image there" "$(config_digest "$REGISTRY/built:v1")" \
    "$(config_digest "$REGISTRY/built:v1" "$TMP/root2")"
KEEL_ROOT=$TMP/root2 kd rmi "$REGISTRY/built:v1" >/dev/null
kd rmi "$REGISTRY/built:v1" >/dev/null

# --- prune ----------------------------------------------------------------------------------------
out=$(kd system prune -f)
grep -q "Total reclaimed space" <<<"$out" && ok "system prune -f reports the space reclaimed" || not_ok "prune" "$out"
grep -qx "Deleted Containers:" <<<"$out" && ok "system prune lists the containers it deleted" || not_ok "prune list" "$out"
out=$(echo n | kd system prune --volumes 2>&1)
grep -qx "  - all anonymous volumes not used by at least one container" <<<"$out" && ! grep -q with_volumes <<<"$out" &&
    ok "system prune's warning is docker's" || not_ok "prune warning" "$out"
expect_eq "system prune removed every stopped container" "" "$(kd ps -a | tail -n +2 | grep -v ' Up ')"
for id in $(kd ps -a -q); do kd rm -f "$id" >/dev/null; done
out=$(kd rmi "${iid:7:6}" "$EP_IMG")
grep -qx "Deleted: $iid" <<<"$out" && grep -qx "Untagged: $IMG:latest" <<<"$out" &&
    ok "rmi by ID untags and deletes, as docker reports it" || not_ok "rmi by ID" "$out"
expect_eq "rmi removes the image once unused" "" "$(kd images -q)"

# --- nothing left behind -----------------------------------------------------------------------------
expect_eq "no network namespace left" "" "$(ls "$KEEL_NET_STATE/containers" 2>/dev/null)"
subnet=$(cat "$KEEL_NET_STATE/subnet" 2>/dev/null || echo none)
expect_eq "no DNAT rule left" "" "$(iptables -t nat -S KEEL-DNAT 2>/dev/null | grep -F -- "--to-destination $subnet.")"
expect_eq "no veth left on the bridge" "" "$(ip -o link show master "$KEEL_BRIDGE" 2>/dev/null)"
expect_eq "no mount left under KEEL_ROOT" "" "$(grep -F "$KEEL_ROOT" /proc/self/mountinfo)"
expect_eq "no cgroup left" "" "$(find /sys/fs/cgroup/*/"$KEEL_CGROUP_PARENT"/ -mindepth 1 -maxdepth 1 -type d 2>/dev/null)"

tap_finish
