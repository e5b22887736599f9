# shellcheck shell=bash
# keel-docker start: stopped containers run again, detached or attached.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Start one or more stopped containers'
ALIASES='container start, start'
OPTS=(
    'a|attach|bool|Attach STDOUT/STDERR and forward signals'
    '|detach-keys|string|Override the key sequence for detaching a container'
    'i|interactive|bool|Attach container'"'"'s STDIN'
)

cmd_start() {
    opts_parse 1 "$@"
    opts_nargs min 1
    if [ "$OPT_attach" = 1 ] || [ "$OPT_interactive" = 1 ]; then
        [ "${#ARGS[@]}" -eq 1 ] || die "you cannot start and attach multiple containers at once"
        local id
        id=$(resolve_container "${ARGS[0]}") || exit 1
        local -a attach=(--attach)
        [ -z "$OPT_detach_keys" ] || attach+=(--detach-keys "$OPT_detach_keys")
        if container_is_up "$id"; then
            kd_lib attach
            attach_container "$id" "$OPT_interactive" "${attach[@]:1}"
        fi
        container_start "$id" "${attach[@]}"
    fi
    each_container start_one
}

start_one() { container_is_up "$1" || container_start "$1"; }
