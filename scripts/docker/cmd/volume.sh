# shellcheck shell=bash
# keel-docker volume: docker's local volumes (docker/lib/volume.sh keeps them).
kd_lib group record volume format

USAGE='COMMAND'
ABOUT='Manage volumes'
OPTS=()

cmd_volume() { group_run volume 'list=ls remove=rm' "$@"; }

volume_create() {
    USAGE='[OPTIONS] [VOLUME]'
    ABOUT='Create a volume'
    OPTS=(
        'd|driver|string|Specify volume driver name (default "local")'
        '|label|list|Set metadata for a volume'
        '|name|string|Specify volume name'
        'o|opt|list|Set driver specific options'
    )
    opts_parse 1 "$@"
    [ "${#ARGS[@]}" -le 1 ] || opts_nargs exact 1
    local name=${ARGS[0]:-$OPT_name}
    [ -z "${ARGS[0]:-}" ] || [ -z "$OPT_name" ] || [ "$OPT_name" = "${ARGS[0]}" ] ||
        die "conflicting options: either specify --name or provide positional arg, not both"
    case "${OPT_driver:-local}" in local) ;; *) fail "Error response: plugin \"$OPT_driver\" not found" ;; esac
    local anon=0
    [ -n "$name" ] || { new_id name; anon=1; }
    # vol_create's errors are the daemon's: 1 here (125 is run's)
    (vol_create "$name" "$anon" "${OPT_opt[@]}" -- "${OPT_label[@]}") || exit 1
    echo "$name"
}

# The volumes: every directory of $VOLUMES with its data.
volume_names() {
    local d
    for d in "$VOLUMES"/*/_data; do d=${d%/_data}; echo "${d##*/}"; done
}

volume_ls() {
    USAGE='[OPTIONS]'
    ABOUT='List volumes'
    OPTS=(
        'f|filter|list|Provide filter values (e.g. "dangling=true")'
        '|format|string|Format output using a custom template'
        'q|quiet|bool|Only display volume names'
    )
    opts_parse 1 "$@"
    opts_nargs none
    local n f k v keep t header=0
    while read -r n; do
        [ -n "$n" ] || continue
        keep=1
        for f in "${OPT_filter[@]}"; do
            k=${f%%=*} v=${f#*=}
            case "$k" in
            dangling)
                case "$v" in true | 1) [ -z "$(vol_users "$n")" ] || keep=0 ;; false | 0) [ -n "$(vol_users "$n")" ] || keep=0 ;;
                *) die "Error response: invalid filter 'dangling=$v'" ;; esac ;;
            name) [[ "$n" == *"$v"* ]] || keep=0 ;;
            driver) [ "$v" = local ] || keep=0 ;;
            label) grep -qs -e "^$v\$" -e "^$v=" "$VOLUMES/$n/labels" || keep=0 ;;
            *) die "Error response: invalid filter '$k'" ;;
            esac
        done
        [ "$keep" = 1 ] || continue
        if [ "$OPT_quiet" = 1 ]; then echo "$n"; continue; fi
        if [ -n "$OPT_format" ]; then
            t=${OPT_format#table} t=${t# }
            t=${t//'{{.Name}}'/$n} t=${t//'{{.Driver}}'/local} t=${t//'{{.Scope}}'/local}
            t=${t//'{{.Mountpoint}}'/$VOLUMES/$n/_data}
            printf '%b\n' "$t"
            continue
        fi
        # docker's table: columns at least 10 wide, 3 apart
        [ "$header" = 1 ] || { printf '%-10s%s\n' DRIVER 'VOLUME NAME'; header=1; }
        printf '%-10s%s\n' local "$n"
    done < <(volume_names)
    if [ "$header" = 0 ] && [ "$OPT_quiet" = 0 ] && [ -z "$OPT_format" ]; then printf '%-10s%s\n' DRIVER 'VOLUME NAME'; fi
}

volume_inspect() {
    USAGE='[OPTIONS] VOLUME [VOLUME...]'
    ABOUT='Display detailed information on one or more volumes'
    OPTS=('f|format|string|Format output using a custom template')
    opts_parse 1 "$@"
    opts_nargs min 1
    local n rc=0 created
    local -a out=()
    for n in "${ARGS[@]}"; do
        vol_exists "$n" || { complain "Error response: get $n: no such volume"; rc=1; continue; }
        read -r created <"$VOLUMES/$n/created"
        out+=("$(jq -n --arg name "$n" --arg mp "$VOLUMES/$n/_data" --arg created "$(date -u -d "@$created" +%Y-%m-%dT%H:%M:%SZ)" \
            --argjson labels "$(jq -R 'select(. != "") | {(split("=")[0]): (split("=")[1:] | join("="))}' "$VOLUMES/$n/labels" | jq -s 'add // {}')" \
            --argjson opts "$(jq -R 'select(. != "") | {(split("=")[0]): (split("=")[1:] | join("="))}' "$VOLUMES/$n/options" | jq -s 'add')" \
            --argjson anon "$(cat "$VOLUMES/$n/anonymous")" \
            '{CreatedAt: $created, Driver: "local", Labels: (if $anon == 1 then $labels + {"com.docker.volume.anonymous": ""} else $labels end),
              Mountpoint: $mp, Name: $name, Options: $opts, Scope: "local"}')")
    done
    inspect_print "${out[@]}" || exit
    return "$rc"
}

volume_rm() {
    USAGE='[OPTIONS] VOLUME [VOLUME...]'
    ABOUT='Remove one or more volumes. You cannot remove a volume that is in use by a container.'
    OPTS=('f|force|bool|Force the removal of one or more volumes')
    opts_parse 1 "$@"
    opts_nargs min 1
    local n rc=0
    for n in "${ARGS[@]}"; do
        if ! vol_exists "$n"; then
            [ "$OPT_force" = 1 ] || { complain "Error response: get $n: no such volume"; rc=1; }
            continue
        fi
        vol_remove "$n" && echo "$n" || rc=1
    done
    return "$rc"
}

volume_prune() {
    kd_lib prune
    USAGE='[OPTIONS]'
    ABOUT='Remove unused local volumes'
    OPTS=(
        'a|all|bool|Remove all unused volumes, not just anonymous ones'
        '|filter|list|Provide filter values (e.g. "label=<label>")'
        'f|force|bool|Do not prompt for confirmation'
    )
    opts_parse 1 "$@"
    opts_nargs none
    [ "$OPT_force" = 1 ] || confirm "WARNING! This will remove anonymous local volumes not used by at least one container." || return 0
    prune_volumes "$OPT_all"
    prune_report
}
