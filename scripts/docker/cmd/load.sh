# shellcheck shell=bash
# keel-docker load: keel-image load.

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
    if [ "$OPT_quiet" = 1 ]; then
        images load "${f[@]}" >/dev/null
    else
        images load "${f[@]}"
    fi
}
