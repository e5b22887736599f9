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

TMP=$(mktemp -d /tmp/keel-docker-test.XXXXXX)
export KEEL_ROOT=$TMP/root
export KEEL_RUN_ROOT=/run/keel-test-kd-$$
export KEEL_NET_STATE=/run/keel-test-kd-net-$$
export KEEL_BRIDGE=kdt$$
export KEEL_CGROUP_PARENT=keel-docker-test-$$
KD=$TOP/scripts/keel-docker
kd() { "$KD" "$@"; }

cleanup() {
    local id
    for id in $(kd ps -a -q --no-trunc 2>/dev/null); do kd rm -f "$id" >/dev/null 2>&1; done
    stop_registry
    [ -z "${AUTH_PID:-}" ] || kill "$AUTH_PID" 2>/dev/null
    ip link del "$KEEL_BRIDGE" 2>/dev/null
    find /sys/fs/cgroup/*/"$KEEL_CGROUP_PARENT" -maxdepth 0 -type d -exec rmdir {} + 2>/dev/null
    rm -rf "$TMP" "$KEEL_RUN_ROOT" "$KEEL_NET_STATE"
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

# --- detached containers, ps, names ---------------------------------------------
id=$(kd run -d --name web1 "$IMG" sleep 300)
[ -n "$id" ] || id=missing
[[ "$id" =~ ^[0-9a-f]{64}$ ]] && ok "run -d prints a 64-hex id" || not_ok "run -d prints a 64-hex id" "$id"
expect_eq "ps -q shows the 12-digit id" "${id:0:12}" "$(kd ps -q)"
line=$(kd ps | tail -n +2)
grep -q "Up " <<<"$line" && grep -q "web1" <<<"$line" && ok "ps shows Up and the name" || not_ok "ps shows Up and the name" "$line"
expect_eq "ps --format json gives the state" running "$(kd ps --format json | jq -r .State)"

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
lid=$(kd run -d "$IMG" sh -c 'echo out1; echo err1 >&2; echo out2')
sleep 0.5
expect_eq "logs prints the container's stdout" "out1
out2" "$(kd logs "$lid" 2>/dev/null)"
expect_eq "logs prints its stderr on stderr" err1 "$(kd logs "$lid" 2>&1 >/dev/null)"
expect_eq "logs --tail 1" out2 "$(kd logs --tail 1 "$lid" 2>/dev/null)"
kd logs -t "$lid" 2>/dev/null | head -n1 | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z out1$' &&
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
expect_eq "inspect of an image shows its config" '["sh"]' "$(kd inspect "$IMG" | jq -c '.[0].config.config.Cmd')"
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
check "system prune --volumes removes unused volumes" test ! -d "$KEEL_ROOT/volumes/prunevol"
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
kill -9 "$(cat "$KEEL_ROOT/containers/$did/pid")"
sleep 0.3
kd ps -a | grep "${did:0:12}" | grep -q Exited && ok "a container whose monitor died shows its real status" || not_ok "dead monitor" "$(kd ps -a)"

# --- images -------------------------------------------------------------------------------------
images_digest() { "$TOP/bin/keel-image" inspect "$1" | jq -r .digest; }
kd images | grep -q "$REGISTRY/busybox" && ok "images lists the pulled image" || not_ok "images" "$(kd images)"
kd rmi "$IMG" >/dev/null 2>&1
expect_eq "rmi refuses an image a container uses" 1 "$?"

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

# --- prune ----------------------------------------------------------------------------------------
out=$(kd system prune -f)
grep -q "Total reclaimed space" <<<"$out" && ok "system prune -f reports the space reclaimed" || not_ok "prune" "$out"
expect_eq "system prune removed every stopped container" "" "$(kd ps -a | tail -n +2 | grep -v ' Up ')"
for id in $(kd ps -a -q); do kd rm -f "$id" >/dev/null; done
kd rmi "$IMG" "$EP_IMG" >/dev/null
expect_eq "rmi removes the image once unused" "" "$(kd images -q)"

# --- nothing left behind -----------------------------------------------------------------------------
expect_eq "no network namespace left" "" "$(ls "$KEEL_NET_STATE/containers" 2>/dev/null)"
subnet=$(cat "$KEEL_NET_STATE/subnet" 2>/dev/null || echo none)
expect_eq "no DNAT rule left" "" "$(iptables -t nat -S KEEL-DNAT 2>/dev/null | grep -F -- "--to-destination $subnet.")"
expect_eq "no veth left on the bridge" "" "$(ip -o link show master "$KEEL_BRIDGE" 2>/dev/null)"
expect_eq "no mount left under KEEL_ROOT" "" "$(grep -F "$KEEL_ROOT" /proc/self/mountinfo)"
expect_eq "no cgroup left" "" "$(find /sys/fs/cgroup/*/"$KEEL_CGROUP_PARENT"/ -mindepth 1 -maxdepth 1 -type d 2>/dev/null)"

tap_finish
