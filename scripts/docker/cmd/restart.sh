# shellcheck shell=bash
# keel-docker restart: stop, then start.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Restart one or more containers'
OPTS=(
    's|signal|string|Signal to send to the container'
    't|timeout|int|Seconds to wait before killing the container'
    '|time|=timeout|'
)

cmd_restart() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        container_stop "$id" "$OPT_timeout" "$OPT_signal"
        container_start "$id"
        echo "$arg"
    done
    return "$rc"
}
