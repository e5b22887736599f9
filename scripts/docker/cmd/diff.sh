# shellcheck shell=bash
# keel-docker diff: what a container changed in its image (docker's A/C/D
# lines), read from its overlay's upper directory. The files keel-docker
# mounts over (/etc/hostname, /etc/hosts, /etc/resolv.conf) are docker's
# init layer, not the container's changes: left out, as docker does.

cmd_diff() {
    [ $# -eq 1 ] || die "\"diff\" requires exactly 1 argument.
Usage:  keel-docker diff CONTAINER"
    local id upper image
    id=$(resolve_container "$1") || exit 1
    upper=$CONTAINERS/$id/bundle/upper
    image=$(cat "$CONTAINERS/$id/image")
    local -a lowers=()
    mapfile -t lowers < <(images inspect "$image" | jq -r '.layers[].unpacked // empty')
    [ -d "$upper" ] || return 0
    local p kind l
    (cd "$upper" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        grep -Ev '^etc/(hostname|hosts|resolv\.conf)$') | while read -r p; do
        if [ -c "$upper/$p" ] && [ "$(stat -c '%t:%T' "$upper/$p")" = 0:0 ]; then
            echo "D /$p"
            continue
        fi
        kind=A
        for l in "${lowers[@]}"; do
            if [ -e "$l/$p" ] || [ -L "$l/$p" ]; then kind=C; break; fi
        done
        # /etc made only to hold those mount points
        if [ "$p" = etc ] && [ "$kind" = A ] && [ -z "$(find "$upper/etc" -mindepth 1 \
            -not -name hostname -not -name hosts -not -name resolv.conf -print -quit)" ]; then
            continue
        fi
        echo "$kind /$p"
    done
}
