# shellcheck shell=bash
# keel-docker inspect: containers and images as docker's JSON (its shape and
# key order), or through a Go template (-f) with keel-format.
kd_lib state image format

USAGE='[OPTIONS] NAME|ID [NAME|ID...]'
ABOUT='Return low-level information on Docker objects'
OPTS=(
    'f|format|string|Format the output using the given Go template'
    's|size|bool|Display total file sizes if the type is container'
    '|type|string|Return JSON for specified type'
)

cmd_inspect() {
    opts_parse 1 "$@"
    opts_nargs min 1
    case "$OPT_type" in
    '' | container | image) ;;
    *) die "\"$OPT_type\" is not a valid value for --type" ;;
    esac
    local arg id rc=0
    local -a out=()
    for arg in "${ARGS[@]}"; do
        if [ "$OPT_type" != image ] && id=$(resolve_container "$arg" 2>/dev/null); then
            out+=("$(inspect_container "$id")")
        elif [ "$OPT_type" != container ] && image_resolve "$arg"; then
            out+=("$(inspect_image)")
        else
            case "$OPT_type" in
            container) complain "Error: No such container: $arg" ;;
            image)
                local tagged
                with_tag tagged "$arg"
                complain "Error response: no such image: $arg: No such image: $tagged"
                ;;
            *) complain "Error: No such object: $arg" ;;
            esac
            rc=1
        fi
    done
    inspect_print "${out[@]}" || exit
    return "$rc"
}

# The image config's Entrypoint (a JSON array or null), for Config.Entrypoint.
image_entrypoint() {
    images inspect "$1" 2>/dev/null | jq -c '.config.config.Entrypoint // null' || echo null
}

inspect_container() {
    local id=$1 dir=$CONTAINERS/$1 f
    local -A r=()
    for f in name created image image_id network ip hostname autoremove restart stop_signal \
        stop_timeout user entrypoint tty stdin; do
        record_get "r[$f]" "$id" "$f"
    done
    container_status "$id"
    local size_rw=null size_root=null
    if [ "$OPT_size" = 1 ]; then
        size_rw=$(find "$dir/bundle/upper" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
        size_root=$(( size_rw + $(images inspect "${r[image_id]}" 2>/dev/null | jq '[.layers[] | .content_size // .size] | add // 0' || echo 0) ))
    fi
    # Config.Entrypoint: the one given to run, else the image's
    local ep=null
    if [ -e "$dir/entrypoint" ]; then
        ep=given
    elif [ -n "${r[image_id]}" ]; then
        ep=$(image_entrypoint "${r[image_id]}")
    fi
    jq -n --arg volroot "$VOLUMES" --arg id "$id" --arg name "/${r[name]}" --arg created "$(iso_time "${r[created]:-0}")" \
        --arg image "${r[image]}" --arg image_id "${r[image_id]}" --arg state "$ST_state" \
        --argjson paused "${ST_paused:-false}" --argjson pid "${ST_pid:-0}" --arg started "${ST_started:-0001-01-01T00:00:00Z}" \
        --arg finished "${ST_finished:-0001-01-01T00:00:00Z}" --argjson exit "${ST_exit:-0}" \
        --argjson oom "${ST_oom:-false}" --argjson restarts "${ST_restarts:-0}" \
        --arg restart "${r[restart]:-no}" --arg stopsig "${r[stop_signal]}" \
        --arg stoptimeout "${r[stop_timeout]}" --arg network "${r[network]:-bridge}" --arg ip "${r[ip]}" \
        --arg hostname "${r[hostname]}" --arg dir "$dir" --arg user "${r[user]}" \
        --arg entrypoint "${r[entrypoint]}" --arg ep "$ep" \
        --argjson autoremove "$([ "${r[autoremove]}" = 1 ] && echo true || echo false)" \
        --argjson stdin "$([ "${r[stdin]}" = 1 ] && echo true || echo false)" \
        --argjson size_rw "${size_rw:-null}" --argjson size_root "${size_root:-null}" \
        --argjson ports "$(jq -Rn '[inputs | split(" ") | select(length >= 4) | {key: (.[2] + "/" + .[3]), value: [{HostIp: .[0], HostPort: .[1]}]}] | from_entries' <"$dir/ports" 2>/dev/null || echo '{}')" \
        --argjson eps "$("$KEEL_NET" endpoints "$id" 2>/dev/null | jq -Rn '[inputs | split(" ") | select(length == 7)]' || echo '[]')" \
        --slurpfile cfg "$dir/bundle/config.json" -f "$KD_LIB/lib/inspect-container.jq"
}

inspect_image() {
    local refs
    # docker orders an image's references by their full names
    refs=$(printf '%s\n' "${IMG_REFS[@]}" | sort | while IFS= read -r ref; do familiar ref "$ref"; echo "$ref"; done |
        jq -R . | jq -s .)
    images inspect "$IMG_ID" | jq --argjson refs "$refs" -f "$KD_LIB/lib/inspect-image.jq"
}
