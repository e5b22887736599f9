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
same images --filter 'reference=compat/*' --format '{{.Repository}}'
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
