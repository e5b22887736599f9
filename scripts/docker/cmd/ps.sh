# shellcheck shell=bash
# keel-docker ps: the containers, newest first, as docker's table or JSON
# lines. Constant work per container: its facts (the command among them) and
# the status file its monitor keeps are read by the shell itself, with no
# process per container.
kd_lib state

USAGE='[OPTIONS]'
ABOUT='List containers'
ALIASES='container ls, container list, container ps, ps'
OPTS=(
    'a|all|bool|Show all containers (default shows just running)'
    '|format|string|Format output using a custom template'
    '|no-trunc|bool|Don'"'"'t truncate output'
    'q|quiet|bool|Only display container IDs'
)

cmd_ps() {
    opts_parse 1 "$@"
    opts_nargs none
    local mode=table
    case "$OPT_format" in
    '') ;;
    json | '{{json .}}') mode=json ;;
    *) die "unsupported format: $OPT_format (json only)" ;;
    esac
    [ "$OPT_quiet" = 0 ] || mode=quiet
    local -a ids=()
    listed_ids "$OPT_all"
    if [ "$mode" = quiet ]; then
        local id
        for id in "${ids[@]}"; do
            if [ "$OPT_no_trunc" = 1 ]; then echo "$id"; else echo "${id:0:12}"; fi
        done
        return 0
    fi
    if [ "$mode" = table ]; then
        ps_rows | table_columns
    else
        ps_rows | ps_json
    fi
}

# The ids to list, newest first, into ids (the caller's array).
listed_ids() {
    local all=$1 id created
    local -a lines=()
    for id in $(all_ids); do
        if [ "$all" = 0 ]; then
            container_status "$id"
            [ "$ST_state" = running ] || [ "$ST_state" = restarting ] || continue
        fi
        record_get created "$id" created
        lines+=("${created:-0} $id")
    done
    [ "${#lines[@]}" -gt 0 ] || return 0
    mapfile -t ids < <(printf '%s\n' "${lines[@]}" | sort -rn)
    ids=("${ids[@]#* }")
}

# One tab-separated row per container of ids (a header first for the table):
# ID IMAGE COMMAND CREATED STATUS PORTS NAMES, then for JSON the state,
# creation time and network.
ps_rows() {
    local id cmd image created name status ports ago network now_s
    local -a cmds=() configs=()
    local -A line=()
    printf -v now_s '%(%s)T' -1
    # records from before `command` was a fact: one jq for all of them
    for id in "${ids[@]}"; do
        [ ! -e "$CONTAINERS/$id/command" ] || continue
        [ -r "$CONTAINERS/$id/bundle/config.json" ] || continue
        line[$id]=${#configs[@]}
        configs+=("$CONTAINERS/$id/bundle/config.json")
    done
    [ "${#configs[@]}" -eq 0 ] ||
        mapfile -t cmds < <(jq -r '.process.args | map(if test("\\s") then "\"" + . + "\"" else . end) | join(" ") | gsub("\n"; " ")' \
            "${configs[@]}")
    [ "$mode" != table ] || printf 'CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n'
    for id in "${ids[@]}"; do
        record_get cmd "$id" command
        [ -z "${line[$id]:-}" ] || cmd=${cmds[${line[$id]}]:-}
        container_status "$id"
        record_get image "$id" image
        record_get name "$id" name
        record_get created "$id" created
        human_duration ago $((now_s - ${created:-0}))
        status_text status "$id"
        ports=''
        [ "$ST_state" != running ] || ports_text ports "$id"
        if [ "$mode" = table ]; then
            [ "$OPT_no_trunc" = 1 ] || [ "${#cmd}" -le 20 ] || cmd="${cmd:0:19}…"
            [ "$OPT_no_trunc" = 1 ] || id=${id:0:12}
            printf '%s\t%s\t"%s"\t%s ago\t%s\t%s\t%s\n' "$id" "$image" "$cmd" "$ago" "$status" "${ports:- }" "$name"
        else
            record_get network "$id" network
            [ "$OPT_no_trunc" = 1 ] || id=${id:0:12}
            printf '%s\t%s\t"%s"\t%s ago\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$image" "$cmd" "$ago" "$status" \
                "$ports" "$name" "$ST_state" "${created:-0}" "$network"
        fi
    done
}

# ps_rows' lines as docker's `ps --format json` objects, one jq for all.
ps_json() {
    jq -cR 'split("\t") | {Command: .[2], CreatedAt: (.[8] | tonumber | strftime("%Y-%m-%d %H:%M:%S +0000 UTC")), ID: .[0], Image: .[1],
        Labels: "", LocalVolumes: "0", Mounts: "", Names: .[6], Networks: .[9], Ports: .[5],
        RunningFor: .[3], Size: "0B", State: .[7], Status: .[4]}'
}
