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
    [ "$OPT_no_stream" = 0 ] || opts+=(--no-stream)
    [ "$OPT_no_trunc" = 0 ] || opts+=(--no-trunc)
    exec "$KEEL_MONITOR" stats "${opts[@]}" "${targets[@]}"
}
