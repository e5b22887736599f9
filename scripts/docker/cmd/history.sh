# shellcheck shell=bash
# keel-docker history: an image's history from its config, newest first.
kd_lib format tabwriter

USAGE='[OPTIONS] IMAGE'
ABOUT='Show the history of an image'
ALIASES='image history, history'
OPTS=(
    'H|human|bool|Print sizes and dates in human readable format (default true)'
    '|no-trunc|bool|Don'"'"'t truncate output'
    'q|quiet|bool|Only show image IDs'
)

cmd_history() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local json
    json=$(images inspect "${ARGS[0]}" 2>/dev/null) ||
        fail "Error response: No such image: $(history_ref "${ARGS[0]}")"
    # one row per history entry, newest first: the image's id on the newest,
    # <missing> below; a layer's size is its blob's (keel keeps no diff sizes)
    local rows
    # shellcheck disable=SC2016 # a jq program
    rows=$(jq -r --argjson now "$(now)" --arg full "$OPT_no_trunc" '
        .manifest.layers as $l | .config.history as $h
        | [foreach range(0; $h | length) as $i (-1;
            if ($h[$i].empty_layer // false) then . else . + 1 end;
            {e: $h[$i], size: (if ($h[$i].empty_layer // false) then 0 else ($l[.].size // 0) end)})]
        | to_entries | reverse | .[]
        | [(if .key == ($h | length) - 1 then "ID" else "<missing>" end),
           ((.value.e.created // "") | sub("\\.[0-9]+"; "") | fromdateiso8601? // 0 | tostring),
           (.value.e.created_by // "" | gsub("\n"; " ")),
           (.value.size | tostring), (.value.e.comment // "")] | join("\u001f")' <<<"$json")
    local cfg
    cfg=$(jq -r .manifest.config.digest <<<"$json")
    [ "$OPT_no_trunc" = 1 ] || cfg=${cfg#sha256:} cfg=${cfg:0:12}
    local ident t by size comment ago
    {
    [ "$OPT_quiet" = 1 ] || printf 'IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT\n'
    # a unit separator between fields: tabs would merge an empty CREATED BY away
    while IFS=$'\x1f' read -r ident t by size comment; do
        [ "$ident" != ID ] || ident=$cfg
        if [ "$OPT_quiet" = 1 ]; then echo "$ident"; continue; fi
        human_duration ago $(($(now) - t))
        [ "$OPT_no_trunc" = 1 ] || [ "${#by}" -le 45 ] || by="${by:0:44}…"
        printf '%s\t%s ago\t%s\t%s\t%s\n' "$ident" "$ago" "$by" "$(human_size "$size")" "$comment"
    done <<<"$rows"
    } | { if [ "$OPT_quiet" = 1 ]; then cat; else tabwriter 10; fi; }
}

# REF as docker's message names it: with :latest when it has no tag or digest.
history_ref() {
    case "${1##*/}" in *:* | *@*) echo "$1" ;; *) echo "$1:latest" ;; esac
}
