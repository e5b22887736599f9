# shellcheck shell=bash
# keel-docker diff: what a container changed in its image (docker's A/C/D
# lines), read from its overlay's upper directory. The mount points made for
# the container (/dev, /proc, /sys, /etc/hostname, /etc/hosts,
# /etc/resolv.conf) are docker's init layer, not the container's changes:
# left out when they are new, as docker does.
kd_lib record

USAGE='CONTAINER'
ABOUT="Inspect changes to files or directories on a container's filesystem"
ALIASES='container diff, diff'
OPTS=()

cmd_diff() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local id upper image
    id=$(resolve_container "${ARGS[0]}") || exit 1
    upper=$CONTAINERS/$id/bundle/upper
    record_get image "$id" image
    local -a lowers=()
    mapfile -t lowers < <(images inspect "$image" | jq -r '.layers[].unpacked // empty')
    [ -d "$upper" ] || return 0
    local p kind l
    (cd "$upper" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) | while read -r p; do
        if [ -c "$upper/$p" ] && [ "$(stat -c '%t:%T' "$upper/$p")" = 0:0 ]; then
            echo "D /$p"
            continue
        fi
        kind=A
        for l in "${lowers[@]}"; do
            if [ -e "$l/$p" ] || [ -L "$l/$p" ]; then kind=C; break; fi
        done
        if [ "$kind" = A ] && is_mount_stub "$upper" "$p"; then continue; fi
        echo "$kind /$p"
    done
}

# is_mount_stub UPPER PATH: PATH is one of the container's mount points (an
# empty /dev, /proc or /sys; keel-docker's own /etc files; /etc made only to
# hold them).
is_mount_stub() {
    local upper=$1 p=$2
    case "$p" in
    dev | proc | sys) [ -z "$(find "$upper/$p" -mindepth 1 -print -quit)" ] ;;
    etc/hostname | etc/hosts | etc/resolv.conf) return 0 ;;
    etc)
        [ -z "$(find "$upper/etc" -mindepth 1 -not -name hostname -not -name hosts \
            -not -name resolv.conf -print -quit)" ] ;;
    *) return 1 ;;
    esac
}
