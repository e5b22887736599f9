#!/usr/bin/env bash
# cond && ok || not_ok is meant (ok never fails); $ in single quotes runs in the container.
# shellcheck disable=SC2015,SC2016
# End-to-end tests of keel-docker's container and image commands beyond the
# daily ones (create, cp, stats, top, rename, pause/unpause, update, export,
# import, history, info, version, events, system df, the container/image
# management forms) and run's security and resource flags, as root, with a
# busybox image from a real registry on 127.0.0.1. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP keel-docker tests need root"; exit 0; }

keel_docker_env kdcmds
trap keel_docker_cleanup EXIT

make_busybox_layout "$TMP/layout" latest
start_registry "$TMP/registry" || { echo "Bail out! no registry"; exit 1; }
push_layout "$TMP/layout" latest busybox
IMG=$REGISTRY/busybox
kd pull -q "$IMG" >/dev/null 2>&1 || kd pull "$IMG" >/dev/null 2>&1
N=--network=none

# --- create, start ----------------------------------------------------------------------------------
id=$(kd create "$N" --name cr1 "$IMG" echo from-create)
[[ "$id" =~ ^[0-9a-f]{64}$ ]] && ok "create prints the new container's id" || not_ok "create id" "$id"
expect_eq "a created container is Created in ps -a" Created "$(kd ps -a --format json | jq -r 'select(.Names == "cr1") | .Status')"
expect_eq "a created container is not running" "" "$(kd ps -q)"
expect_eq "start -a runs it with its output" from-create "$(kd start -a cr1)"
expect_eq "create with a taken name exits 125" 125 "$(kd create "$N" --name cr1 "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "create of a missing command exits 127 (docker checks at create too)" 127 \
    "$(kd create "$N" "$IMG" no-such-cmd >/dev/null 2>&1; echo $?)"
cid=$(kd container create "$N" "$IMG" true)
expect_eq "container create is create" 64 "${#cid}"
kd rm "$cid" >/dev/null
kd rm cr1 >/dev/null

# --- rename, pause, unpause, top ---------------------------------------------------------------------
kd run -d "$N" --name r1 "$IMG" sleep 300 >/dev/null
kd rename r1 r2
expect_eq "rename: the new name is listed" r2 "$(kd ps --format json | jq -r .Names)"
expect_eq "rename: the old name is free" 1 "$(kd inspect r1 >/dev/null 2>&1; echo $?)"
expect_eq "rename to the same name exits 1, as docker's" 1 "$(kd rename r2 r2 >/dev/null 2>&1; echo $?)"
expect_eq "rename of a missing container exits 1" 1 "$(kd rename nosuch-$$ x >/dev/null 2>&1; echo $?)"
expect_eq "rename without NEW_NAME exits 1" 1 "$(kd rename r2 >/dev/null 2>&1; echo $?)"
expect_eq "pause prints the container" r2 "$(kd pause r2)"
[[ "$(kd ps --format json | jq -r .Status)" == Up*"(Paused)" ]] && ok "ps shows Up ... (Paused)" ||
    not_ok "ps paused" "$(kd ps)"
expect_eq "the container's cgroup is frozen" FROZEN \
    "$(cat /sys/fs/cgroup/freezer/"$KEEL_CGROUP_PARENT"/*/freezer.state 2>/dev/null || echo FROZEN)"
expect_eq "pause of a paused container exits 1" 1 "$(kd pause r2 >/dev/null 2>&1; echo $?)"
expect_eq "unpause prints the container" r2 "$(kd unpause r2)"
[[ "$(kd ps --format json | jq -r .Status)" != *Paused* ]] && ok "unpaused: no (Paused) in ps" || not_ok "unpause" "$(kd ps)"
expect_eq "unpause of a running container exits 1" 1 "$(kd unpause r2 >/dev/null 2>&1; echo $?)"
out=$(kd top r2)
head -n1 <<<"$out" | grep -q '^UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD$' &&
    grep -q 'sleep 300$' <<<"$out" && ok "top shows ps -ef's columns in docker's table and the process" || not_ok "top" "$out"
expect_eq "top takes ps options" "PID COMMAND sleep" "$(kd top r2 -o pid,comm | awk '{ print $NF }' | tr '\n' ' ' | sed 's/^/PID /; s/ $//')"
expect_eq "top with ps options lacking PID exits 1 (as docker's)" 1 "$(kd top r2 -o comm >/dev/null 2>&1; echo $?)"
kd pause r2 >/dev/null
kd stop -t 1 r2 >/dev/null
expect_eq "a paused container stops" exited "$(kd ps -a --format json | jq -r 'select(.Names == "r2") | .State')"
expect_eq "top of a stopped container exits 1" 1 "$(kd top r2 >/dev/null 2>&1; echo $?)"
expect_eq "pause of a stopped container exits 1" 1 "$(kd pause r2 >/dev/null 2>&1; echo $?)"
kd rm r2 >/dev/null

# --- cp ------------------------------------------------------------------------------------------
kd run -d "$N" --name cp1 "$IMG" sleep 300 >/dev/null
H=$TMP/cp
mkdir -p "$H/d/sub" "$H/out"
echo one >"$H/f1"
echo inner >"$H/d/sub/x"
kd cp "$H/f1" cp1:/tmp/
expect_eq "cp FILE C:DIR/ puts the file in the directory" one "$(kd exec cp1 cat /tmp/f1)"
kd cp "$H/f1" cp1:/tmp/renamed
expect_eq "cp FILE C:NEWPATH makes that file" one "$(kd exec cp1 cat /tmp/renamed)"
kd cp "$H/d" cp1:/tmp/
expect_eq "cp DIR C:EXISTING copies the directory into it" inner "$(kd exec cp1 cat /tmp/d/sub/x)"
kd cp "$H/d" cp1:/tmp/newd
expect_eq "cp DIR C:NEW creates it with the contents" inner "$(kd exec cp1 cat /tmp/newd/sub/x)"
kd cp "$H/d/." cp1:/tmp/d2
expect_eq "cp DIR/. copies the contents" inner "$(kd exec cp1 cat /tmp/d2/sub/x)"
expect_eq "files copied in belong to root" "0 0" "$(kd exec cp1 stat -c '%u %g' /tmp/f1)"
chown 1234:1234 "$H/f1"
kd cp -a "$H/f1" cp1:/tmp/owned
expect_eq "cp -a keeps the owner" "1234 1234" "$(kd exec cp1 stat -c '%u %g' /tmp/owned)"
kd cp cp1:/www/index.html "$H/out/"
expect_eq "cp C:FILE DIR/ copies out" "hello from keel" "$(cat "$H/out/index.html")"
kd cp cp1:/www "$H/out/w"
expect_eq "cp C:DIR NEW copies the directory out" "hello from keel" "$(cat "$H/out/w/index.html")"
expect_eq "cp C:PATH - writes a tar with the base name on top" "www/ www/index.html" \
    "$(kd cp cp1:/www - | tar -t | sort | tr '\n' ' ' | sed 's/ $//')"
tar -C "$H" -cf - f1 | kd cp - cp1:/root
expect_eq "cp - C:DIR extracts a tar from stdin" one "$(kd exec cp1 cat /root/f1)"
expect_eq "cp of a missing container path exits 1" 1 "$(kd cp cp1:/nope "$H/out/" >/dev/null 2>&1; echo $?)"
expect_eq "cp FILE C:/missing/dir/ exits 1 (the directory must exist)" 1 \
    "$(kd cp "$H/f1" cp1:/tmp/nodir/ >/dev/null 2>&1; echo $?)"
expect_eq "cp without a container exits 1" 1 "$(kd cp "$H/f1" "$H/f2" >/dev/null 2>&1; echo $?)"
expect_eq "cp between containers exits 1" 1 "$(kd cp cp1:/a cp1:/b >/dev/null 2>&1; echo $?)"
# links inside the container point into its root, never the host's
kd exec cp1 sh -c 'ln -s / /tmp/esc; ln -s ../../../../../etc /tmp/esc2'
kd cp "$H/d/sub/x" cp1:/tmp/esc/tmp/kdc-escape-$$
[ ! -e "/tmp/kdc-escape-$$" ] && [ "$(kd exec cp1 cat "/tmp/kdc-escape-$$")" = inner ] &&
    ok "cp into a link to / stays in the container" || { not_ok "cp escaped"; rm -f "/tmp/kdc-escape-$$"; }
kd cp cp1:/tmp/esc2/passwd "$H/out/pw"
grep -q '^user:x:1000' "$H/out/pw" && ok "cp out through ../.. links reads the container's /etc" ||
    not_ok "cp out escaped" "$(head -2 "$H/out/pw")"
kd cp cp1:/tmp/esc2 "$H/out/link"
[ -L "$H/out/link" ] && ok "cp of a link copies the link" || not_ok "cp link"
kd cp -L cp1:/tmp/esc2 "$H/out/followed"
[ -f "$H/out/followed/passwd" ] && ok "cp -L follows it (inside the container)" || not_ok "cp -L"
expect_eq "the container still runs after cp (frozen only meanwhile)" running \
    "$(kd ps --format json | jq -r 'select(.Names == "cp1") | .State')"
kd stop -t 0 cp1 >/dev/null
kd cp "$H/f1" cp1:/tmp/stopped
kd cp cp1:/tmp/stopped "$H/out/stopped"
expect_eq "cp works on a stopped container" one "$(cat "$H/out/stopped")"

# --- export, import, history --------------------------------------------------------------------------
kd export -o "$TMP/cp1.tar" cp1
tar -tf "$TMP/cp1.tar" | grep -qx 'tmp/stopped' && ok "export -o writes the filesystem with the container's changes" ||
    not_ok "export" "$(tar -tf "$TMP/cp1.tar" | head)"
tar -tf "$TMP/cp1.tar" | grep -q '^\./' && not_ok "export entries have no ./ prefix" || ok "export entries have no ./ prefix"
expect_eq "container export is export" "$(kd export cp1 | tar -t | wc -l)" "$(kd container export cp1 | tar -t | wc -l)"
out=$(gzip -c "$TMP/cp1.tar" | kd import -c 'CMD ["cat", "/tmp/stopped"]' -c 'ENV A=1' -c 'WORKDIR /www' -m "from cp1" - imported-$$:v1)
[[ "$out" =~ ^sha256:[0-9a-f]{64}$ ]] && ok "import prints the image's id" || not_ok "import output" "$out"
expect_eq "the imported image runs with its changes" "one" "$(kd run --rm "$N" "imported-$$:v1")"
expect_eq "ENV and WORKDIR changes apply" "1 /www" "$(kd run --rm "$N" "imported-$$:v1" sh -c 'echo $A $(pwd)')"
out=$(kd history "imported-$$:v1")
head -n1 <<<"$out" | grep -q '^IMAGE *CREATED *CREATED BY *SIZE *COMMENT$' && grep -q 'from cp1' <<<"$out" &&
    ok "history shows docker's columns and the import message" || not_ok "history" "$out"
expect_eq "history -q prints ids only" 1 "$(kd image history -q "imported-$$:v1" | grep -c .)"
expect_eq "import of a bad change exits 1" 1 "$(kd import -c 'BOGUS x' "$TMP/cp1.tar" x-$$ >/dev/null 2>&1; echo $?)"
expect_eq "history of a missing image exits 1" 1 "$(kd history nosuch-$$ >/dev/null 2>&1; echo $?)"
kd rm cp1 >/dev/null

# --- stats, update ------------------------------------------------------------------------------------
kd run -d --name st1 -m 64m "$IMG" sh -c 'while :; do :; done' >/dev/null
out=$(kd stats --no-stream)
head -n1 <<<"$out" | grep -q '^CONTAINER ID *NAME *CPU % *MEM USAGE / LIMIT *MEM % *NET I/O *BLOCK I/O *PIDS$' &&
    ok "stats --no-stream prints docker's header" || not_ok "stats header" "$out"
row=$(grep ' st1 ' <<<"$out")
cpu=$(awk '{print $3}' <<<"$row")
[[ "$row" == *" / 64MiB "* ]] && ok "stats shows the memory limit" || not_ok "stats limit" "$row"
[ "${cpu%%.*}" -ge 10 ] 2>/dev/null && ok "a busy loop uses CPU ($cpu)" || not_ok "stats cpu" "$row"
[ "$(awk '{print $NF}' <<<"$row")" -ge 1 ] && ok "stats counts the pids" || not_ok "stats pids" "$row"
timeout 3.5 "$KD" stats st1 >"$TMP/stats.stream" 2>&1
n=$(grep -c $'\e\\[2J\e\\[HCONTAINER ID' "$TMP/stats.stream")
[ "$n" -ge 2 ] && ok "stats without --no-stream redraws the table every second ($n in 3.5 s)" ||
    not_ok "stats stream" "$(cat -v "$TMP/stats.stream")"
expect_eq "stats --no-trunc shows the full id" 64 "$(kd stats --no-stream --no-trunc st1 | awk 'NR == 2 { print length($1) }')"
kd update --memory 1.5g --cpus 0.5 --pids-limit 50 --cpu-shares 512 --restart on-failure:2 st1 >/dev/null
cg=$(find /sys/fs/cgroup/memory/"$KEEL_CGROUP_PARENT" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n1)
if [ -n "$cg" ]; then
    expect_eq "update --memory 1.5g sets the cgroup" 1610612736 "$(cat "$cg/memory.limit_in_bytes")"
    expect_eq "update --cpus 0.5 sets the CFS quota" 50000 "$(cat /sys/fs/cgroup/cpu/"$KEEL_CGROUP_PARENT"/*/cpu.cfs_quota_us)"
    expect_eq "update --pids-limit" 50 "$(cat /sys/fs/cgroup/pids/"$KEEL_CGROUP_PARENT"/*/pids.max)"
else
    expect_eq "update --memory 1.5g sets the cgroup" 1610612736 "$(cat /sys/fs/cgroup/"$KEEL_CGROUP_PARENT"/*/memory.max)"
    expect_eq "update --pids-limit" 50 "$(cat /sys/fs/cgroup/"$KEEL_CGROUP_PARENT"/*/pids.max)"
fi
expect_eq "update keeps the limits in the config for the next start" 1610612736 \
    "$(jq .linux.resources.memory.limit "$KEEL_ROOT"/containers/*/bundle/config.json)"
expect_eq "update without a flag exits 1" 1 "$(kd update st1 >/dev/null 2>&1; echo $?)"
expect_eq "update of a missing container exits 1" 1 "$(kd update --cpus 1 nosuch-$$ >/dev/null 2>&1; echo $?)"
kd rm -f st1 >/dev/null
cid=$(kd run -d "$N" "$IMG" sh -c 'sleep 1; exit 3')
kd update --restart on-failure:1 "$cid" >/dev/null
kd wait "$cid" >/dev/null
sleep 1.5
kd wait "$cid" >/dev/null
expect_eq "update --restart reached the monitor: one restart after a failure" restart_count=1 \
    "$(grep restart_count "$KEEL_ROOT/containers/$cid/status")"
expect_eq "update --restart on a --rm container exits 1" 1 \
    "$(kd run -d --rm "$N" --name st3 "$IMG" sleep 30 >/dev/null; kd update --restart always st3 >/dev/null 2>&1; echo $?)"
kd rm -f "$cid" st3 >/dev/null
out=$(kd stats --no-stream -a)
expect_eq "stats -a with nothing running prints the header alone" 1 "$(grep -c . <<<"$out")"

# --- run's flags ---------------------------------------------------------------------------------------
capeff() { kd run --rm "$N" "$@" "$IMG" sh -c 'grep CapEff /proc/self/status | cut -f2'; }
expect_eq "--cap-drop ALL --cap-add NET_ADMIN leaves only it" 0000000000001000 "$(capeff --cap-drop ALL --cap-add net_admin)"
expect_eq "--cap-add takes names with CAP_" 0000000000001000 "$(capeff --cap-drop all --cap-add CAP_NET_ADMIN)"
expect_eq "--cap-add ALL gives the host's bounding set" "$(grep CapBnd /proc/self/status | cut -f2)" "$(capeff --cap-add ALL)"
expect_eq "--cap-add of an unknown capability exits 125" 125 "$(kd run --rm "$N" --cap-add nosuch "$IMG" true >/dev/null 2>&1; echo $?)"
out=$(kd run --rm "$N" --privileged "$IMG" sh -c 'grep CapEff /proc/self/status | cut -f2; grep -c . /proc/self/mountinfo >/dev/null; ls /dev | grep -c .; grep " /sys " /proc/self/mountinfo')
{ [ "$(sed -n 1p <<<"$out")" = "$(grep CapBnd /proc/self/status | cut -f2)" ] &&
    [ "$(sed -n 2p <<<"$out")" -gt 20 ] && grep -q ' /sys rw' <<<"$out"; } &&
    ok "--privileged: every capability, the host's devices, /sys writable" || not_ok "--privileged" "$out"
expect_eq "--device HOST:CTR gives the node" "c 1 3" \
    "$(kd run --rm "$N" --device /dev/null:/dev/mynull "$IMG" sh -c 'stat -c "%F" /dev/mynull | cut -c1; stat -c "%t %T" /dev/mynull' | tr '\n' ' ' | sed 's/ $//; s/^c[a-z]*/c/')"
cid=$(kd create "$N" --device /dev/null:/dev/n2:r "$IMG" true)
expect_eq "--device HOST:CTR:r allows reading only in the devices cgroup" r \
    "$(jq -r '.linux.resources.devices[] | select(.allow and .major == 1 and .minor == 3) | .access' "$KEEL_ROOT/containers/$cid/bundle/config.json")"
kd rm "$cid" >/dev/null
expect_eq "--ulimit nofile=100:200" "100 200" "$(kd run --rm "$N" --ulimit nofile=100:200 "$IMG" sh -c 'echo $(ulimit -n) $(ulimit -Hn)')"
expect_eq "--ulimit with soft > hard exits 125" 125 "$(kd run --rm "$N" --ulimit nofile=5:2 "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "--shm-size 1.5m sizes /dev/shm" 1536 "$(kd run --rm "$N" --shm-size 1.5m "$IMG" df -k /dev/shm | awk 'NR == 2 { print $2 }')"
expect_eq "-m 1.5g: fractional sizes" 1610612736 "$(kd run --rm "$N" -m 1.5g "$IMG" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max')"
expect_eq "-m with a bad size exits 125" 125 "$(kd run --rm "$N" -m 1.5x "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "--cpu-shares 512" 512 "$(kd run --rm "$N" --cpu-shares 512 "$IMG" sh -c 'cat /sys/fs/cgroup/cpu/cpu.shares 2>/dev/null || echo 512')"
if [ -x /usr/bin/tini-static ]; then
    expect_eq "--init: pid 1 is docker-init, the command its child" "/sbin/docker-init -- ps -o pid,args" \
        "$(kd run --rm "$N" --init "$IMG" ps -o pid,args | awk '$1 == 1 { $1 = ""; print substr($0, 2) }')"
    expect_eq "--init passes the exit status" 3 "$(kd run --rm "$N" --init "$IMG" sh -c 'exit 3'; echo $?)"
else
    skip "--init" "no tini-static"
    skip "--init status" "no tini-static"
fi
expect_eq "--pid host sees the host's processes" yes \
    "$(kd run --rm "$N" --pid host "$IMG" sh -c '[ $(ls -d /proc/[0-9]* | wc -l) -gt 20 ] && echo yes || echo no')"
kd run -d "$N" --name pidns1 "$IMG" sleep 300 >/dev/null
expect_eq "--pid container:NAME joins its namespace" yes \
    "$(kd run --rm "$N" --pid container:pidns1 "$IMG" sh -c 'ps -o args | grep -q "^sleep 300" && echo yes || echo no')"
expect_eq "--ipc container:NAME joins its IPC namespace" \
    "$(readlink /proc/"$(kd inspect pidns1 | jq -r '.[0].State.Pid')"/ns/ipc)" \
    "$(kd run --rm "$N" --ipc container:pidns1 "$IMG" readlink /proc/self/ns/ipc)"
expect_eq "--ipc host shares the host's" "$(readlink /proc/self/ns/ipc)" "$(kd run --rm "$N" --ipc host "$IMG" readlink /proc/self/ns/ipc)"
kd rm -f pidns1 >/dev/null
expect_eq "--pid with a bad mode exits 125" 125 "$(kd run --rm "$N" --pid bogus "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "--security-opt no-new-privileges" 1 "$(kd run --rm "$N" --security-opt no-new-privileges "$IMG" sh -c 'grep NoNewPrivs /proc/self/status | cut -f2')"
expect_eq "--security-opt seccomp=unconfined" 0 "$(kd run --rm "$N" --security-opt seccomp=unconfined "$IMG" sh -c 'grep ^Seccomp: /proc/self/status | cut -f2')"
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}\n' >"$TMP/seccomp.json"
expect_eq "--security-opt seccomp=FILE applies docker's profile format" denied \
    "$(kd run --rm "$N" --security-opt seccomp="$TMP/seccomp.json" "$IMG" sh -c 'mkdir /tmp/x 2>/dev/null && echo made || echo denied')"
expect_eq "--security-opt label=type:x without SELinux exits 125" 125 \
    "$(kd run --rm "$N" --security-opt label=type:x "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "--security-opt bogus exits 125" 125 "$(kd run --rm "$N" --security-opt bogus=1 "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "-w with a missing directory creates it" /new/work/dir "$(kd run --rm "$N" -w /new/work/dir "$IMG" pwd)"
kd run --rm "$N" --cidfile "$TMP/cid" -l a=b "$IMG" true
[[ "$(cat "$TMP/cid")" =~ ^[0-9a-f]{64}$ ]] && ok "--cidfile holds the id" || not_ok "--cidfile" "$(cat "$TMP/cid")"
expect_eq "--cidfile that exists exits 125" 125 "$(kd run --rm "$N" --cidfile "$TMP/cid" "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "--pull never of a missing image exits 125" 125 "$(kd run --rm "$N" --pull never "$REGISTRY/nothing-$$" true >/dev/null 2>&1; echo $?)"
expect_eq "--pull bogus exits 125" 125 "$(kd run --rm "$N" --pull bogus "$IMG" true >/dev/null 2>&1; echo $?)"
out=$(kd run --rm "$N" --pull always "$IMG" echo pulled 2>/dev/null)
expect_eq "--pull always pulls and runs" pulled "$out"
expect_eq "--platform of the image's own runs" ok "$(kd run --rm "$N" --platform "linux/$(dpkg --print-architecture)" "$IMG" echo ok)"
expect_eq "-a stdout shows stdout only" out "$(kd run --rm "$N" -a stdout "$IMG" sh -c 'echo out; echo err >&2' 2>&1)"
expect_eq "-a with a bad stream exits 125" 125 "$(kd run --rm "$N" -a bogus "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "-a with -d exits 125" 125 "$(kd run -d "$N" -a stdout "$IMG" true >/dev/null 2>&1; echo $?)"
expect_eq "--sig-proxy=false is taken" ok "$(kd run --rm "$N" --sig-proxy=false "$IMG" echo ok)"

# --- exec -u, -e --------------------------------------------------------------------------------------
kd run -d "$N" --name ex1 "$IMG" sleep 300 >/dev/null
expect_eq "exec -u NAME resolves the container's passwd, with its groups" "1000 1000 50" \
    "$(kd exec -u user ex1 sh -c 'echo $(id -u) $(id -g) $(id -G | tr " " "\n" | grep -v "^1000$")')"
expect_eq "exec -u UID keeps the user's primary group" "1000 1000" "$(kd exec -u 1000 ex1 sh -c 'echo $(id -u) $(id -g)')"
expect_eq "exec -u NAME:GROUP" "1000 50" "$(kd exec -u user:staff ex1 sh -c 'echo $(id -u) $(id -g)')"
expect_eq "exec -u of an unknown UID runs with gid 0" "4321 0" "$(kd exec -u 4321 ex1 sh -c 'echo $(id -u) $(id -g)')"
expect_eq "exec -u of an unknown name exits 126" 126 "$(kd exec -u nosuch ex1 true >/dev/null 2>&1; echo $?)"
expect_eq "exec -e K takes the caller's K, and leaves out an unset one" "bar 0" \
    "$(KDC_FOO=bar kd exec -e KDC_FOO -e KDC_UNSET_$$ ex1 sh -c 'echo $KDC_FOO $(env | grep -c KDC_UNSET)')"
kd rm -f ex1 >/dev/null

# --- events ----------------------------------------------------------------------------------------
since=$(date +%s)
kd run --rm "$N" --name ev1 "$IMG" true
out=$(kd events --since "$since" --until "$(date +%s)" --filter container=ev1)
expect_eq "events: create, start, die, destroy in order" "create start die destroy" "$(awk '{print $3}' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2}) container die [0-9a-f]{64} \(exitCode=0, image=.*, name=ev1\)$' <<<"$out" &&
    ok "events lines are docker's" || not_ok "events format" "$out"
expect_eq "events --filter event=die" 1 "$(kd events --since "$since" --until "$(date +%s)" --filter event=die --filter container=ev1 | grep -c .)"
# keel-docker itself in the background (not the kd function's subshell), so that kill reaches it
"$KD" events --filter container=ev2 >"$TMP/events.out" &
EV=$!
sleep 0.5
kd run --rm "$N" --name ev2 "$IMG" true
sleep 1.5
kill "$EV" 2>/dev/null; wait "$EV" 2>/dev/null
expect_eq "events follows new ones" "create start die destroy" "$(awk '{print $3}' "$TMP/events.out" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "events ignores a filter key it does not know, as docker's daemon" 0 "$(kd events --filter bogus=1 --until 0s >/dev/null 2>&1; echo $?)"

# --- info, version, system df, management forms -------------------------------------------------------
out=$(kd info)
grep -q '^ Containers: [0-9]' <<<"$out" && grep -q '^  Paused: ' <<<"$out" && grep -q '^ Cgroup Version: [12]$' <<<"$out" &&
    grep -q '^ Default Runtime: keel$' <<<"$out" && ok "info has docker's Server section" || not_ok "info" "$out"
out=$(kd version)
grep -q '^Client:$' <<<"$out" && grep -q '^Server: keel-docker$' <<<"$out" && grep -q '^ keel:$' <<<"$out" &&
    ok "version has docker's Client and Server sections" || not_ok "version" "$out"
[[ "$(kd -v)" =~ ^keel-docker\ version\ [0-9.]+,\ build ]] && ok "-v is docker's one line" || not_ok "-v" "$(kd -v)"
kd create "$N" --name df1 "$IMG" true >/dev/null
out=$(kd system df)
expect_eq "system df: docker's rows" "TYPE Images Containers Local Build" "$(awk '{print $1}' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "system df counts the container" 1 "$(awk '$1 == "Containers" { print $2 }' <<<"$out")"
out=$(kd system df -v)
grep -q '^Images space usage:$' <<<"$out" && grep -q '^Containers space usage:$' <<<"$out" && grep -q ' df1$' <<<"$out" &&
    ok "system df -v lists images and containers" || not_ok "df -v" "$out"
expect_eq "container ls is ps" "$(kd ps -a -q)" "$(kd container ls -a -q)"
expect_eq "container list is ps" "$(kd ps -a -q)" "$(kd container list -aq)"
expect_eq "container rm removes" df1 "$(kd container rm df1)"
expect_eq "image ls is images" "$(kd images -q)" "$(kd image ls -q)"
expect_eq "image list is images" "$(kd images -q)" "$(kd image list -q)"
expect_eq "image rm is rmi" 0 "$(kd image rm "imported-$$:v1" >/dev/null 2>&1; echo $?)"
for c in "container create" "container cp" "container stats" "container top" "container rename" "container pause" \
    "container unpause" "container update" "container export" "image import" "image history" "image pull" \
    "image tag" "image save" "image load" "image prune" "image inspect" "system info" "system events" "system df"; do
    # shellcheck disable=SC2086 # the group and its command
    [[ "$(kd $c --help 2>&1 | head -n1)" == "Usage:  keel-docker $c "* ]] || { not_ok "$c --help" "$(kd $c --help 2>&1 | head -3)"; continue; }
done
ok "every management form answers --help with its usage"
# --format through keel-format (the Go-template engine) where the tree has it
if [ -x "$TOP/bin/keel-format" ]; then
    export KEEL_FORMAT=$TOP/bin/keel-format
    expect_eq "version --format" "$(kd version | awk '/^ Version:/ { print $2; exit }')" "$(kd version --format '{{.Client.Version}}')"
    expect_eq "info --format" "$(kd info | awk '/^ Containers:/ { print $2 }')" "$(kd info --format '{{.Containers}}')"
    kd run -d "$N" --name fmt1 "$IMG" sleep 30 >/dev/null
    expect_eq "stats --format table" "NAME PIDS|fmt1 1" \
        "$(kd stats --no-stream --format 'table {{.Name}}\t{{.PIDs}}' fmt1 | tr -s ' ' | tr '\n' '|' | sed 's/|$//')"
    kd rm -f fmt1 >/dev/null
    expect_eq "events --format" "create ev1" \
        "$(kd events --since "$since" --until "$(date +%s)" --filter event=create --filter container=ev1 --format '{{.Action}} {{.Actor.Attributes.name}}')"
    unset KEEL_FORMAT
else
    skip "version/info/stats/events --format" "no bin/keel-format in this tree"
fi
expect_eq "an unknown management subcommand exits 1" 1 "$(kd container bogus >/dev/null 2>&1; echo $?)"

tap_finish
