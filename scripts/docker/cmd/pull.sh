# shellcheck shell=bash
# keel-docker pull: keel-image pull.

USAGE='[OPTIONS] NAME[:TAG|@DIGEST]'
ABOUT='Download an image from a registry'
ALIASES='image pull, pull'
OPTS=(
    '|platform|string|Set platform if server is multi-platform capable'
    'q|quiet|bool|Suppress verbose output'
)

cmd_pull() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local -a f=()
    [ -z "$OPT_platform" ] || f+=(--platform "$OPT_platform")
    [ "$OPT_quiet" = 0 ] || f+=(-q)
    images pull "${f[@]}" "${ARGS[0]}"
}
