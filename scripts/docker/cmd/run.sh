# shellcheck shell=bash
# keel-docker run: a container from an image (create's path), then run under
# its monitor, in the foreground or detached.
kd_lib create

USAGE='[OPTIONS] IMAGE [COMMAND] [ARG...]'
ABOUT='Create and run a new container from an image'
ALIASES='container run, run'
OPTS=(
    "${CREATE_OPTS[@]}"
    'd|detach|bool|Run container in background and print container ID'
    '|detach-keys|string|Override the key sequence for detaching a container'
    '|sig-proxy|bool|Proxy received signals to the process (default true)'
)

cmd_run() {
    opts_parse 0 "$@"
    opts_nargs min 1
    [ "$OPT_detach" = 0 ] || [ "${#OPT_attach[@]}" -eq 0 ] || die "Conflicting options: -a and -d"
    create_container "${ARGS[@]}"
    local id=$CREATED_ID
    if [ "$OPT_detach" = 1 ]; then
        container_launch "$id"
        trap - EXIT
        echo "$id"
        return 0
    fi
    # -a: only the streams named reach this terminal
    if [ "${#OPT_attach[@]}" -gt 0 ]; then
        [[ " ${OPT_attach[*]^^} " == *" STDOUT "* ]] || exec >/dev/null
        [[ " ${OPT_attach[*]^^} " == *" STDERR "* ]] || exec 2>/dev/null
    fi
    # the attached monitor replaces this process (and its EXIT trap) once it starts
    local -a attach=(--attach)
    [ -z "$OPT_detach_keys" ] || attach+=(--detach-keys "$OPT_detach_keys")
    # given or not, signals are proxied unless --sig-proxy=false (docker's default)
    [ -z "${OPT_GIVEN[sig-proxy]:-}" ] || attach+=(--sig-proxy="$([ "$OPT_sig_proxy" = 1 ] && echo true || echo false)")
    container_launch "$id" "${attach[@]}"
}
