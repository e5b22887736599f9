# shellcheck shell=bash
# keel-docker system: prune.
kd_lib group

USAGE='COMMAND'
ABOUT='Manage keel-docker'
OPTS=()

cmd_system() { group_run system '' "$@"; }

system_prune() {
    kd_lib prune
    USAGE='[OPTIONS]'
    ABOUT='Remove unused data'
    OPTS=(
        'a|all|bool|Remove all unused images not just dangling ones'
        'f|force|bool|Do not prompt for confirmation'
        '|volumes|bool|Prune anonymous volumes'
    )
    opts_parse 1 "$@"
    opts_nargs none
    if [ "$OPT_force" = 0 ]; then
        local what="WARNING! This will remove:
  - all stopped containers
  - all networks not used by at least one container"
        [ "$OPT_volumes" = 0 ] || what="$what
  - all anonymous volumes not used by at least one container"
        if [ "$OPT_all" = 1 ]; then what="$what
  - all images without at least one container associated to them"
        else what="$what
  - all dangling images"
        fi
        if [ "$OPT_all" = 1 ]; then what="$what
  - all build cache"
        else what="$what
  - unused build cache"
        fi
        confirm "$what
" || return 0
    fi
    prune_containers
    prune_networks
    [ "$OPT_volumes" = 0 ] || prune_volumes 0
    prune_images "$OPT_all"
    prune_build_cache "$OPT_all"
    prune_report
}

# df_format FORMAT [TYPE TOTAL ACTIVE SIZE RECLAIMABLE]...: system df's rows
# through --format (docker's field names; "table ..." with its header).
df_format() {
    local f=$1 header='' json
    shift
    local -a docs=()
    case "$f" in
    json) f='{{json .}}' ;;
    table*)
        f=${f#table} f=${f# }
        printf -v f '%b' "$f"
        header=$f header=${header//'{{.Type}}'/TYPE} header=${header//'{{.TotalCount}}'/TOTAL}
        header=${header//'{{.Active}}'/ACTIVE} header=${header//'{{.Size}}'/SIZE}
        header=${header//'{{.Reclaimable}}'/RECLAIMABLE}
        ;;
    esac
    while [ $# -ge 5 ]; do
        json_str json "$1"
        docs+=("{\"Active\":\"$3\",\"Reclaimable\":\"$(df_reclaimable "$5" "$4")\",\"Size\":\"$(human_size "$4")\",\"TotalCount\":\"$2\",\"Type\":$json}")
        shift 5
    done
    local out rc=0
    out=$(template_apply "$f" "${docs[@]}") || rc=$?
    [ "$rc" = 2 ] && die "system df --format needs keel-format, the Go-template engine"
    [ "$rc" = 0 ] || return "$rc"
    if [ -n "$header" ]; then
        printf '%s\n%s\n' "$header" "$out" | tabwriter 10
    else
        printf '%s\n' "$out"
    fi
}

system_df() {
    kd_lib state format prune tabwriter volume template
    USAGE='[OPTIONS]'
    ABOUT='Show docker disk usage'
    OPTS=(
        '|format|string|Pretty-print images using a Go template'
        'v|verbose|bool|Show detailed information on space usage'
    )
    opts_parse 1 "$@"
    opts_nargs none
    local -a refs=() sizes=() created=() digests=()
    local ref size c d
    while IFS=$'\t' read -r ref d size c; do
        refs+=("$ref") digests+=("$d") sizes+=("$size") created+=("$c")
    done < <(images ls --format json | jq -r '.[] | [.reference, .digest, .size, .created] | @tsv')
    # images: used when a container was made from them; the size counted once per digest
    local -A used_img=() seen=() ctr_count=()
    local id image i itotal=0 iactive=0 isize=0 irecl=0
    for id in $(all_ids); do
        record_get image "$id" image
        for i in "${!refs[@]}"; do
            if [ "${refs[i]}" = "$image" ] || [ "${refs[i]}" = "$image:latest" ] ||
                [ "${refs[i]}" = "docker.io/library/$image" ] || [ "${refs[i]}" = "docker.io/library/$image:latest" ]; then
                used_img[${digests[i]}]=1
                ctr_count[${digests[i]}]=$((${ctr_count[${digests[i]}]:-0} + 1))
            fi
        done
    done
    for i in "${!refs[@]}"; do
        [ -z "${seen[${digests[i]}]:-}" ] || continue
        seen[${digests[i]}]=1
        itotal=$((itotal + 1)) isize=$((isize + sizes[i]))
        if [ -n "${used_img[${digests[i]}]:-}" ]; then iactive=$((iactive + 1)); else irecl=$((irecl + sizes[i])); fi
    done
    # containers: their writable layers; reclaimable when stopped
    local ctotal=0 cactive=0 csize=0 crecl=0 b
    local -a crow=()
    for id in $(all_ids); do
        b=$(dir_bytes "$CONTAINERS/$id/bundle/upper")
        ctotal=$((ctotal + 1)) csize=$((csize + b))
        if container_is_up "$id"; then cactive=$((cactive + 1)); else crecl=$((crecl + b)); fi
        crow+=("$id")
    done
    local v vtotal=0 vactive=0 vsize=0 vrecl=0
    local -a vrow=()
    for v in "$VOLUMES"/*/_data; do
        v=${v%/_data} v=${v##*/}
        b=$(vol_bytes "$v")
        vtotal=$((vtotal + 1)) vsize=$((vsize + b))
        if [ -n "$(vol_users "$v")" ]; then vactive=$((vactive + 1)); else vrecl=$((vrecl + b)); fi
        vrow+=("$v")
    done
    local now_s
    now_s=$(now)
    if [ "$OPT_verbose" = 0 ] && [ -n "$OPT_format" ] && [ "$OPT_format" != table ]; then
        df_format "$OPT_format" Images "$itotal" "$iactive" "$isize" "$irecl" \
            Containers "$ctotal" "$cactive" "$csize" "$crecl" \
            'Local Volumes' "$vtotal" "$vactive" "$vsize" "$vrecl" 'Build Cache' 0 0 0 0
        return
    fi
    if [ "$OPT_verbose" = 0 ]; then
        {
            printf 'TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE\n'
            printf 'Images\t%s\t%s\t%s\t%s\n' "$itotal" "$iactive" "$(human_size "$isize")" \
                "$(df_reclaimable "$irecl" "$isize")"
            printf 'Containers\t%s\t%s\t%s\t%s\n' "$ctotal" "$cactive" "$(human_size "$csize")" \
                "$(df_reclaimable "$crecl" "$csize")"
            printf 'Local Volumes\t%s\t%s\t%s\t%s\n' "$vtotal" "$vactive" "$(human_size "$vsize")" \
                "$(df_reclaimable "$vrecl" "$vsize")"
            printf 'Build Cache\t0\t0\t0B\t0B\n'
        } | tabwriter 10
        return 0
    fi
    echo "Images space usage:"
    echo
    {
        printf 'REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\tSHARED SIZE\tUNIQUE SIZE\tCONTAINERS\n'
        local ago t repo tag
        for i in "${!refs[@]}"; do
            repo=${refs[i]%:*} tag=${refs[i]##*:}
            rfc3339_epoch t "${created[i]}"
            human_duration ago $((now_s - t))
            d=${digests[i]#sha256:}
            printf '%s\t%s\t%s\t%s ago\t%s\t0B\t%s\t%s\n' "$repo" "$tag" "${d:0:12}" "$ago" \
                "$(human_size "${sizes[i]}")" "$(human_size "${sizes[i]}")" "${ctr_count[${digests[i]}]:-0}"
        done
    } | tabwriter 10
    printf '\nContainers space usage:\n\n'
    {
        printf 'CONTAINER ID\tIMAGE\tCOMMAND\tLOCAL VOLUMES\tSIZE\tCREATED\tSTATUS\tNAMES\n'
        local cmd name cr st
        for id in "${crow[@]}"; do
            record_get image "$id" image
            record_get cmd "$id" command
            record_get name "$id" name
            record_get cr "$id" created
            [ "${#cmd}" -le 20 ] || cmd="${cmd:0:19}…"
            container_status "$id"
            status_text st "$id"
            human_duration ago $((now_s - ${cr%.*}))
            printf '%s\t%s\t"%s"\t0\t%s\t%s ago\t%s\t%s\n' "${id:0:12}" "$image" "$cmd" \
                "$(human_size "$(dir_bytes "$CONTAINERS/$id/bundle/upper")")" "$ago" "$st" "$name"
        done
    } | tabwriter 10
    printf '\nLocal Volumes space usage:\n\n'
    {
        printf 'VOLUME NAME\tLINKS\tSIZE\n'
        local links
        for v in "${vrow[@]}"; do
            links=$(vol_users "$v" | grep -c .) || true
            printf '%s\t%s\t%s\n' "$v" "${links:-0}" "$(human_size "$(vol_bytes "$v")")"
        done
    } | tabwriter 10
    printf '\nBuild cache usage: 0B\n\n'
}

# RECLAIMABLE of TOTAL bytes as docker shows it: "1.2MB (50%)", "0B" when TOTAL is 0.
df_reclaimable() {
    if [ "$2" -gt 0 ]; then echo "$(human_size "$1") ($(($1 * 100 / $2))%)"; else human_size "$1"; fi
}
