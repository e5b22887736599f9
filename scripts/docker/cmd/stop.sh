# shellcheck shell=bash
# keel-docker stop: the stop signal, then SIGKILL after the timeout, in real
# seconds (the monitor waits on the process, nothing polls).
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Stop one or more running containers'
ALIASES='container stop, stop'
OPTS=(
    's|signal|string|Signal to send to the container'
    't|timeout|int|Seconds to wait before killing the container'
    '|time|=timeout|'
)

cmd_stop() {
    opts_parse 1 "$@"
    opts_nargs min 1
    each_container stop_one
}

stop_one() { container_stop "$1" "$OPT_timeout" "$OPT_signal"; }
