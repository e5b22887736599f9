# shellcheck shell=bash
# keel-docker stop: the stop signal, then SIGKILL after the timeout, in real
# seconds (the monitor waits on the process, nothing polls).
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Stop one or more running containers'
OPTS=(
    's|signal|string|Signal to send to the container'
    't|timeout|int|Seconds to wait before killing the container'
    '|time|=timeout|'
)

cmd_stop() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        container_stop "$id" "$OPT_timeout" "$OPT_signal"
        echo "$arg"
    done
    return "$rc"
}
