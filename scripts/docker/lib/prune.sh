# shellcheck shell=bash
# What the prune commands remove: stopped containers, unused images, volumes
# and the bridge. Each prune_* prints the bytes it freed; what it removed goes
# to stderr.
kd_lib lifecycle format image

dir_bytes() { du -sb "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

prune_containers() {
    local id freed=0 b
    for id in $(all_ids); do
        container_status "$id"
        [ "$ST_state" = exited ] || [ "$ST_state" = created ] || continue
        b=$(dir_bytes "$CONTAINERS/$id/bundle/upper" "$CONTAINERS/$id/container.log")
        remove_container "$id" >/dev/null 2>&1 || continue
        echo "$id" >&2
        freed=$((freed + b))
    done
    echo "$freed"
}

prune_images() {
    local all=$1 before after ref
    before=$(dir_bytes "$KEEL_ROOT/oci" "$KEEL_ROOT/layers")
    if [ "$all" = 1 ]; then
        local id
        while read -r ref id; do
            image_users "$id"
            [ -z "$IMG_RUNNING$IMG_STOPPED" ] || continue
            images rm -f "$ref" >/dev/null 2>&1 && echo "untagged: $ref" >&2
        done < <(images ls --format json | jq -r '.[] | "\(.reference) \(.id)"')
    fi
    images gc >/dev/null
    after=$(dir_bytes "$KEEL_ROOT/oci" "$KEEL_ROOT/layers")
    echo $((before > after ? before - after : 0))
}

prune_volumes() {
    local v freed=0 b
    for v in "$VOLUMES"/*/; do
        v=${v%/}
        grep -qsF "$v/_data" "$CONTAINERS"/*/bundle/config.json && continue
        b=$(dir_bytes "$v")
        rm -rf "$v"
        echo "${v##*/}" >&2
        freed=$((freed + b))
    done
    echo "$freed"
}

# The bridge goes when no container uses it.
prune_networks() {
    local net_state=${KEEL_NET_STATE:-/run/keel-docker-net}
    [ -z "$(ls -A "$net_state/containers" 2>/dev/null)" ] || return 0
    if ip link del "${KEEL_BRIDGE:-keel0}" 2>/dev/null; then
        echo "${KEEL_BRIDGE:-keel0}" >&2
    fi
}

confirm() {
    local answer
    printf '%s\nAre you sure you want to continue? [y/N] ' "$1"
    read -r answer || answer=
    case "$answer" in y | Y | yes | YES) return 0 ;; esac
    return 1
}
