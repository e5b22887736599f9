# shellcheck shell=bash
# keel-docker history: keel-image history (docker's table, newest first; the
# size of a layer is its stored, compressed blob).
kd_lib image

USAGE='[OPTIONS] IMAGE'
ABOUT='Show the history of an image'
ALIASES='image history, history'
OPTS=(
    'H|human|bool|Print sizes and dates in human readable format (default true)'
    '|no-trunc|bool|Don'\''t truncate output'
    'q|quiet|bool|Only show image IDs'
)

cmd_history() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local name
    image_resolve "${ARGS[0]}" || { with_tag name "${ARGS[0]}"; fail "Error response: No such image: $name"; }
    local -a a=()
    opts_forward a no-trunc quiet
    [ -z "${OPT_GIVEN[human]:-}" ] || a+=("--human=$([ "$OPT_human" = 1 ] && echo true || echo false)")
    images history "${a[@]}" "${ARGS[0]}"
}
