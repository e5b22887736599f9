#!/usr/bin/env bash
# The compatibility suite: the same commands against docker (Debian's
# docker.io: a dockerd this script starts with its own data, exec root and
# socket, --bridge=none --iptables=false) and against keel-docker, on the same
# busybox image loaded into both. Each case compares stdout (container IDs,
# times and sizes normalised), the exit status, the error message's words, or
# the key paths of inspect's JSON. A case that differs fails unless
# docker-compat.known lists it with its reason (then it is a TODO). TAP.
# shellcheck disable=SC2016,SC2015 # templates in single quotes; ok never fails
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh
KNOWN=$TOP/scripts/tests/docker-compat.known

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP the compatibility suite needs root"; exit 0; }
command -v dockerd >/dev/null && command -v docker >/dev/null ||
    { echo "1..0 # SKIP docker is not installed (scripts/install-deps installs Debian's docker.io)"; exit 0; }

TMP=$(mktemp -d /tmp/keel-compat.XXXXXX)
DOCKER_DIR=$TMP/d
export DOCKER_HOST=unix://$DOCKER_DIR/docker.sock
export KEEL_ROOT=$TMP/keel
export KEEL_RUN_ROOT=/run/keel-compat-$$
export KEEL_NET_STATE=/run/keel-compat-net-$$
export KEEL_BRIDGE=kcp$$
export KEEL_CGROUP_PARENT=keel-compat-$$
DOCKERD_PID=

cleanup() {
    local id
    for id in $("$TOP/scripts/keel-docker" ps -a -q --no-trunc 2>/dev/null); do
        "$TOP/scripts/keel-docker" rm -f "$id" >/dev/null 2>&1
    done
    if [ -n "$DOCKERD_PID" ]; then
        # shellcheck disable=SC2046 # one ID a word
        docker rm -f $(docker ps -a -q) >/dev/null 2>&1
        kill "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$DOCKERD_PID" 2>/dev/null
    fi
    "$TOP/scripts/keel-docker" network rm "knet-a$$" "knet-i$$" >/dev/null 2>&1
    grep -F "$DOCKER_DIR" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount -l 2>/dev/null
    find /sys/fs/cgroup/*/"$KEEL_CGROUP_PARENT" -maxdepth 0 -type d -exec rmdir {} + 2>/dev/null
    rm -rf "$TMP" "$KEEL_RUN_ROOT" "$KEEL_NET_STATE"
}
trap cleanup EXIT

# dockerd with everything of its own; vfs works on any filesystem
mkdir -p "$DOCKER_DIR"
dockerd --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" -p "$DOCKER_DIR/pid" \
    -H "$DOCKER_HOST" --iptables=false --ip6tables=false --bridge=none -s vfs \
    --containerd-namespace "keel-compat-$$" --containerd-plugins-namespace "keel-compat-p-$$" \
    >"$TMP/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 100); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
if ! docker version >/dev/null 2>&1; then
    echo "1..0 # SKIP dockerd cannot start here: $(grep -i -m1 'level=fatal\|failed' "$TMP/dockerd.log" || tail -n1 "$TMP/dockerd.log")"
    exit 0
fi

D() { docker "$@"; }
K() { "$TOP/scripts/keel-docker" "$@"; }

make_busybox_layout "$TMP/layout" latest
skopeo copy --quiet "oci:$TMP/layout:latest" "docker-archive:$TMP/busybox.tar:busybox:latest"
# the same image with a label, for the label filter
umoci config --image "$TMP/layout:latest" --tag labeled --config.label compat=yes >/dev/null
skopeo copy --quiet "oci:$TMP/layout:labeled" "docker-archive:$TMP/labeled.tar:compat/labeled:v1"
for tar in busybox labeled; do
    D load -i "$TMP/$tar.tar" >/dev/null
    K load -i "$TMP/$tar.tar" >/dev/null
done
IMAGE_ID=$(D images -q --no-trunc busybox)
[ "$IMAGE_ID" = "$(K images -q --no-trunc busybox)" ] && ok "the same image has the same ID in both" ||
    not_ok "image ID" "docker: $IMAGE_ID keel: $(K images -q --no-trunc busybox)"
SHORT=${IMAGE_ID#sha256:} SHORT=${SHORT:0:12}

# The same containers on both sides.
setup() {
    "$1" run --network none --name c-exit3 busybox sh -c 'exit 3' >/dev/null 2>&1
    "$1" run --network none --name c-ok busybox true >/dev/null
    "$1" run -d --network none --name c-run busybox sleep 300 >/dev/null
    "$1" tag busybox compat/bb:v1
}
setup D
setup K

# normalise: container IDs (not the image's), times and sizes.
normalise() {
    sed -E -e "s/$SHORT/<image-id>/g" \
        -e 's/\b[0-9a-f]{64}\b/<id>/g' -e 's/\b[0-9a-f]{12}\b/<id>/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z| \+0000 UTC)?/<time>/g' \
        -e 's/(Less than a second|About a minute|About an hour|[0-9]+ (seconds?|minutes?|hours?|days?|weeks?|months?|years?))/<dur>/g' \
        -e "${SIZES:-s/[0-9.]+ ?(B|kB|MB|GB)\\b/<size>/g}" \
        -e 's/   +/   /g' -e 's/ +$//'
}

# The words of an error: docker's and keel-docker's prefixes off.
message() {
    sed -E -e 's/^(docker|keel-docker): //' -e 's/^Error response from daemon: //' -e 's/keel-docker/docker/g' \
        -e 's/^Error response: //' -e 's/^Error: //' | normalise | grep -v "^See '\|^Run '\|^$" | head -n 3
}

COMPARED=0 EQUAL=0 DIFFERENT=0 KNOWN_N=0

# A case's verdict: equal, or different (a TODO when known, else a failure).
verdict() {
    local name=$1 diff=$2 reason
    COMPARED=$((COMPARED + 1))
    if [ -z "$diff" ]; then
        EQUAL=$((EQUAL + 1))
        ok "$name"
        return
    fi
    DIFFERENT=$((DIFFERENT + 1))
    reason=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$KNOWN")
    if [ -n "$reason" ]; then
        KNOWN_N=$((KNOWN_N + 1))
        TAP_N=$((TAP_N + 1))
        echo "not ok $TAP_N - $name # TODO known difference: $reason"
        printf '%s\n' "$diff" | sed 's/^/#   /'
    else
        not_ok "$name" "$diff"
    fi
}

# same ARGS...: stdout (normalised) and exit status of docker ARGS and keel-docker
# ARGS. With SAME_LINES=any the lines are compared in any order: docker lists
# the names of one image in Go's random map order, and images created at the
# same time (the labeled image is busybox's config plus a label) in any order.
same() {
    local d k drc krc
    d=$(D "$@" 2>/dev/null </dev/null); drc=$?
    k=$(K "$@" 2>/dev/null </dev/null); krc=$?
    d=$(normalise <<<"$d") k=$(normalise <<<"$k")
    if [ "${SAME_LINES:-}" = any ]; then
        d=$(sort <<<"$d") k=$(sort <<<"$k")
    fi
    local diff=''
    [ "$drc" = "$krc" ] || diff="exit status: docker $drc, keel-docker $krc"$'\n'
    [ "$d" = "$k" ] || diff+=$(diff <(echo "$d") <(echo "$k") | sed 's/^</docker:/; s/^>/keel:  /' | grep -v '^---\|^[0-9]')
    verdict "$*" "$diff"
}

# same_error ARGS...: exit status and the error's words.
same_error() {
    local d k drc krc
    d=$(D "$@" 2>&1 >/dev/null </dev/null); drc=$?
    k=$(K "$@" 2>&1 >/dev/null </dev/null); krc=$?
    d=$(message <<<"$d") k=$(message <<<"$k")
    local diff=''
    [ "$drc" = "$krc" ] || diff="exit status: docker $drc, keel-docker $krc"$'\n'
    [ "$d" = "$k" ] || diff+="docker: $d"$'\n'"keel:   $k"
    verdict "error: $*" "$diff"
}

# same_sh NAME SCRIPT: SCRIPT's stdout and exit status with X=D, W=a host
# directory of docker's own, and with X=K, W=keel-docker's (for pipelines:
# cp and export through tar, top's columns, info's keys).
# shellcheck disable=SC2034 # X and W are the eval'd script's
same_sh() {
    local name=$1 script=$2 d k drc krc diff=''
    rm -rf "$TMP/wD" "$TMP/wK"; mkdir -p "$TMP/wD" "$TMP/wK"
    d=$(X=D W=$TMP/wD; eval "$script" 2>/dev/null </dev/null); drc=$?
    k=$(X=K W=$TMP/wK; eval "$script" 2>/dev/null </dev/null); krc=$?
    d=$(normalise <<<"$d") k=$(normalise <<<"$k")
    [ "$drc" = "$krc" ] || diff="exit status: docker $drc, keel-docker $krc"$'\n'
    [ "$d" = "$k" ] || diff+=$(diff <(echo "$d") <(echo "$k") | sed 's/^</docker:/; s/^>/keel:  /' | grep -v '^---\|^[0-9]')
    verdict "$name" "$diff"
}

# both ARGS...: the same step on both sides, its output not compared.
both() { D "$@" >/dev/null 2>&1; K "$@" >/dev/null 2>&1; }

# same_keys ARGS...: the key paths (array indices as []) of inspect's JSON.
same_keys() {
    local q='[.[0] | paths | map(if type == "number" then "[]" else . end) | join(".")] | unique | .[]'
    local d k
    d=$(D "$@" 2>/dev/null | jq -r "$q" | grep -v '^Config\.Labels\.\|^NetworkSettings\.Networks\.[a-z]*$' | sort -u)
    k=$(K "$@" 2>/dev/null | jq -r "$q" | grep -v '^Config\.Labels\.\|^NetworkSettings\.Networks\.[a-z]*$' | sort -u)
    verdict "keys: $*" "$(diff <(echo "$d") <(echo "$k") | grep '^[<>]' | sed 's/^</only docker:/; s/^>/only keel:  /')"
}

# --- images ---------------------------------------------------------------------------------
SAME_LINES=any same images
SAME_LINES=any same images -q
SAME_LINES=any same images -q --no-trunc
SAME_LINES=any same images --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Digest}}'
SAME_LINES=any same images --format 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}'
SAME_LINES=any same images --digests
same images busybox
same images compat/bb:v1 --format '{{.Tag}}'
SAME_LINES=any same images --filter 'reference=compat/*' --format '{{.Repository}}'
same images --filter dangling=true
SAME_LINES=any same images --filter dangling=false -q
same images --filter "before=$SHORT" -q
same images --format '{{.Size}}'
same images --filter label=compat --format '{{.Repository}}'
same images --filter label=compat=yes --filter label=compat --format '{{.Repository}}'
same images --filter label=compat=no -q
same inspect -f '{{.Config.Labels}} {{index .Config.Labels "compat"}}' compat/labeled:v1
SIZES=p same images --format 'sizes as they are: {{.Size}}'
same_error images --filter nosuch=1

# --- ps ---------------------------------------------------------------------------------------
same ps
same ps -a
same ps -a -q
same ps -a --format '{{.Names}} {{.Status}} {{.State}}'
same ps -a --format 'table {{.Names}}\t{{.Command}}\t{{.Image}}'
same ps -a --format '{{.Names}}|{{.Ports}}|{{.Networks}}|{{.Labels}}|{{.Mounts}}'
same ps --format '{{json .Names}} {{.RunningFor}} {{.CreatedAt}}'
same ps --filter status=exited --format '{{.Names}}'
same ps -a --filter exited=3 --format '{{.Names}}'
same ps -a --filter name=c-r --format '{{.Names}}'
same ps -a --filter ancestor=busybox --format '{{.Names}}'
same ps -a --filter network=none -q
same ps -a --filter since=c-exit3 --format '{{.Names}}'
same ps -n 2 --format '{{.Names}}'
same ps -l --format '{{.Names}}'
same ps -a --no-trunc --format '{{.Command}}'
same ps -s --format '{{.Names}} {{.Size}}'
SIZES=p same ps -a -s --format 'sizes as they are: {{.Names}} {{.Size}}'
SIZES=p same inspect -f 'sizes as they are: {{.Size}}' busybox
same_error ps --filter nosuch=1
same_error ps --filter status=sleeping

# --- inspect ------------------------------------------------------------------------------
same inspect -f '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{.State.Running}} {{.State.OOMKilled}}' c-exit3
same inspect -f '{{.Path}} {{json .Args}} {{.Config.Cmd}} {{json .Config.Entrypoint}} {{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.Image}}' c-exit3
same inspect -f '{{.Image}} {{.RestartCount}} {{.Config.Tty}} {{.Config.OpenStdin}}' c-run
same inspect -f '{{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.AutoRemove}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}} {{.NetworkSettings.IPAddress}}|{{.NetworkSettings.Gateway}}|' c-run
same inspect -f '{{json .Config.Env}} {{json .Config.Labels}} {{json .Mounts}}' c-run
same inspect -f '{{if .State.Running}}up{{else}}down{{end}} {{with .State}}{{.Pid | printf "%T"}}{{end}}' c-exit3
same inspect --format '{{range .Config.Env}}{{println .}}{{end}}' c-ok
same inspect -f '{{.Name}}' c-ok c-exit3
same inspect -f '{{.Id}} {{.RepoTags}} {{.Architecture}} {{.Os}} {{.RootFS.Type}} {{len .RootFS.Layers}}' busybox
same inspect -f '{{.Config.Cmd}} {{.Config.Env}} {{json .RepoDigests}}' "$SHORT"
same inspect --type image -f '{{.Id}}' "${SHORT:0:6}"
same inspect --type container -f '{{.Name}}' c-ok
same inspect nosuch
same inspect -f '{{.State.Nope}}' c-run
same inspect -f '{{.Name' c-run
same inspect -f '{{index .Config.Labels "nope"}}|{{.Config.Labels.nope}}' c-run
same_error inspect nosuch
same_error inspect --type image c-ok
same inspect -f '{{json .State}}' c-exit3
same inspect -f '{{.State}}' c-exit3
same inspect -f '{{.Config.Hostname}} {{len .Config.Hostname}}' c-ok
same inspect -s -f '{{.SizeRw}} {{.SizeRootFs}}' c-ok
same inspect -f '{{.Config.Entrypoint}} {{.HostConfig.PidsLimit}} {{.HostConfig.Binds}}' c-ok
same_keys inspect c-exit3
same_keys inspect -s c-exit3
same_keys inspect busybox
same_error inspect
same ps --format '{{.Nope}}'
same images --format '{{.Repository'

# --- run's exit statuses ------------------------------------------------------------------
same run --rm --network none busybox sh -c 'exit 7'
same run --rm --network none busybox nosuchcommand
same run --rm --network none "${SHORT:0:5}" echo by-id
same run --rm --network none "$IMAGE_ID" echo by-full-id
same_error run --rm --network none busybox nosuchcommand
same_error run --rm --network none --bogus busybox true
same_error run
same run --rm --network none -u nobody busybox id -un
same run --rm --network none -w /tmp busybox pwd
same run --rm --network none -e A=1 busybox sh -c 'echo $A $HOME ${#HOSTNAME}'
same run --rm --network none --entrypoint echo busybox hi
same_error rm nosuch
same_error stop nosuch
same_error logs nosuch
same_error exec nosuch true
same_error tag nosuch x:y
same tag "${SHORT:0:7}" compat/by-id:v2
same images compat/by-id --format '{{.Repository}}:{{.Tag}} {{.ID}}'
same rmi compat/by-id:v2

# --- create, start, top, rename, pause, update, port ----------------------------------------
both create --network none --name c-cr busybox sleep 300
same ps -a --filter name=c-cr --format '{{.Names}} {{.Status}} {{.State}}'
same start c-cr
same ps --filter name=c-cr --format '{{.Names}} {{.State}}'
same_sh 'top c-cr: header and user/command columns' '$X top c-cr | awk "NR == 1 { \$1 = \$1; print; next } { print \$1, \$(NF-1), \$NF }"'
same_error top nosuch
same_error top c-ok
same rename c-cr c-cr2
same ps -a --filter name=c-cr --format '{{.Names}}'
same_error rename c-cr2 c-cr2
same_error rename c-cr2 c-ok
same_error rename nosuch c-new
same pause c-cr2
same ps --filter name=c-cr2 --format '{{.Status}} {{.State}}'
same inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' c-cr2
same_error pause c-cr2
same unpause c-cr2
same_error unpause c-cr2
same_error pause c-ok
same_error unpause c-ok
same update --memory 64m --memory-swap 128m c-cr2
same inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' c-cr2
same update --cpus 0.5 c-cr2
same inspect -f '{{.HostConfig.NanoCpus}}' c-cr2
same update --restart on-failure:2 c-cr2
same inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' c-cr2
same_error update --memory 64m nosuch
same_error update --cpus -1 c-cr2
same_error update --restart bogus c-cr2
same port c-cr2
same_error port nosuch

# --- exec -------------------------------------------------------------------------------------
same exec -u nobody c-cr2 id -un
same exec -e K1=v c-cr2 sh -c 'echo $K1'
KV=from-env same exec -e KV c-cr2 sh -c 'echo $KV'

# --- cp ---------------------------------------------------------------------------------------
both exec c-cr2 sh -c 'mkdir -p /data/sub && echo hi >/data/f && echo x >/data/sub/g'
tree() { find "$1" | sed "s|^$1|.|" | sort; }
same_sh 'cp CONTAINER:file HOSTFILE' '$X cp c-cr2:/data/f $W/f && cat $W/f'
same_sh 'cp CONTAINER:file HOSTDIR' '$X cp c-cr2:/data/f $W && tree $W'
same_sh 'cp CONTAINER:dir new HOSTDIR' '$X cp c-cr2:/data $W/new && tree $W'
same_sh 'cp CONTAINER:dir existing HOSTDIR' 'mkdir $W/e && $X cp c-cr2:/data $W/e && tree $W'
same_sh 'cp CONTAINER:dir/. existing HOSTDIR' 'mkdir $W/e && $X cp c-cr2:/data/. $W/e && tree $W'
same_sh 'cp CONTAINER:file missing HOSTDIR/' '$X cp c-cr2:/data/f $W/nodir/; echo $?; tree $W'
same_sh 'cp CONTAINER:dir HOSTFILE' 'touch $W/file; $X cp c-cr2:/data $W/file; echo $?; tree $W'
same_sh 'cp CONTAINER:file/ HOSTFILE' '$X cp c-cr2:/data/f/ $W/x; echo $?; tree $W'
same_sh 'cp CONTAINER:dir - | tar t' '$X cp c-cr2:/data - | tar t | sort'
same_sh 'cp CONTAINER:file - | tar t' '$X cp c-cr2:/data/f - | tar t'
same_sh 'cp from a stopped container' '$X cp c-ok:/etc/passwd $W/p && wc -l <$W/p'
same_error cp c-cr2:/nosuch "$TMP/nosuch"
same_error cp nosuch:/etc "$TMP/nosuch"
same_error cp "$TMP/nosuch" c-cr2:/data
same_error cp c-cr2:/data c-ok:/data
same_sh 'cp HOSTFILE CONTAINER:path' 'echo in >$W/in && $X cp $W/in c-cr2:/data/in && $X exec c-cr2 cat /data/in'
same_sh 'cp HOSTDIR CONTAINER:dir' 'mkdir -p $W/d/s && echo 1 >$W/d/s/a && $X cp $W/d c-cr2:/data/ && $X exec c-cr2 find /data/d'
same_sh 'cp HOSTDIR/. CONTAINER:new' 'mkdir -p $W/d/s && echo 1 >$W/d/s/a && $X cp $W/d/. c-cr2:/data/n && $X exec c-cr2 find /data/n'
same_sh 'cp HOSTFILE CONTAINER:missing/' 'echo in >$W/in; $X cp $W/in c-cr2:/data/nodir/; echo $?'
same_sh 'cp - CONTAINER:dir' 'mkdir -p $W/d && echo t >$W/d/t && tar c -C $W/d . | $X cp - c-cr2:/data && $X exec c-cr2 cat /data/t'
same_sh 'cp HOSTFILE into a stopped container' 'echo s >$W/s && $X cp $W/s c-ok:/s && $X cp c-ok:/s - | tar xO'

# --- export, import, history ------------------------------------------------------------------
same_sh 'export | tar t' '$X export c-ok | tar t | sort'
same_error export nosuch
D export c-ok >"$TMP/export.tar"
same_sh 'import -c -m, then its Cmd, history and a run' '$X import -c "CMD [\"echo\", \"imported\"]" -m "a message" $TMP/export.tar compat/imp:v1 >/dev/null && $X inspect -f "{{json .Config.Cmd}}" compat/imp:v1 && $X history compat/imp:v1 && $X run --rm --network none compat/imp:v1'
same_error import "$TMP/nosuch.tar"
same history busybox
same history -q busybox
same history --no-trunc busybox
same history -H=false busybox
same history --format '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}' busybox
same_error history nosuch

# --- info, version, events, system df ---------------------------------------------------------
same_sh 'info: top-level keys' '$X info -f "{{json .}}" | jq -r "keys[]"'
same info -f '{{.OSType}} {{.Architecture}}'
same version -f '{{.Client.Os}} {{.Client.Arch}}'
same version -f '{{.Server.Os}} {{.Server.Arch}}'
same_sh 'system df: header and types' '$X system df | awk "{ print \$1, \$2 }"'
same system df --format '{{.Type}}'
same system df --format 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}'
same system df --format '{{json .Type}}'
T0=$(date +%s)
both create --network none --name c-ev busybox true
both start c-ev
both wait c-ev
both rm c-ev
sleep 1
T1=$(date +%s)
same events --since "$T0" --until "$T1" --filter type=container --filter container=c-ev --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'

# --- run's flags with a visible effect --------------------------------------------------------
same run --rm --network none --cap-drop ALL busybox grep CapEff /proc/self/status
same run --rm --network none --cap-add SYS_ADMIN busybox grep CapEff /proc/self/status
same run --rm --network none --cap-drop NET_RAW --cap-drop chown busybox grep CapEff /proc/self/status
same run --rm --network none --ulimit nofile=1024:2048 busybox sh -c 'ulimit -n; ulimit -Hn'
same_sh 'run --shm-size 32m: df /dev/shm' '$X run --rm --network none --shm-size 32m busybox df -k /dev/shm | awk "NR == 2 { print \$2 }"'
same run --rm --network none -w /new/dir busybox pwd
same_error run --rm --network none --privileged busybox ls /dev/kmsg /dev/loop0
same run --rm --network none busybox ls /dev/kmsg
same run --rm --network none --init busybox cat /proc/1/comm
both run --network none --name c-lab --label a=b --label c busybox true
same inspect -f '{{.Config.Labels}}' c-lab
same ps -a --filter label=a=b --format '{{.Names}}'
same ps -a --filter label=c --format '{{.Names}}'
both create --network none --name c-mem --memory=1.5g busybox true
same inspect -f '{{.HostConfig.Memory}}' c-mem

# --- container and image management forms ---------------------------------------------------
same container ls -a --format '{{.Names}}'
same container ls -q --no-trunc
same container inspect -f '{{.Name}} {{.State.Status}}' c-ok
same_error container inspect busybox
same container rm c-mem c-lab
same_error container rm nosuch
same image ls busybox
same image inspect -f '{{.Os}} {{.Architecture}}' busybox
same_error image inspect c-ok
same image history -q busybox
same image rm compat/imp:v1
same_error image rm nosuch
K stop -t 0 c-cr2 >/dev/null 2>&1; D stop -t 0 c-cr2 >/dev/null 2>&1

# --- volumes ----------------------------------------------------------------------------------
same volume create vol-a
same volume ls --format '{{.Name}} {{.Driver}}'
same volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Options}}' vol-a
same_keys volume inspect vol-a
same_error volume inspect nosuch
same_error volume create 'bad/name'
same run --rm --network none -v vol-a:/d busybox sh -c 'echo hi >/d/f && cat /d/f'
same run --rm --network none -v vol-a:/d busybox cat /d/f
# docker's copy also has its runtime's etc/mtab link (see export's known difference)
same run --rm --network none -v vol-etc:/etc busybox sh -c 'ls /etc | grep -vx mtab'
same run --rm --network none --mount type=volume,src=vol-b,dst=/d busybox sh -c 'ls /d; touch /d/x && echo rw'
same run --rm --network none --mount type=volume,src=vol-b,dst=/d,readonly busybox sh -c 'ls /d; touch /d/y'
same run --rm --network none --mount type=tmpfs,dst=/t busybox sh -c 'grep " /t " /proc/mounts | cut -d" " -f1,3'
same run --rm --network none --tmpfs /t:size=1m busybox sh -c 'grep " /t " /proc/mounts | cut -d" " -f1,3; df -k /t | awk "NR == 2 { print \$2 }"'
same_sh 'run --mount type=bind' 'echo b >$W/b && $X run --rm --network none --mount type=bind,src=$W,dst=/b busybox cat /b/b'
same_sh 'run -v HOSTDIR:/b:ro' '$X run --rm --network none -v $W:/b:ro busybox touch /b/x; echo $?'
same_error run --rm --network none --mount type=bind,src=/nosuch-keel-compat,dst=/b busybox true
same_error run --rm --network none --mount type=nosuch,dst=/b busybox true
both run --network none --name c-anon -v /anon busybox true
same_sh 'an anonymous volume: one more in volume ls' '$X volume ls -q | wc -l'
same inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} {{.Driver}} {{.RW}} {{len .Name}}{{end}}' c-anon
same_keys inspect c-anon
both create --network none --name c-vol -v vol-c:/d busybox true
same_error volume rm vol-c
same volume ls -q --filter name=vol-
same volume ls -q --filter dangling=false
same volume rm vol-a
same_error volume rm nosuch
same container rm -v c-anon
same_sh 'the anonymous volume went with its container' '$X volume ls -q | wc -l'
same container rm c-vol
same volume prune -f
same volume prune -a -f
same volume ls -q

# --- networks (dockerd runs with --bridge=none --iptables=false: no default
# bridge network; user networks are still made) ------------------------------------------------
same network ls --filter name=none --format '{{.Name}} {{.Driver}} {{.Scope}}'
same network ls --filter name=host --format '{{.Name}} {{.Driver}} {{.Scope}}'
same network create knet-a$$
same network ls --filter name=knet-a --format '{{.Driver}} {{.Scope}} {{.Internal}}'
same network inspect -f '{{.Driver}} {{.Scope}} {{.Internal}} {{.Attachable}} {{.EnableIPv6}} {{len .IPAM.Config}}' knet-a$$
same_keys network inspect knet-a$$
same_error network create knet-a$$
same network create --internal --label k=v knet-i$$
same network inspect -f '{{.Internal}} {{.Labels}}' knet-i$$
same_error network inspect nosuch
same_error network rm nosuch
same network rm knet-a$$ knet-i$$
same network ls --filter name=knet- -q
same_error network create -d nosuch knet-x$$

# --- rmi ----------------------------------------------------------------------------------
same_error rmi "${SHORT:0:8}"
same_error rmi nosuch
same rmi -f nosuch
same_error rmi busybox
same rmi compat/bb:v1
same_error rmi "$SHORT"

# --- prune --------------------------------------------------------------------------------
SAME_LINES=any same image prune -a -f
same container prune -f
D rm -f c-run >/dev/null; K rm -f c-run >/dev/null
same system prune -f
d=$(echo n | D system prune 2>&1); k=$(echo n | K system prune 2>&1)
verdict "system prune's warning" "$([ "$d" = "$k" ] || diff <(echo "$d") <(echo "$k"))"
d=$(echo n | D system prune -a --volumes 2>&1); k=$(echo n | K system prune -a --volumes 2>&1)
verdict "system prune -a --volumes' warning" "$([ "$d" = "$k" ] || diff <(echo "$d") <(echo "$k"))"
same rmi "${SHORT:0:6}"
same images -q

echo "# compared: $COMPARED, equal: $EQUAL, different: $DIFFERENT (known: $KNOWN_N)"
tap_finish
