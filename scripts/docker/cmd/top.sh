# shellcheck shell=bash
# keel-docker top: a running container's processes, through the runtime's ps
# (ps -ef unless ps options are given).
kd_lib state

USAGE='CONTAINER [ps OPTIONS]'
ABOUT='Display the running processes of a container'
ALIASES='container top, top'
OPTS=()

cmd_top() {
    opts_parse 0 "$@"
    opts_nargs min 1
    local id
    id=$(resolve_container "${ARGS[0]}") || exit 1
    container_is_up "$id" || die "Error response: Container $id is not running"
    local -a ps=("${ARGS[@]:1}")
    [ "${#ps[@]}" -gt 0 ] || ps=(-ef)
    runtime ps "$id" "${ps[@]}" || die "Error response: ps: failed"
}
