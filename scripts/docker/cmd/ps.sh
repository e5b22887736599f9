# shellcheck shell=bash
# keel-docker ps: the containers, newest first, through docker's formatter
# (keel-format: the default table, --format templates, -q). Constant work per
# container: its facts and the status file its monitor keeps are read by the
# shell itself; one jq and one keel-format for the whole list.
kd_lib state image format

USAGE='[OPTIONS]'
ABOUT='List containers'
ALIASES='container ls, container list, container ps, ps'
OPTS=(
    'a|all|bool|Show all containers (default shows just running)'
    'f|filter|list|Filter output based on conditions provided'
    '|format|string|Pretty-print containers using a Go template'
    'n|last|int|Show n last created containers (includes all states)'
    'l|latest|bool|Show the latest created container (includes all states)'
    '|no-trunc|bool|Don'"'"'t truncate output'
    'q|quiet|bool|Only display container IDs'
    's|size|bool|Display total file sizes'
)

# docker's column titles, for the table header of any --format
PS_HEADER='{"ID":"CONTAINER ID","Image":"IMAGE","Command":"COMMAND","CreatedAt":"CREATED AT",
"RunningFor":"CREATED","Ports":"PORTS","State":"STATE","Status":"STATUS","Size":"SIZE",
"Names":"NAMES","Labels":"LABELS","Label":"LABEL","Mounts":"MOUNTS","Networks":"NETWORKS",
"LocalVolumes":"LOCAL VOLUMES"}'

cmd_ps() {
    opts_parse 1 "$@"
    opts_nargs none
    local -A FILTERS=()
    ps_filters
    local last=${OPT_last:--1}
    [ "$OPT_latest" = 0 ] || last=1
    local all=$OPT_all
    [ "$last" = -1 ] || all=1
    [ -z "${FILTERS[status]:-}${FILTERS[exited]:-}" ] || all=1
    local -a ids=()
    listed_ids "$all" "$last"
    local format table='table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}'
    [ "$OPT_size" = 0 ] || table+='\t{{.Size}}'
    list_format format "$table"
    if [ "$format" = '{{.ID}}' ]; then
        # -q: the IDs alone, with no row to build
        local id
        for id in "${ids[@]}"; do
            if [ "$OPT_no_trunc" = 1 ]; then echo "$id"; else echo "${id:0:12}"; fi
        done
        return 0
    fi
    ps_rows | "$KEEL_FORMAT" --header "$PS_HEADER" "$format" || exit 1
}

# --filter KEY=VALUE...: FILTERS[KEY] holds the values, newline-separated
# (one key's values match any; different keys must all match).
ps_filters() {
    local f key value
    for f in "${OPT_filter[@]}"; do
        [[ "$f" == *=* ]] || ps_bad_filter "bad format of filter (expected name=value)"
        key=${f%%=*} value=${f#*=}
        case "$key" in
        status)
            case "$value" in
            created | restarting | running | removing | paused | exited | dead) ;;
            *) ps_bad_filter "Invalid filter 'status=$value'" ;;
            esac
            ;;
        exited) [[ "$value" =~ ^-?[0-9]+$ ]] || ps_bad_filter "Invalid filter 'exited=$value'" ;;
        name | id | label | ancestor | before | since | publish | expose | network | volume | health | isolation | is-task) ;;
        *) ps_bad_filter "Invalid filter '$key'" ;;
        esac
        FILTERS[$key]+="${FILTERS[$key]:+$'\n'}$value"
    done
    # before and since name containers, ancestor an image: resolved once
    local v id
    for key in before since; do
        [ -n "${FILTERS[$key]:-}" ] || continue
        value=${FILTERS[$key]}
        id=$(resolve_container "$value" 2>/dev/null) || ps_bad_filter "No such container: $value"
        created_us v "$id"
        FILTERS[$key]=$v
    done
    if [ -n "${FILTERS[ancestor]:-}" ]; then
        local ids_=''
        while IFS= read -r value; do
            image_resolve "$value" && ids_+="$IMG_ID"$'\n'
        done <<<"${FILTERS[ancestor]}"
        FILTERS[ancestor]=${ids_:-none}
    fi
}

# The daemon's refusal of a filter: docker's status 1, not 125.
ps_bad_filter() {
    complain "Error response: $1"
    exit 1
}

# created_us VAR ID: when the record was published, in microseconds (records
# from before microseconds have whole seconds).
created_us() {
    local _c
    record_get _c "$2" created
    case "$_c" in
    *.*) _c=${_c/./} ;;
    '') _c=0 ;;
    *) _c=${_c}000000 ;;
    esac
    printf -v "$1" '%s' "$((10#$_c))"
}

# label_members VAR LABELS: "k=v,k2=v2" as JSON members ("k":"v","k2":"v2")
# into VAR, for the .Label "k" placeholder.
label_members() {
    local _kv _k _v _out='' _sep='' IFS=,
    for _kv in $2; do
        _k=${_kv%%=*} _v=${_kv#*=}
        json_str _k "$_k"
        json_str _v "$_v"
        _out+="$_sep$_k:$_v"
        _sep=,
    done
    printf -v "$1" '%s' "$_out"
}

# any_of VALUE LIST: VALUE is one of LIST's lines.
any_of() { [[ $'\n'$2$'\n' == *$'\n'$1$'\n'* ]]; }

# Whether container ID (its status read) passes every --filter.
ps_match() {
    local id=$1 v ok line name network image_id created
    local state=$ST_state
    [ "$ST_paused" = false ] || state=paused
    [ -z "${FILTERS[status]:-}" ] || any_of "$state" "${FILTERS[status]}" || return 1
    if [ -n "${FILTERS[exited]:-}" ]; then
        [ "$ST_state" = exited ] && any_of "$ST_exit" "${FILTERS[exited]}" || return 1
    fi
    if [ -n "${FILTERS[id]:-}" ]; then
        ok=1
        while IFS= read -r line; do [[ "$id" != "$line"* ]] || ok=0; done <<<"${FILTERS[id]}"
        [ "$ok" = 0 ] || return 1
    fi
    if [ -n "${FILTERS[name]:-}" ]; then
        record_get name "$id" name
        ok=1
        while IFS= read -r line; do [[ ! "/$name" =~ $line ]] || ok=0; done <<<"${FILTERS[name]}"
        [ "$ok" = 0 ] || return 1
    fi
    if [ -n "${FILTERS[network]:-}" ]; then
        record_get network "$id" network
        any_of "${network:-bridge}" "${FILTERS[network]}" || return 1
    fi
    if [ -n "${FILTERS[ancestor]:-}" ]; then
        record_get image_id "$id" image_id
        any_of "$image_id" "${FILTERS[ancestor]}" || return 1
    fi
    created_us created "$id"
    [ -z "${FILTERS[before]:-}" ] || [ "$created" -lt "${FILTERS[before]}" ] || return 1
    [ -z "${FILTERS[since]:-}" ] || [ "$created" -gt "${FILTERS[since]}" ] || return 1
    if [ -n "${FILTERS[publish]:-}${FILTERS[expose]:-}" ]; then
        local ports=''
        [ ! -e "$CONTAINERS/$id/ports" ] || ports=$(awk '{ print $2 "/" $4; print $3 "/" $4 }' "$CONTAINERS/$id/ports")
        ok=1
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            [[ "$line" == */* ]] || line=$line/tcp
            ! any_of "$line" "$ports" || ok=0
        done <<<"${FILTERS[publish]:-}"$'\n'"${FILTERS[expose]:-}"
        [ "$ok" = 0 ] || return 1
    fi
    if [ -n "${FILTERS[volume]:-}" ]; then
        ok=1
        while IFS= read -r line; do
            jq -e --arg v "$line" --arg vd "$VOLUMES/$line/_data" \
                'any(.mounts[]; .type == "bind" and (.source == $v or .source == $vd or .destination == $v))' \
                "$CONTAINERS/$id/bundle/config.json" >/dev/null 2>&1 && ok=0
        done <<<"${FILTERS[volume]}"
        [ "$ok" = 0 ] || return 1
    fi
    if [ -n "${FILTERS[label]:-}" ]; then
        local labels=''
        record_get labels "$id" labels
        while IFS= read -r line; do
            case "$line" in
            *=*) any_of "$line" "${labels//,/$'\n'}" || return 1 ;;
            *) [[ $'\n'${labels//,/$'\n'} == *$'\n'"$line="* ]] || return 1 ;;
            esac
        done <<<"${FILTERS[label]}"
    fi
    return 0
}

# The ids to list, newest first, into ids (the caller's array): all or the
# running ones, those --filter keeps, at most LAST (-1: no limit).
listed_ids() {
    local all=$1 last=$2 id created
    local -a lines=()
    for id in $(all_ids); do
        if [ "$all" = 0 ] || [ "${#FILTERS[@]}" -gt 0 ]; then
            container_status "$id"
        fi
        if [ "$all" = 0 ]; then
            [ "$ST_state" = running ] || [ "$ST_state" = restarting ] || continue
        fi
        [ "${#FILTERS[@]}" -eq 0 ] || ps_match "$id" || continue
        created_us created "$id"
        lines+=("$created $id")
    done
    [ "${#lines[@]}" -gt 0 ] || return 0
    mapfile -t ids < <(printf '%s\n' "${lines[@]}" | sort -rn)
    ids=("${ids[@]#* }")
    [ "$last" -lt 0 ] || ids=("${ids[@]:0:$last}")
}

# ps_rows: the JSON array docker's ps formats (its field names), one object
# per container of ids, written by the shell itself: no process per container
# and none for the whole list.
ps_rows() {
    local id cmd image created name status ports ago network now_s size labels label k v st sep=''
    local -a cmds=() configs=()
    local -A line=() IMAGE_BYTES=()
    local -x TZ=UTC
    printf -v now_s '%(%s)T' -1
    if [ "$OPT_size" = 1 ]; then
        while read -r k v; do IMAGE_BYTES[$k]=$v; done < <(images ls --format json |
            jq -r '.[] | "\(.id) \(.content_size // .size // 0)"')
    fi
    # records from before `command` was a fact: one jq for all of them
    for id in "${ids[@]}"; do
        [ ! -e "$CONTAINERS/$id/command" ] || continue
        [ -r "$CONTAINERS/$id/bundle/config.json" ] || continue
        line[$id]=${#configs[@]}
        configs+=("$CONTAINERS/$id/bundle/config.json")
    done
    [ "${#configs[@]}" -eq 0 ] ||
        mapfile -t cmds < <(jq -r '.process.args | map(if test("\\s") then "\u0027" + . + "\u0027" else . end) | join(" ") | gsub("\n"; " ")' \
            "${configs[@]}")
    printf '['
    for id in "${ids[@]}"; do
        record_get cmd "$id" command
        [ -z "${line[$id]:-}" ] || cmd=${cmds[${line[$id]}]:-}
        container_status "$id"
        record_get image "$id" image
        record_get name "$id" name
        record_get created "$id" created
        record_get network "$id" network
        record_get labels "$id" labels
        created=${created%.*}
        human_duration ago $((now_s - ${created:-0}))
        status_text status "$id"
        st=$ST_state
        [ "$ST_paused" = false ] || st=paused
        ports=''
        [ "$ST_state" != running ] || ports_text ports "$id"
        size=''
        [ "$OPT_size" = 0 ] || size=$(ps_size "$id")
        if [ "$OPT_no_trunc" = 0 ]; then
            [ "${#cmd}" -le 20 ] || cmd="${cmd:0:19}…"
            id=${id:0:12}
        fi
        # .Command is docker's strconv.Quote of the command, then a JSON string
        json_str cmd "$cmd"
        json_str cmd "$cmd"
        json_str image "$image"
        json_str name "$name"
        label_members label "$labels"
        json_str labels "$labels"
        printf -v created '%(%Y-%m-%d %H:%M:%S +0000 UTC)T' "${created:-0}"
        printf '%s{"Command":%s,"CreatedAt":"%s","ID":"%s","Image":%s,"Labels":%s,"Label":{%s},"LocalVolumes":"0","Mounts":"","Names":%s,"Networks":"%s","Ports":"%s","RunningFor":"%s ago","Size":"%s","State":"%s","Status":"%s"}\n' \
            "$sep" "$cmd" "$created" "$id" "$image" "$labels" "$label" "$name" \
            "${network:-bridge}" "$ports" "$ago" "$size" "$st" "$status"
        sep=,
    done
    printf ']\n'
}

# docker's SIZE: the bytes of the writable layer's regular files, and with
# the image's (IMAGE_BYTES: image ID -> bytes, from keel-image ls) as "virtual".
ps_size() {
    local rw image_id
    rw=$(find "$CONTAINERS/$1/bundle/upper" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
    record_get image_id "$1" image_id
    printf '%s (virtual %s)\n' "$(human_size "$rw")" "$(human_size $((rw + ${IMAGE_BYTES[$image_id]:-0})))"
}
