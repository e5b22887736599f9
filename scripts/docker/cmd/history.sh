# shellcheck shell=bash
# keel-docker history: an image's history entries, newest first, as docker
# shows them (the size of a layer is its stored, compressed blob).

cmd_history() {
    local notrunc=0 quiet=0 human=1 ref=
    while [ $# -gt 0 ]; do
        case "$1" in
        --no-trunc) notrunc=1 ;;
        -q | --quiet) quiet=1 ;;
        -H=false | --human=false) human=0 ;;
        -H | --human | -H=true | --human=true) human=1 ;;
        -?*) die "unknown flag: $1" ;;
        *) [ -z "$ref" ] || die "\"history\" requires exactly 1 argument."; ref=$1 ;;
        esac
        shift
    done
    [ -n "$ref" ] || die "\"history\" requires exactly 1 argument."
    local json
    json=$(images inspect "$ref") || exit 1
    local id
    id=$(jq -r '.manifest.config.digest' <<<"$json")
    [ "$notrunc" = 1 ] || id=${id#sha256:} id=${id:0:12}
    if [ "$quiet" = 1 ]; then
        jq -r --arg id "$id" '.config.history | to_entries | reverse |
            .[] | if .key == (length - 1) then $id else "<missing>" end' <<<"$json" |
            awk -v id="$id" 'NR == 1 { print id; next } { print "<missing>" }'
        return 0
    fi
    local now
    now=$(date +%s)
    {
        printf 'IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT\n'
        # each entry with its layer's size (entries with empty_layer have none)
        jq -r '. as $i | [foreach $i.config.history[] as $h (-1;
                if $h.empty_layer then . else . + 1 end;
                [($h.created // ""), ($h.created_by // ""),
                 (if $h.empty_layer then 0 else ($i.manifest.layers[.].size // 0) end),
                 ($h.comment // "")])] | reverse[] | @tsv' <<<"$json" |
            while IFS=$'\t' read -r created by size comment; do
                local t ago shown="$id"
                t=$(date -d "$created" +%s 2>/dev/null || echo "$now")
                ago="$(human_duration $((now - t))) ago"
                [ "$human" = 1 ] || ago=$created
                [ "$human" = 0 ] || size=$(human_size "$size")
                [ "$notrunc" = 1 ] || [ "${#by}" -le 45 ] || by="${by:0:44}…"
                printf '%s\t%s\t%s\t%s\t%s\n' "$shown" "$ago" "$by" "$size" "$comment"
                id='<missing>'
            done
    } | column -t -s $'\t' -o '   '
}
