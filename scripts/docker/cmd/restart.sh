# shellcheck shell=bash
# keel-docker restart: stop, then start.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Restart one or more containers'
ALIASES='container restart, restart'
OPTS=(
    's|signal|string|Signal to send to the container'
    't|timeout|int|Seconds to wait before killing the container'
    '|time|=timeout|'
)

cmd_restart() {
    opts_parse 1 "$@"
    opts_nargs min 1
    each_container restart_one
}

restart_one() {
    container_stop "$1" "$OPT_timeout" "$OPT_signal"
    container_start "$1"
}
