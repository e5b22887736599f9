# shellcheck shell=bash
# Shared by the end-to-end test scripts: TAP output, a busybox image built from
# the host's busybox-static, and a real registry (Debian's docker-registry) on
# 127.0.0.1 on a free port. Source it; it does not run anything by itself.

TAP_N=0
TAP_PASS=0
TAP_FAIL=0
TAP_SKIP=0

ok() {
    TAP_N=$((TAP_N + 1))
    TAP_PASS=$((TAP_PASS + 1))
    echo "ok $TAP_N - $1"
}

not_ok() {
    TAP_N=$((TAP_N + 1))
    TAP_FAIL=$((TAP_FAIL + 1))
    echo "not ok $TAP_N - $1"
    [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'
}

skip() {
    TAP_N=$((TAP_N + 1))
    TAP_SKIP=$((TAP_SKIP + 1))
    echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

# check NAME COMMAND...: passes when COMMAND succeeds; shows its output when not.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2
actual:   $3"; fi
}

tap_finish() {
    echo "1..$TAP_N"
    echo "$TAP_PASS passed, $TAP_FAIL failed, $TAP_SKIP skipped"
    [ "$TAP_FAIL" -eq 0 ]
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_busybox_layout DIR NAME: an OCI layout DIR with image NAME:latest holding
# /bin/busybox, its applets, a passwd/group file, /www/index.html, Cmd ["sh"].
make_busybox_layout() {
    local layout=$1 tag=$2 work
    work=$(mktemp -d)
    umoci init --layout "$layout" >/dev/null
    umoci new --image "$layout:$tag" >/dev/null
    umoci unpack --rootless --image "$layout:$tag" "$work/b" >/dev/null 2>&1 ||
        umoci unpack --image "$layout:$tag" "$work/b" >/dev/null
    local r=$work/b/rootfs
    mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/www" "$r/root" "$r/home/user"
    chmod 1777 "$r/tmp"
    cp /bin/busybox "$r/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$r/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nuser:x:1000:\nstaff:x:50:user\nnogroup:x:65534:\n' >"$r/etc/group"
    chown 1000:1000 "$r/home/user"
    echo "hello from keel" >"$r/www/index.html"
    umoci repack --image "$layout:$tag" "$work/b" >/dev/null
    umoci config --image "$layout:$tag" --config.cmd sh \
        --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin >/dev/null
    rm -rf "$work"
}

# start_registry DIR [HTPASSWD]: runs docker-registry with storage in DIR (and
# Basic auth from the HTPASSWD file); sets REGISTRY=127.0.0.1:PORT and REGISTRY_PID.
start_registry() {
    local dir=$1 htpasswd=${2:-} port
    port=$(free_port)
    mkdir -p "$dir/storage"
    cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
    [ -z "$htpasswd" ] || printf 'auth:\n  htpasswd:\n    realm: keel-test\n    path: %s\n' "$htpasswd" >>"$dir/config.yml"
    docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    REGISTRY_PID=$!
    REGISTRY=127.0.0.1:$port
    local _
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "registry did not start: $(cat "$dir/registry.log")" >&2
    return 1
}

stop_registry() {
    [ -z "${REGISTRY_PID:-}" ] || { kill "$REGISTRY_PID" 2>/dev/null; wait "$REGISTRY_PID" 2>/dev/null; } || true
    REGISTRY_PID=
}

# push_layout LAYOUT TAG REPO: pushes LAYOUT:TAG to $REGISTRY/REPO:latest.
push_layout() {
    skopeo copy --quiet --dest-tls-verify=false "oci:$1:$2" "docker://$REGISTRY/$3:latest"
}

# keel_docker_env NAME: a keel-docker of its own for a test script: TMP, the
# store, runtime root, network state, bridge and cgroup parent named after
# NAME and this process (host-global names stay unique), KD and kd().
keel_docker_env() {
    TMP=$(mktemp -d "/tmp/keel-$1.XXXXXX")
    export KEEL_ROOT=$TMP/root
    export KEEL_RUN_ROOT=/run/keel-test-$1-$$
    export KEEL_NET_STATE=/run/keel-test-$1-net-$$
    export KEEL_BRIDGE=${1:0:6}$$
    export KEEL_CGROUP_PARENT=keel-$1-test-$$
    KD=$TOP/scripts/keel-docker
}
kd() { "$KD" "$@"; }

# keel_docker_cleanup: every container, the registry, the networks, the bridge, the
# cgroups and the directories keel_docker_env made.
keel_docker_cleanup() {
    local id
    for id in $(kd ps -a -q --no-trunc 2>/dev/null); do kd rm -f "$id" >/dev/null 2>&1; done
    stop_registry
    # the user networks (their resolvers), the bridge and its tagged rules
    kd network prune -f >/dev/null 2>&1
    ip link del "$KEEL_BRIDGE" 2>/dev/null
    find /sys/fs/cgroup/*/"$KEEL_CGROUP_PARENT" -maxdepth 0 -type d -exec rmdir {} + 2>/dev/null
    rm -rf "$TMP" "$KEEL_RUN_ROOT" "$KEEL_NET_STATE"
}
