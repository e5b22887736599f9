# shellcheck shell=bash
# keel-docker rmi: images no container uses (or any, with -f).
kd_lib record

USAGE='[OPTIONS] IMAGE [IMAGE...]'
ABOUT='Remove one or more images'
ALIASES='image rm, image remove, rmi'
OPTS=(
    'f|force|bool|Force removal of the image'
)

cmd_rmi() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local ref rc=0 user
    local -a f=()
    [ "$OPT_force" = 0 ] || f=(-f)
    for ref in "${ARGS[@]}"; do
        user=$(image_user "$ref")
        if [ -n "$user" ] && [ "$OPT_force" = 0 ]; then
            complain "Error response: conflict: unable to remove repository reference \"$ref\" (must force) - container ${user:0:12} is using its referenced image"
            rc=1
            continue
        fi
        if images rm "${f[@]}" "$ref" >/dev/null; then
            echo "Untagged: $ref"
        else
            rc=1
        fi
    done
    images gc >/dev/null 2>&1 || true
    return "$rc"
}
