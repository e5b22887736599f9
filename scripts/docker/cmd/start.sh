# shellcheck shell=bash
# keel-docker start: stopped containers run again, detached.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Start one or more stopped containers'
OPTS=(
    'a|attach|bool|Attach STDOUT/STDERR and forward signals'
)

cmd_start() {
    opts_parse 1 "$@"
    opts_nargs min 1
    [ "$OPT_attach" = 0 ] || die "start --attach is not supported"
    local arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        start_container "$id"
        echo "$arg"
    done
    return "$rc"
}
