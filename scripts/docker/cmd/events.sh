# shellcheck shell=bash
# keel-docker events: docker's event lines (container create, start, die,
# destroy, pause, unpause, rename) from the log the record module keeps in
# $KEEL_ROOT/events; past ones with --since/--until, then new ones as they come
# unless --until is given.
kd_lib record

USAGE='[OPTIONS]'
ABOUT='Get real time events from the server'
ALIASES='system events, events'
OPTS=(
    'f|filter|list|Filter output based on conditions provided'
    '|format|string|Format the output using the given Go template'
    '|since|string|Show all events created since timestamp'
    '|until|string|Stream events until this timestamp'
)

cmd_events() {
    opts_parse 1 "$@"
    opts_nargs none
    local since='' until='' f
    [ -z "$OPT_since" ] || events_time since "$OPT_since"
    [ -z "$OPT_until" ] || events_time until "$OPT_until"
    declare -gA EV_FILTER=()
    for f in "${OPT_filter[@]}"; do
        [[ "$f" == *=* ]] || fail "bad format of filter (expected name=value)"
        # other keys (docker's daemon ignores them too)
        case "${f%%=*}" in
        container | event | image | type) EV_FILTER[${f%%=*}]+="${f#*=}"$'\n' ;;
        esac
    done
    local log=$KEEL_ROOT/events
    [ -e "$log" ] || : >>"$log"
    if [ -n "$until" ]; then
        # docker streams until then: wait for a moment still to come
        local now_s
        printf -v now_s '%(%s)T' -1
        [ "${until%.*}" -le "$now_s" ] || sleep $((${until%.*} - now_s))
        events_print "$since" "$until" <"$log"
        return 0
    fi
    [ -z "$since" ] || events_print "$since" '' <"$log"
    # --pid: tail ends with this process (killed, or its reader gone)
    tail -n 0 -F --pid=$$ "$log" 2>/dev/null | events_print '' ''
}

# events_time VAR VALUE: docker's timestamps (Unix seconds with an optional
# fraction, an RFC 3339 date, or a duration back from now: 10m, 1h30m) as
# Unix seconds.
events_time() {
    local v=$2 now_s
    printf -v now_s '%(%s)T' -1
    if [[ "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
        printf -v "$1" '%s' "$v"
    elif [[ "$v" =~ ^([0-9]+h)?([0-9]+m)?([0-9]+s)?$ ]] && [ -n "$v" ]; then
        local h=${BASH_REMATCH[1]%h} m=${BASH_REMATCH[2]%m} s=${BASH_REMATCH[3]%s}
        printf -v "$1" '%s' $((now_s - ${h:-0} * 3600 - ${m:-0} * 60 - ${s:-0}))
    else
        local t
        t=$(date -d "$v" +%s 2>/dev/null) || fail "invalid value for \"since\"/\"until\": $v"
        printf -v "$1" '%s' "$t"
    fi
}

# events_print SINCE UNTIL: the log's lines (on stdin) within [SINCE, UNTIL]
# that pass the filters, in docker's format.
events_print() {
    local since=$1 until=$2 t type action id rest secs frac stamp zone
    while read -r t type action id rest; do
        secs=${t%.*} frac=${t#*.}
        [ -z "$since" ] || [ "$secs" -ge "${since%.*}" ] || continue
        [ -z "$until" ] || [ "$secs" -le "${until%.*}" ] || continue
        events_match "$type" "$action" "$id" "$rest" || continue
        if [ -n "$OPT_format" ] && events_format "$t" "$type" "$action" "$id" "$rest"; then continue; fi
        printf -v stamp '%(%Y-%m-%dT%H:%M:%S)T' "$secs"
        printf -v zone '%(%z)T' "$secs"
        if [ "$zone" = +0000 ]; then zone=Z; else zone=${zone:0:3}:${zone:3}; fi
        printf '%s.%s%s %s %s %s %s\n' "$stamp" "$frac" "$zone" "$type" "$action" "$id" "$rest"
    done
}

# Whether an event passes every filter (values of one filter are alternatives).
events_match() {
    local type=$1 action=$2 id=$3 attrs=$4 key v ok name image
    name=${attrs##*name=} name=${name%%[,)]*}
    image=${attrs##*image=} image=${image%%[,)]*}
    for key in "${!EV_FILTER[@]}"; do
        ok=0
        while IFS= read -r v; do
            [ -n "$v" ] || continue
            case "$key" in
            container) [[ "$id" == "$v"* || "$name" == "$v" ]] && ok=1 ;;
            event) [ "$action" = "$v" ] && ok=1 ;;
            image) [ "$image" = "$v" ] && ok=1 ;;
            type) [ "$type" = "$v" ] && ok=1 ;;
            esac
        done <<<"${EV_FILTER[$key]}"
        [ "$ok" = 1 ] || return 1
    done
    return 0
}

# events_format TIME TYPE ACTION ID (ATTRS): the event as docker's JSON message
# through --format; status 1 (the default line then) without keel-format.
events_format() {
    local rc=0 json
    kd_lib template
    # shellcheck disable=SC2016 # a jq program
    json=$(jq -cn --arg t "$1" --arg type "$2" --arg action "$3" --arg id "$4" --arg attrs "$5" '
        ($attrs | ltrimstr("(") | rtrimstr(")") | split(", ") | map(capture("^(?<key>[^=]*)=(?<value>.*)$"))
         | from_entries) as $a
        | {status: $action, id: $id, from: ($a.image // ""), Type: $type, Action: $action,
           Actor: {ID: $id, Attributes: $a}, scope: "local",
           time: ($t | split(".")[0] | tonumber), timeNano: ($t | sub("\\."; "") | tonumber)}')
    template_apply "$OPT_format" "$json" || rc=$?
    [ "$rc" != 2 ] || return 1
    return 0
}

