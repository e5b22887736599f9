# shellcheck shell=bash
# keel-docker images: the image store through docker's formatter (the default
# table, --format, -q, --digests), newest first, with docker's filters.
kd_lib image format

USAGE='[OPTIONS] [REPOSITORY[:TAG]]'
ABOUT='List images'
ALIASES='image ls, image list, images'
OPTS=(
    'a|all|bool|Show all images (default hides intermediate images)'
    '|digests|bool|Show digests'
    'f|filter|list|Filter output based on conditions provided'
    '|format|string|Pretty-print images using a Go template'
    '|no-trunc|bool|Don'"'"'t truncate output'
    'q|quiet|bool|Only show image IDs'
)

IMAGES_HEADER='{"ID":"IMAGE ID","Repository":"REPOSITORY","Tag":"TAG","Digest":"DIGEST",
"CreatedSince":"CREATED","CreatedAt":"CREATED AT","Size":"SIZE","VirtualSize":"VIRTUAL SIZE",
"SharedSize":"SHARED SIZE","UniqueSize":"UNIQUE SIZE","Containers":"CONTAINERS"}'

cmd_images() {
    opts_parse 1 "$@"
    opts_nargs max 1
    local -a filters=("${OPT_filter[@]}")
    [ "${#ARGS[@]}" -eq 0 ] || filters+=("repo=${ARGS[0]}")
    local f before='' since=''
    for f in "${filters[@]}"; do
        [[ "$f" == *=* ]] || images_bad_filter "bad format of filter (expected name=value)"
        case "${f%%=*}" in
        dangling)
            case "${f#*=}" in true | false | 1 | 0) ;; *) images_bad_filter "Invalid filter 'dangling=${f#*=}'" ;; esac
            ;;
        reference | label | repo) ;;
        before | since)
            image_resolve "${f#*=}" || images_bad_filter "No such image: ${f#*=}"
            printf -v "${f%%=*}" '%s' "$IMG_ID"
            ;;
        *) images_bad_filter "Invalid filter '${f%%=*}'" ;;
        esac
    done
    local format table='table {{.Repository}}\t{{.Tag}}\t'
    [ "$OPT_digests" = 0 ] || table+='{{.Digest}}\t'
    list_format format "$table"'{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    local now_s json
    printf -v now_s '%(%s)T' -1
    json=$(images ls --format json) || exit 1
    jq --argjson now "$now_s" --argjson trunc "$([ "$OPT_no_trunc" = 1 ] && echo false || echo true)" \
        --arg before "$before" --arg since "$since" --args -f "$KD_LIB/lib/images.jq" "${filters[@]}" <<<"$json" |
        "$KEEL_FORMAT" --header "$IMAGES_HEADER" "$format" || exit 1
}

images_bad_filter() {
    complain "Error response: $1"
    exit 1
}
