# shellcheck shell=bash
# keel-docker wait: blocks until containers stop, then prints their exit codes.
kd_lib state

USAGE='CONTAINER [CONTAINER...]'
ABOUT='Block until one or more containers stop, then print their exit codes'
ALIASES='container wait, wait'
OPTS=()

cmd_wait() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        container_status "$id"
        if [ "$ST_state" = exited ]; then
            echo "$ST_exit"
        else
            "$KEEL_MONITOR" wait "$CONTAINERS/$id" || rc=1
        fi
    done
    return "$rc"
}
