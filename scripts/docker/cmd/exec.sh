# shellcheck shell=bash
# keel-docker exec: a command in a running container, through the runtime.
kd_lib state command scope

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
    for v in "${envs[@]}" "${OPT_env[@]}"; do
        # K alone is the caller's K, left out when the caller has none (docker's -e K)
        if [[ "$v" != *=* ]]; then
            [ -n "${!v+x}" ] 2>/dev/null || continue
            v="$v=${!v}"
        fi
        opts+=(--env "$v")
    done
    [ -z "$OPT_workdir" ] || opts+=(--cwd "$OPT_workdir")
    id=$(resolve_container "$1") || exit 1
    shift
    container_status "$id"
    [ "$ST_state" = running ] || die "Error response: container ${id:0:12} is not running"
    [ -z "$OPT_user" ] || exec_user "$CONTAINERS/$id/bundle/rootfs" "$OPT_user"
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

# exec_user ROOTFS USER[:GROUP]: names and ids resolved in the container's
# /etc/passwd and /etc/group (read inside its root) as docker does: a user's
# primary group unless GROUP is given, and the groups that list it, as
# keel exec's --user UID:GID and --additional-gids.
exec_user() {
    local root=$1 spec=$2 user=${2%%:*} group='' uid='' gid='' name='' f line
    [[ "$spec" != *:* ]] || group=${spec#*:}
    local -a pw
    scoped_path f "$root" /etc/passwd 1 || f=
    if [ -n "$f" ] && [ -f "$f" ]; then
        while IFS=: read -ra pw; do
            [ "${#pw[@]}" -ge 4 ] || continue
            if [ "${pw[0]}" = "$user" ] || [ "${pw[2]}" = "$user" ]; then
                name=${pw[0]} uid=${pw[2]} gid=${pw[3]}
                break
            fi
        done <"$f"
    fi
    if [ -z "$uid" ]; then
        [[ "$user" =~ ^[0-9]+$ ]] || exec_fail "unable to find user $user: no matching entries in passwd file"
        uid=$user gid=0
    fi
    local -a extra=()
    scoped_path f "$root" /etc/group 1 || f=
    if [ -n "$group" ]; then
        local found=''
        if [ -n "$f" ] && [ -f "$f" ]; then
            while IFS=: read -ra pw; do
                [ "${pw[0]}" = "$group" ] || [ "${pw[2]:-}" = "$group" ] || continue
                found=${pw[2]}
                break
            done <"$f"
        fi
        if [ -z "$found" ]; then
            [[ "$group" =~ ^[0-9]+$ ]] || exec_fail "unable to find group $group: no matching entries in group file"
            found=$group
        fi
        gid=$found
    elif [ -n "$name" ] && [ -n "$f" ] && [ -f "$f" ]; then
        local m
        while IFS=: read -ra pw; do
            if [ "${#pw[@]}" -lt 4 ] || [ "${pw[2]}" = "$gid" ]; then continue; fi
            IFS=, read -ra line <<<"${pw[3]}"
            for m in "${line[@]}"; do [ "$m" != "$name" ] || extra+=("${pw[2]}"); done
        done <"$f"
    fi
    opts+=(--user "$uid:$gid")
    [ "${#extra[@]}" -eq 0 ] || opts+=(--additional-gids "$(IFS=,; echo "${extra[*]}")")
}

# An exec that cannot start: docker's message and status 126.
exec_fail() {
    complain "Error response: OCI runtime exec failed: exec failed: $1"
    exit 126
}

