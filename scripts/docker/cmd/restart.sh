# shellcheck shell=bash
# keel-docker restart: stop, then start.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Restart one or more containers'
OPTS=(
    't|timeout|int|Seconds to wait before killing the container'
    '|time|=timeout|'
)

cmd_restart() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        stop_container "$id" "${OPT_timeout:-10}"
        start_container "$id"
        echo "$arg"
    done
    return "$rc"
}
