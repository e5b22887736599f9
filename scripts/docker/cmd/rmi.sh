# shellcheck shell=bash
# keel-docker rmi: docker's image delete: a reference is untagged, an ID (or a
# unique prefix) untags every reference; the image goes with its last
# reference unless a container uses it (a running one even with -f).
kd_lib image

USAGE='[OPTIONS] IMAGE [IMAGE...]'
ABOUT='Remove one or more images'
ALIASES='image rm, image remove, rmi'
OPTS=(
    'f|force|bool|Force removal of the image'
    '|no-prune|bool|Do not delete untagged parents'
)

cmd_rmi() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg rc=0
    for arg in "${ARGS[@]}"; do
        rmi_one "$arg" || rc=1
    done
    images gc >/dev/null 2>&1 || true
    return "$rc"
}

# rmi_one ARG: ARG's image removed as docker's ImageDelete does, its
# Untagged:/Deleted: lines printed.
rmi_one() {
    local arg=$1 name short line
    if ! image_resolve "$arg"; then
        with_tag name "$arg"
        complain "Error response: No such image: $name"
        # docker's -f takes a missing image as done
        [ "$OPT_force" = 1 ]
        return
    fi
    short=${IMG_ID#sha256:} short=${short:0:12}
    image_users "$IMG_ID"
    # docker's order: a running container, then several names, then a stopped one
    local last=false
    [ "$IMG_BY_ID" = false ] && [ "${#IMG_REFS[@]}" -gt 1 ] || last=true
    if [ "$IMG_BY_ID" = false ] && [ "$last" = true ] && [ "$OPT_force" = 0 ] && [ -n "$IMG_RUNNING$IMG_STOPPED" ]; then
        line=${IMG_RUNNING:-$IMG_STOPPED}
        complain "Error response: conflict: unable to remove repository reference \"$arg\" (must force) - container ${line:0:12} is using its referenced image $short"
        return 1
    fi
    if [ "$last" = true ] && [ -n "$IMG_RUNNING" ]; then
        complain "Error response: conflict: unable to delete $short (cannot be forced) - image is being used by running container ${IMG_RUNNING:0:12}"
        return 1
    fi
    if [ "$IMG_BY_ID" = true ] && [ "${#IMG_REFS[@]}" -gt 1 ] && [ "$OPT_force" = 0 ]; then
        complain "Error response: conflict: unable to delete $short (must be forced) - image is referenced in multiple repositories"
        return 1
    fi
    if [ "$last" = true ] && [ -n "$IMG_STOPPED" ] && [ "$OPT_force" = 0 ]; then
        complain "Error response: conflict: unable to delete $short (must be forced) - image is being used by stopped container ${IMG_STOPPED:0:12}"
        return 1
    fi
    # the checks are docker's and done: keel-image's own guard (its live
    # bundles, which are these containers') is passed with -f
    local target=$IMG_REF out
    [ "$IMG_BY_ID" = false ] || target=$IMG_ID
    out=$(images rm -f "$target" 2>&1) || { complain "$out"; return 1; }
    while IFS= read -r line; do
        case "$line" in
        'Untagged: '*) familiar name "${line#Untagged: }"; echo "Untagged: $name" ;;
        *) echo "$line" ;;
        esac
    done <<<"$out"
}
