# shellcheck shell=bash
# keel-docker's base: where images, containers and runtime state live, the
# programs it drives (keel, keel-image, keel-bundle, keel-docker-net,
# keel-monitor), and the one way it reports its own errors.

KEEL_ROOT=${KEEL_ROOT:-/var/lib/keel}
KEEL_RUN_ROOT=${KEEL_RUN_ROOT:-/run/keel}
# absolute: the monitor and its exit hook run from /
case "$KEEL_ROOT" in /*) ;; *) KEEL_ROOT=$PWD/$KEEL_ROOT ;; esac
case "$KEEL_RUN_ROOT" in /*) ;; *) KEEL_RUN_ROOT=$PWD/$KEEL_RUN_ROOT ;; esac
export KEEL_ROOT KEEL_RUN_ROOT
# containers' cgroups go under this parent in every hierarchy
KEEL_CGROUP_PARENT=${KEEL_CGROUP_PARENT:-keel-docker}
CONTAINERS=$KEEL_ROOT/containers
VOLUMES=$KEEL_ROOT/volumes

# The programs: next to this script (bin/ in the tree, or an install), else PATH.
find_tool() {
    local var=$1 name=$2 d
    if [ -n "${!var:-}" ]; then
        printf -v "$var" '%s' "${!var}"
        return 0
    fi
    for d in "$HERE" "${HERE%/*}/bin"; do
        if [ -x "$d/$name" ]; then
            printf -v "$var" '%s' "$d/$name"
            return 0
        fi
    done
    printf -v "$var" '%s' "$name"
}
find_tool KEEL keel
find_tool KEEL_IMAGE keel-image
# bundle and unbundle, once each per run: keel-bundle starts in half keel-image's
# time (it does not load libcurl); keel-image serves when it is not installed
find_tool KEEL_BUNDLE keel-bundle
[ "$KEEL_BUNDLE" != keel-bundle ] || command -v keel-bundle >/dev/null || KEEL_BUNDLE=$KEEL_IMAGE
find_tool KEEL_NET keel-docker-net
# holds a container's published ports (keel-docker-net starts it)
find_tool KEEL_NETGUARD keel-netguard
# the container monitor: bin/ in the tree, beside keel-docker when installed
find_tool KEEL_MONITOR keel-monitor
# Go templates (--format, inspect -f) over JSON
find_tool KEEL_FORMAT keel-format

# keel-docker's own failures: one line on stderr, docker's exit status 125.
die() {
    echo "keel-docker: $*" >&2
    exit 125
}

# A command's failure as docker's CLI reports a daemon's error (every command
# but run and create, whose own failures are 125): one line, exit 1.
fail() {
    echo "keel-docker: $*" >&2
    exit 1
}

# An error about one of several operands: said, and the command goes on.
complain() { echo "keel-docker: $*" >&2; }

runtime() { "$KEEL" --root "$KEEL_RUN_ROOT" "$@"; }
images() { "$KEEL_IMAGE" --root "$KEEL_ROOT" "$@"; }
bundles() { "$KEEL_BUNDLE" --root "$KEEL_ROOT" "$@"; }

now() { printf '%(%s)T\n' -1; }

# kd_lib NAME...: loads docker/lib/NAME.sh once each.
declare -A KD_LOADED=()
kd_lib() {
    local m
    for m in "$@"; do
        [ -z "${KD_LOADED[$m]:-}" ] || continue
        KD_LOADED[$m]=1
        # shellcheck source=/dev/null
        . "$KD_LIB/lib/$m.sh"
    done
}

# The init that run --init puts in front of the container's command: docker's
# is tini; Debian's tini-static runs in any image (KEEL_DOCKER_INIT overrides).
init_binary() {
    local f
    for f in "${KEEL_DOCKER_INIT:-}" /usr/bin/tini-static /usr/bin/docker-init; do
        [ -z "$f" ] || [ ! -x "$f" ] || { echo "$f"; return 0; }
    done
}
