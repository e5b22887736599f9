# shellcheck shell=bash
# keel-docker ps: the containers, newest first, as docker's table or JSON lines.
kd_lib state

USAGE='[OPTIONS]'
ABOUT='List containers'
OPTS=(
    'a|all|bool|Show all containers (default shows just running)'
    '|format|string|Format output using a custom template'
    '|no-trunc|bool|Don'"'"'t truncate output'
    'q|quiet|bool|Only display container IDs'
)

cmd_ps() {
    opts_parse 1 "$@"
    opts_nargs none
    local format=$OPT_format
    case "$format" in '' | json | '{{json .}}') ;; *) die "unsupported format: $format (json only)" ;; esac
    if [ "$OPT_quiet" = 0 ] && [ -z "$format" ]; then
        list_containers "$OPT_all" "$OPT_no_trunc" table | table_columns
        return 0
    fi
    [ "$OPT_quiet" = 0 ] || format=quiet
    list_containers "$OPT_all" "$OPT_no_trunc" "$format"
}

list_containers() {
    local all=$1 notrunc=$2 mode=$3
    [ "$mode" != table ] || printf 'CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n'
    local id state short cmd created status ports name
    for id in $(all_ids | while read -r i; do echo "$(record_fact "$i" created) $i"; done | sort -rn | awk '{print $2}'); do
        state=$(container_state "$id")
        [ "$all" = 1 ] || [ "$state" = running ] || [ "$state" = paused ] || continue
        short=${id:0:12}
        [ "$notrunc" = 0 ] || short=$id
        if [ "$mode" = quiet ]; then
            echo "$short"
            continue
        fi
        cmd=$(jq -r '.process.args | map(if test("\\s") then "\"" + . + "\"" else . end) | join(" ")' "$CONTAINERS/$id/bundle/config.json" 2>/dev/null || true)
        created="$(human_duration $(($(now) - $(record_fact "$id" created)))) ago"
        status=$(status_text "$id" "$state")
        ports=
        [ "$state" != running ] && [ "$state" != paused ] || ports=$(ports_text "$id")
        name=$(record_fact "$id" name)
        if [ "$mode" != table ]; then
            jq -cn --arg id "$short" --arg image "$(record_fact "$id" image)" --arg cmd "\"$cmd\"" \
                --arg created "$(iso_time "$(record_fact "$id" created)")" --arg running "$created" \
                --arg state "$state" --arg status "$status" --arg ports "$ports" --arg name "$name" \
                --arg network "$(record_fact "$id" network)" \
                '{Command: $cmd, CreatedAt: $created, ID: $id, Image: $image, Labels: "", LocalVolumes: "0",
                  Mounts: "", Names: $name, Networks: $network, Ports: $ports, RunningFor: $running,
                  Size: "0B", State: $state, Status: $status}'
            continue
        fi
        [ "$notrunc" = 1 ] || [ "${#cmd}" -le 20 ] || cmd="${cmd:0:19}…"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$short" "$(record_fact "$id" image)" "\"$cmd\"" \
            "$created" "$status" "${ports:- }" "$name"
    done
}
