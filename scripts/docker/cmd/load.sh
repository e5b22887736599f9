# shellcheck shell=bash
# keel-docker load: keel-image load, its references as docker prints them.
kd_lib image

USAGE='[OPTIONS]'
ABOUT='Load an image from a tar archive or STDIN'
ALIASES='image load, load'
OPTS=(
    'i|input|string|Read from tar archive file, instead of STDIN'
    'q|quiet|bool|Suppress the load output'
)

cmd_load() {
    opts_parse 1 "$@"
    opts_nargs none
    local -a f=()
    [ -z "$OPT_input" ] || f+=(-i "$OPT_input")
    local out line ref
    out=$(images load "${f[@]}") || exit 1
    [ "$OPT_quiet" = 0 ] || return 0
    while IFS= read -r line; do
        case "$line" in
        'Loaded image: '*) familiar ref "${line#Loaded image: }"; echo "Loaded image: $ref" ;;
        *) echo "$line" ;;
        esac
    done <<<"$out"
}
