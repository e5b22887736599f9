# shellcheck shell=bash
# Attaching to a running container through its monitor (attach, start -a).
kd_lib state

# attach_container ID STDIN [MONITOR-OPTION...]: this process becomes the
# monitor's attach client and exits with the container's status.
attach_container() {
    local id=$1 stdin=$2
    shift 2
    container_is_up "$id" || die "You cannot attach to a stopped container, start it first"
    [ "$stdin" = 1 ] || set -- --no-stdin "$@"
    exec "$KEEL_MONITOR" attach "$@" "$CONTAINERS/$id"
}
