# shellcheck shell=bash
# What the prune commands remove: stopped containers, unused images, volumes
# and the bridge. Each prune_* prints the bytes it freed; what it removed goes
# to stderr.
kd_lib lifecycle format volume

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
        while read -r ref; do
            [ -z "$(image_user "$ref")" ] || continue
            images rm "$ref" >/dev/null 2>&1 && echo "untagged: $ref" >&2
        done < <(images ls --format json | jq -r '.[].reference')
    fi
    images gc >/dev/null
    after=$(dir_bytes "$KEEL_ROOT/oci" "$KEEL_ROOT/layers")
    echo $((before > after ? before - after : 0))
}

# prune_volumes ALL: the unused anonymous volumes (docker 23+), every
# unused one with ALL.
prune_volumes() {
    local all=$1 n freed=0 b anon
    for n in "$VOLUMES"/*/_data; do
        n=${n%/_data} n=${n##*/}
        [ -z "$(vol_users "$n")" ] || continue
        IFS= read -r anon <"$VOLUMES/$n/anonymous" 2>/dev/null || anon=0
        [ "$all" = 1 ] || [ "$anon" = 1 ] || continue
        # what the volume's files hold, as docker counts it
        b=$(find "$VOLUMES/$n/_data" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        vol_remove "$n" || continue
        echo "$n" >&2
        freed=$((freed + b))
    done
    echo "$freed"
}

# Unused user networks and the default bridge when no container uses it.
prune_networks() { "$KEEL_NET" prune >&2; }

confirm() {
    local answer
    printf '%s\nAre you sure you want to continue? [y/N] ' "$1"
    read -r answer || answer=
    case "$answer" in y | Y | yes | YES) return 0 ;; esac
    return 1
}
