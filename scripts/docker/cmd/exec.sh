# shellcheck shell=bash
# keel-docker exec: a command in a running container, through the runtime.
kd_lib state command

USAGE='[OPTIONS] CONTAINER COMMAND [ARG...]'
ABOUT='Execute a command in a running container'
ALIASES='container exec, exec'
OPTS=(
    'd|detach|bool|Detached mode: run command in the background'
    'e|env|list|Set environment variables'
    '|env-file|list|Read in a file of environment variables'
    'i|interactive|bool|Keep STDIN open even if not attached'
    't|tty|bool|Allocate a pseudo-TTY'
    'u|user|string|Username or UID (format: "<name|uid>[:<group|gid>]")'
    'w|workdir|string|Working directory inside the container'
)

cmd_exec() {
    opts_parse 0 "$@"
    opts_nargs min 2
    set -- "${ARGS[@]}"
    local -a opts=()
    local id v path
    [ "$OPT_tty" = 0 ] || opts+=(--env TERM=xterm)
    local -a envs=()
    for v in "${OPT_env_file[@]}"; do read_env_file "$v"; done
    for v in "${envs[@]}" "${OPT_env[@]}"; do opts+=(--env "$v"); done
    [ -z "$OPT_user" ] || opts+=(--user "$OPT_user")
    [ -z "$OPT_workdir" ] || opts+=(--cwd "$OPT_workdir")
    id=$(resolve_container "$1") || exit 1
    shift
    container_status "$id"
    [ "$ST_state" = running ] || die "Error response: container ${id:0:12} is not running"
    record_get path "$id" path
    check_command "$CONTAINERS/$id/bundle/rootfs" "$1" "${path:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}" "exec failed"
    # a detached exec has nobody on its terminal: it runs without one
    if [ "$OPT_detach" = 1 ]; then
        opts+=(--detach)
    elif [ "$OPT_tty" = 1 ]; then
        opts+=(--tty)
    fi
    if [ "$OPT_interactive" = 1 ] || [ "$OPT_tty" = 1 ]; then
        runtime exec "${opts[@]}" "$id" "$@"
    else
        runtime exec "${opts[@]}" "$id" "$@" </dev/null
    fi
}
