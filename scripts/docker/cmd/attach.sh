# shellcheck shell=bash
# keel-docker attach: this terminal to a running container's output (and
# input), through its monitor; the detach keys (Ctrl-P Ctrl-Q) leave it running.
kd_lib attach

USAGE='[OPTIONS] CONTAINER'
ABOUT='Attach local standard input, output, and error streams to a running container'
ALIASES='container attach, attach'
OPTS=(
    '|detach-keys|string|Override the key sequence for detaching a container'
    '|no-stdin|bool|Do not attach STDIN'
    '|sig-proxy|bool|Proxy all received signals to the process (default true)'
)

cmd_attach() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local id
    id=$(resolve_container "${ARGS[0]}") || exit 1
    local -a a=()
    [ -z "$OPT_detach_keys" ] || a+=(--detach-keys "$OPT_detach_keys")
    [ -z "${OPT_GIVEN[sig-proxy]:-}" ] || a+=(--sig-proxy="$([ "$OPT_sig_proxy" = 1 ] && echo true || echo false)")
    attach_container "$id" "$((1 - OPT_no_stdin))" "${a[@]}"
}
