# shellcheck shell=bash
# keel-docker stats: docker's live table of containers' resource use, from
# their cgroups (v1 or v2) and network counters. keel-monitor stats samples
# and computes in C; this file picks the containers.
kd_lib state

USAGE='[OPTIONS] [CONTAINER...]'
ABOUT='Display a live stream of container(s) resource usage statistics'
ALIASES='container stats, stats'
OPTS=(
    'a|all|bool|Show all containers (default shows just running)'
    '|format|string|Pretty-print images using a Go template'
    '|no-stream|bool|Disable streaming stats and only pull the first result'
    '|no-trunc|bool|Do not truncate output'
)

cmd_stats() {
    opts_parse 1 "$@"
    local -a ids=() targets=()
    local id name arg rc=0
    if [ "${#ARGS[@]}" -gt 0 ]; then
        for arg in "${ARGS[@]}"; do
            id=$(resolve_container "$arg") || { rc=1; continue; }
            ids+=("$id")
        done
        [ "$rc" = 0 ] || exit 1
    else
        for id in $(all_ids); do
            [ "$OPT_all" = 1 ] || container_is_up "$id" || continue
            ids+=("$id")
        done
    fi
    for id in "${ids[@]}"; do
        record_get name "$id" name
        targets+=("$id=$name")
    done
    local -a opts=(--runtime-root "$KEEL_RUN_ROOT")
    [ "$OPT_no_trunc" = 0 ] || opts+=(--no-trunc)
    if [ -n "$OPT_format" ] && [ "$OPT_format" != table ]; then
        stats_format "${opts[@]}" -- "${targets[@]}"
    fi
    [ "$OPT_no_stream" = 0 ] || opts+=(--no-stream)
    exec "$KEEL_MONITOR" stats "${opts[@]}" "${targets[@]}"
}

# --format: each sample's rows (keel-monitor stats --tsv) as docker's stats
# objects through keel-format, redrawn every second unless --no-stream;
# returns (the default table follows) when keel-format is not installed.
stats_format() {
    local -a opts=()
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    local tool=${KEEL_FORMAT:-} rows
    [ -n "$tool" ] || find_tool tool keel-format
    command -v "$tool" >/dev/null || return 0
    local header='{"Container":"CONTAINER","ID":"CONTAINER ID","Name":"NAME","CPUPerc":"CPU %","MemUsage":"MEM USAGE / LIMIT","MemPerc":"MEM %","NetIO":"NET I/O","BlockIO":"BLOCK I/O","PIDs":"PIDS"}'
    while :; do
        rows=$("$KEEL_MONITOR" stats "${opts[@]}" --no-stream --tsv "$@") || exit 1
        [ "$OPT_no_stream" = 1 ] || printf '\033[2J\033[H'
        # shellcheck disable=SC2016 # a jq program
        jq -cRn '[inputs | split("\t") | select(length == 8) | {Container: .[1], ID: .[0], Name: .[1],
            CPUPerc: .[2], MemUsage: .[3], MemPerc: .[4], NetIO: .[5], BlockIO: .[6], PIDs: .[7]}]' <<<"$rows" |
            "$tool" --header "$header" "$OPT_format" || exit 1
        [ "$OPT_no_stream" = 0 ] || exit 0
    done
}
