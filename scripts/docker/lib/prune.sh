# shellcheck shell=bash
# What the prune commands remove: stopped containers, unused images, volumes
# and networks. Each prune_* adds what it removed to PRUNED_* and the bytes
# it freed to PRUNED_BYTES; prune_report prints them as docker does.
kd_lib lifecycle format image volume

dir_bytes() { du -sb "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

prune_containers() {
    local id b
    for id in $(all_ids); do
        container_status "$id"
        [ "$ST_state" = exited ] || [ "$ST_state" = created ] || continue
        b=$(dir_bytes "$CONTAINERS/$id/bundle/upper" "$CONTAINERS/$id/container.log")
        remove_container "$id" >/dev/null 2>&1 || continue
        PRUNED_CONTAINERS+=("$id")
        PRUNED_BYTES=$((PRUNED_BYTES + b))
    done
}

# prune_images ALL: with ALL, every image no container uses (docker's -a),
# as rmi removes them; else the dangling ones, which keel's store never has.
prune_images() {
    local all=$1 before after ref id line name
    [ "$all" = 1 ] || return 0
    before=$(dir_bytes "$KEEL_ROOT/oci" "$KEEL_ROOT/layers")
    while read -r ref id; do
        image_users "$id"
        [ -z "$IMG_RUNNING$IMG_STOPPED" ] || continue
        while IFS= read -r line; do
            case "$line" in
            'Untagged: '*) familiar name "${line#Untagged: }"; PRUNED_IMAGES+=("untagged: $name") ;;
            'Deleted: '*) PRUNED_IMAGES+=("deleted: ${line#Deleted: }") ;;
            esac
        done < <(images rm -f "$ref" 2>/dev/null)
    done < <(images ls --format json | jq -r '.[] | "\(.reference) \(.id)"')
    images gc >/dev/null
    after=$(dir_bytes "$KEEL_ROOT/oci" "$KEEL_ROOT/layers")
    PRUNED_BYTES=$((PRUNED_BYTES + (before > after ? before - after : 0)))
}

# prune_build_cache ALL: the build cache (with ALL all of it, else what keel-image
# counts as unused), the bytes it held added to PRUNED_BYTES.
prune_build_cache() {
    local -a all=()
    [ "$1" = 0 ] || all=(-a)
    local b
    b=$(images builder prune "${all[@]}" -f -q 2>/dev/null) || b=0
    PRUNED_BYTES=$((PRUNED_BYTES + ${b:-0}))
}

# prune_report: what the prune_* removed, in docker's sections, and the space.
prune_report() {
    prune_section 'Deleted Containers:' "${PRUNED_CONTAINERS[@]}"
    prune_section 'Deleted Volumes:' "${PRUNED_VOLUMES[@]}"
    prune_section 'Deleted Networks:' "${PRUNED_NETWORKS[@]}"
    prune_section 'Deleted Images:' "${PRUNED_IMAGES[@]}"
    echo "Total reclaimed space: $(human_size "$PRUNED_BYTES")"
}

# prune_section TITLE LINE...: the title, the lines and a blank line; nothing
# without lines.
prune_section() {
    [ $# -gt 1 ] || return 0
    printf '%s\n' "$@"
    echo
}

PRUNED_BYTES=0
PRUNED_CONTAINERS=() PRUNED_IMAGES=() PRUNED_VOLUMES=() PRUNED_NETWORKS=()

# prune_volumes ALL: the unused anonymous volumes (docker 23+), every
# unused one with ALL.
prune_volumes() {
    local every=$1 n b anon
    for n in "$VOLUMES"/*/_data; do
        n=${n%/_data} n=${n##*/}
        [ -z "$(vol_users "$n")" ] || continue
        IFS= read -r anon <"$VOLUMES/$n/anonymous" 2>/dev/null || anon=0
        [ "$every" = 1 ] || [ "$anon" = 1 ] || continue
        # what the volume's files hold, as docker counts it
        b=$(find "$VOLUMES/$n/_data" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        vol_remove "$n" || continue
        PRUNED_VOLUMES+=("$n")
        PRUNED_BYTES=$((PRUNED_BYTES + b))
    done
}

# Unused user networks and the default bridge when no container uses it.
prune_networks() {
    local n
    while IFS= read -r n; do
        [ -z "$n" ] || PRUNED_NETWORKS+=("$n")
    done < <("$KEEL_NET" prune)
}

confirm() {
    local answer
    printf '%s\nAre you sure you want to continue? [y/N] ' "$1"
    read -r answer || answer=
    case "$answer" in y | Y | yes | YES) return 0 ;; esac
    return 1
}
