# shellcheck shell=bash
# keel-docker logs: a container's output from its log, stdout on stdout and
# stderr on stderr.
kd_lib state

USAGE='[OPTIONS] CONTAINER'
ABOUT='Fetch the logs of a container'
OPTS=(
    'f|follow|bool|Follow log output'
    'n|tail|string|Number of lines to show from the end of the logs (default "all")'
    't|timestamps|bool|Show timestamps'
)

cmd_logs() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local id log tail=${OPT_tail:-all}
    id=$(resolve_container "${ARGS[0]}") || exit 1
    log=$CONTAINERS/$id/container.log
    local -a src=(cat "$log")
    if [ "$tail" != all ]; then
        case "$tail" in *[!0-9]*) die "invalid --tail: $tail" ;; esac
        src=(tail -n "$tail" "$log")
    fi
    [ -e "$log" ] || src=(true)
    # shellcheck disable=SC2016 # an awk program
    local -a show=(awk -v stamps="$OPT_timestamps" '{
        t = $1; s = $2; sub(/^[^ ]* [^ ]* ?/, "")
        line = stamps ? t " " $0 : $0
        if (s == "stderr") { print line > "/dev/stderr"; fflush("/dev/stderr") } else { print line; fflush() }
    }')
    if [ "$OPT_follow" = 1 ] && [ "$(container_state "$id")" = running ]; then
        local mon
        record_get mon "$id" monitor.pid
        [ "$tail" != all ] || tail=+1
        tail -n "$tail" --pid="${mon:-1}" -F "$log" 2>/dev/null | "${show[@]}"
    else
        "${src[@]}" | "${show[@]}"
    fi
}
