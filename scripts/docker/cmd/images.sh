# shellcheck shell=bash
# keel-docker images: the image store as docker's table.
kd_lib image format

USAGE='[OPTIONS] [REPOSITORY[:TAG]]'
ABOUT='List images'
ALIASES='image ls, image list, images'
OPTS=(
    'a|all|bool|Show all images (default hides intermediate images)'
    'q|quiet|bool|Only show image IDs'
)

cmd_images() {
    opts_parse 1 "$@"
    opts_nargs none
    local json
    json=$(images ls --format json) || exit 1
    if [ "$OPT_quiet" = 1 ]; then
        jq -r '.[] | .id // .digest | sub("^sha256:"; "") | .[0:12]' <<<"$json"
        return 0
    fi
    list_images "$json" | table_columns
}

list_images() {
    local json=$1 ref digest created size repo tag
    printf 'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n'
    while IFS=$'\t' read -r ref digest created size; do
        familiar ref "$ref"
        repo=${ref%:*} tag=${ref##*:}
        case "$ref" in *@*) repo=${ref%@*} tag="<none>" ;; esac
        local ago=N/A
        if [ -n "$created" ] && [ "$created" != null ]; then
            human_duration ago $(($(now) - $(date -d "$created" +%s 2>/dev/null || now)))
            ago="$ago ago"
        fi
        digest=${digest#sha256:}
        printf '%s\t%s\t%s\t%s\t%s\n' "$repo" "$tag" "${digest:0:12}" "$ago" "$(human_size "$size")"
    done < <(jq -r '.[] | [.reference, .id // .digest, (.created // ""), (.size // 0)] | @tsv' <<<"$json")
}
