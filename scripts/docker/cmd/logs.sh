# shellcheck shell=bash
# keel-docker logs: a container's output from the log its monitor writes
# (docker's json-file format), bytes exact: stdout on stdout, stderr on stderr.
kd_lib record

USAGE='[OPTIONS] CONTAINER'
ABOUT='Fetch the logs of a container'
ALIASES='container logs, logs'
OPTS=(
    'f|follow|bool|Follow log output'
    '|since|string|Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'
    'n|tail|string|Number of lines to show from the end of the logs (default "all")'
    't|timestamps|bool|Show timestamps'
    '|until|string|Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'
)

cmd_logs() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local id
    id=$(resolve_container "${ARGS[0]}") || exit 1
    local -a a=()
    [ "$OPT_follow" = 0 ] || a+=(-f)
    [ "$OPT_timestamps" = 0 ] || a+=(-t)
    [ -z "$OPT_tail" ] || a+=(--tail "$OPT_tail")
    [ -z "$OPT_since" ] || a+=(--since "$OPT_since")
    [ -z "$OPT_until" ] || a+=(--until "$OPT_until")
    exec "$KEEL_MONITOR" logs "${a[@]}" "$CONTAINERS/$id"
}
