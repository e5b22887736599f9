# shellcheck shell=bash
# keel-docker kill: a signal (SIGKILL unless -s) to running containers.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Kill one or more running containers'
ALIASES='container kill, kill'
OPTS=(
    's|signal|string|Signal to send to the container'
)

cmd_kill() {
    opts_parse 1 "$@"
    opts_nargs min 1
    each_container kill_one
}

kill_one() {
    if ! container_is_up "$1"; then
        complain "Error response: Cannot kill container: $2: container ${1:0:12} is not running"
        return 1
    fi
    container_kill "$1" "${OPT_signal:-KILL}"
}
