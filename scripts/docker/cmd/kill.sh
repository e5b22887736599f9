# shellcheck shell=bash
# keel-docker kill: a signal (SIGKILL unless -s) to running containers.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Kill one or more running containers'
OPTS=(
    's|signal|string|Signal to send to the container'
)

cmd_kill() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        if ! container_is_up "$id"; then
            complain "Error response: Cannot kill container: $arg: container ${id:0:12} is not running"
            rc=1
            continue
        fi
        container_kill "$id" "${OPT_signal:-KILL}" || { rc=1; continue; }
        echo "$arg"
    done
    return "$rc"
}
