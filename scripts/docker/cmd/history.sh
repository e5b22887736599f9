# shellcheck shell=bash
# keel-docker history: keel-image history (docker's table, newest first; the
# size of a layer is its stored, compressed blob).

cmd_history() {
    local -a a=()
    local ref=
    while [ $# -gt 0 ]; do
        case "$1" in
        --no-trunc | -q | --quiet) a+=("$1") ;;
        -H | --human) a+=(-H=true) ;;
        -H=* | --human=*) a+=("-H=${1#*=}") ;;
        -?*) die "unknown flag: $1" ;;
        *) [ -z "$ref" ] || die "\"history\" requires exactly 1 argument."; ref=$1 ;;
        esac
        shift
    done
    [ -n "$ref" ] || die "\"history\" requires exactly 1 argument."
    images history "${a[@]}" "$ref"
}
