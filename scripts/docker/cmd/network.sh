# shellcheck shell=bash
# keel-docker network: user networks (keel-docker-net makes them) and
# containers' connections to them.
kd_lib group record network state format

USAGE='COMMAND'
ABOUT='Manage networks'
OPTS=()

cmd_network() { group_run network 'list=ls remove=rm' "$@"; }

network_create() {
    USAGE='[OPTIONS] NETWORK'
    ABOUT='Create a network'
    OPTS=(
        '|attachable|bool|Enable manual container attachment'
        'd|driver|string|Driver to manage the Network (default "bridge")'
        '|gateway|list|IPv4 or IPv6 Gateway for the master subnet'
        '|internal|bool|Restrict external access to the network'
        '|label|list|Set metadata on a network'
        '|subnet|list|Subnet in CIDR format that represents a network segment'
    )
    opts_parse 1 "$@"
    opts_nargs exact 1
    local name=${ARGS[0]} id
    case "${OPT_driver:-bridge}" in
    bridge) ;;
    *) fail "Error response: plugin \"$OPT_driver\" not found" ;;
    esac
    case "$name" in bridge | host | none) fail "Error response: network with name $name already exists" ;; esac
    [[ "$name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] ||
        fail "Error response: invalid network name \"$name\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    [ "${#OPT_subnet[@]}" -le 1 ] || fail "Error response: keel-docker supports one IPv4 subnet per network"
    [ "${#OPT_gateway[@]}" -le 1 ] || fail "Error response: keel-docker supports one IPv4 gateway per network"
    new_id id
    "$KEEL_NET" create "$name" "$id" "${OPT_subnet[0]:-}" "${OPT_gateway[0]:-}" "$OPT_internal" \
        "${OPT_label[@]}" 2>&1 | sed 's/^keel-docker-net: /keel-docker: Error response: /' >&2
    [ "${PIPESTATUS[0]}" = 0 ] || exit 1
    echo "$id"
}

# network_info NAME: the definition into NI_<key> (NI_label an array).
network_info() {
    local k v out
    NI_label=()
    out=$("$KEEL_NET" info "$1" 2>/dev/null) || return 1
    while IFS='=' read -r k v; do
        if [ "$k" = label ]; then NI_label+=("$v"); else printf -v "NI_$k" '%s' "$v"; fi
    done <<<"$out"
}

# The networks docker lists: bridge, host, none and the user networks.
network_names() { { printf '%s\n' bridge host none; "$KEEL_NET" list; } | sort; }

network_ls() {
    USAGE='[OPTIONS]'
    ABOUT='List networks'
    OPTS=(
        'f|filter|list|Provide filter values (e.g. "driver=bridge")'
        '|format|string|Format output using a custom template'
        '|no-trunc|bool|Do not truncate the output'
        'q|quiet|bool|Only display network IDs'
    )
    opts_parse 1 "$@"
    opts_nargs none
    local n id driver f k v keep width=0
    local -a rows=()
    while read -r n; do
        case "$n" in
        host) id=$(printf '%s' "keel-$n" | sha256sum) id=${id%% *} driver=host NI_internal=0 ;;
        none) id=$(printf '%s' "keel-$n" | sha256sum) id=${id%% *} driver=null NI_internal=0 ;;
        *) network_info "$n" || continue; id=$NI_id driver=bridge ;;
        esac
        keep=1
        for f in "${OPT_filter[@]}"; do
            k=${f%%=*} v=${f#*=}
            case "$k" in
            name) [[ "$n" == *"$v"* ]] || keep=0 ;;
            id) [[ "$id" == "$v"* ]] || keep=0 ;;
            driver) [ "$driver" = "$v" ] || keep=0 ;;
            type) case "$n" in bridge | host | none) [ "$v" = builtin ] || keep=0 ;; *) [ "$v" = custom ] || keep=0 ;; esac ;;
            label) network_info "$n" 2>/dev/null; [[ " ${NI_label[*]} " == *" $v"[=\ ]* ]] || keep=0 ;;
            *) die "Error response: invalid filter '$k'" ;;
            esac
        done
        [ "$keep" = 1 ] || continue
        [ "$OPT_no_trunc" = 1 ] || id=${id:0:12}
        if [ "$OPT_quiet" = 1 ]; then echo "$id"; continue; fi
        if [ -n "$OPT_format" ]; then
            network_format "$OPT_format" "$id" "$n" "$driver" "$([ "$NI_internal" = 1 ] && echo true || echo false)"
            continue
        fi
        rows+=("$id $n $driver")
        [ "${#n}" -le "$width" ] || width=${#n}
    done < <(network_names)
    [ "$OPT_quiet" = 0 ] && [ -z "$OPT_format" ] || return 0
    # docker's tabwriter: columns at least 10 wide, 3 apart
    local idw=$((OPT_no_trunc ? 67 : 15)) namew=$((width + 3 > 10 ? width + 3 : 10)) r
    printf '%-*s%-*s%-10s%s\n' "$idw" 'NETWORK ID' "$namew" NAME DRIVER SCOPE
    for r in "${rows[@]}"; do
        read -r id n driver <<<"$r"
        printf '%-*s%-*s%-10s%s\n' "$idw" "$id" "$namew" "$n" "$driver" local
    done
}

# network_format TEMPLATE ID NAME DRIVER INTERNAL: ls's --format fields.
network_format() {
    local t=$1
    case "$t" in table*) t=${t#table} t=${t# } ;; esac
    t=${t//'{{.ID}}'/$2} t=${t//'{{.Name}}'/$3} t=${t//'{{.Driver}}'/$4} t=${t//'{{.Scope}}'/local}
    t=${t//'{{.IPv6}}'/false} t=${t//'{{.Internal}}'/$5}
    printf '%b\n' "$t"
}

network_inspect() {
    USAGE='[OPTIONS] NETWORK [NETWORK...]'
    ABOUT='Display detailed information on one or more networks'
    OPTS=('f|format|string|Format output using a custom template' '|verbose|bool|Verbose output for diagnostics')
    opts_parse 1 "$@"
    opts_nargs min 1
    local n rc=0 out=() c ip name
    for n in "${ARGS[@]}"; do
        if ! network_info "$n"; then complain "Error response: network $n not found"; rc=1; continue; fi
        local members='{}'
        while read -r c ip; do
            [ -n "$c" ] || continue
            record_get name "$c" name
            members=$(jq -c --arg id "$c" --arg name "$name" --arg ip "$ip/${NI_subnet#*/}" \
                '.[$id] = {Name: $name, EndpointID: "", MacAddress: "", IPv4Address: $ip, IPv6Address: ""}' <<<"$members")
        done < <("$KEEL_NET" members "$n")
        out+=("$(jq -n --arg name "$n" --arg id "$NI_id" --arg created "$NI_created" --arg subnet "$NI_subnet" \
            --arg gw "$NI_gateway" --argjson internal "$([ "$NI_internal" = 1 ] && echo true || echo false)" \
            --argjson containers "$members" --arg bridge "$NI_bridge" \
            --argjson labels "$(printf '%s\n' "${NI_label[@]}" | jq -R 'select(. != "") | {(split("=")[0]): (split("=")[1:] | join("="))}' | jq -s 'add // {}')" \
            '{Name: $name, Id: $id, Created: $created, Scope: "local", Driver: "bridge", EnableIPv6: false,
              IPAM: {Driver: "default", Options: {}, Config: [{Subnet: $subnet, Gateway: $gw}]},
              Internal: $internal, Attachable: false, Ingress: false, ConfigFrom: {Network: ""}, ConfigOnly: false,
              Containers: $containers, Options: (if $name == "bridge" then {"com.docker.network.bridge.name": $bridge} else {} end),
              Labels: $labels}')")
    done
    inspect_print "${out[@]}" || exit
    return "$rc"
}

network_rm() {
    USAGE='NETWORK [NETWORK...]'
    ABOUT='Remove one or more networks'
    OPTS=('f|force|bool|Do not error if the network does not exist')
    opts_parse 1 "$@"
    opts_nargs min 1
    local n rc=0 err
    for n in "${ARGS[@]}"; do
        case "$n" in bridge | host | none)
            complain "Error response: $n is a pre-defined network and cannot be removed"; rc=1; continue ;;
        esac
        if err=$("$KEEL_NET" rm "$n" 2>&1); then
            echo "$n"
        elif [[ "$err" == *"not found"* ]] && [ "$OPT_force" = 1 ]; then
            continue
        else
            complain "Error response: ${err#keel-docker-net: }"
            rc=1
        fi
    done
    # docker's CLI ends a failed network rm with its status
    [ "$rc" = 0 ] || echo "exit status $rc" >&2
    return "$rc"
}

network_prune() {
    kd_lib prune
    USAGE='[OPTIONS]'
    ABOUT='Remove all unused networks'
    OPTS=('f|force|bool|Do not prompt for confirmation' '|filter|list|Provide filter values (e.g. "until=<timestamp>")')
    opts_parse 1 "$@"
    opts_nargs none
    [ "$OPT_force" = 1 ] || confirm "WARNING! This will remove all custom networks not used by at least one container." || return 0
    local out
    out=$("$KEEL_NET" prune)
    [ -z "$out" ] || printf 'Deleted Networks:\n%s\n' "$out"
}

network_connect() {
    USAGE='[OPTIONS] NETWORK CONTAINER'
    ABOUT='Connect a container to a network'
    OPTS=(
        '|alias|list|Add network-scoped alias for the container'
        '|ip|string|IPv4 address (e.g., "172.30.100.104")'
    )
    opts_parse 1 "$@"
    opts_nargs exact 2
    local net=${ARGS[0]} id name aliases
    id=$(resolve_container "${ARGS[1]}") || exit 1
    case "$net" in
    host | none) die "Error response: container cannot be disconnected from host network or connected to host network" ;;
    esac
    net_exists "$net" || die "Error response: network $net not found"
    local mode
    record_get mode "$id" network
    net_is_networked "$mode" || die "Error response: container sharing network namespace with another container or host cannot be connected to any other network"
    if grep -q "^$net " "$CONTAINERS/$id/networks" 2>/dev/null; then
        die "Error response: endpoint with name $(record_fact "$id" name) already exists in network $net"
    fi
    aliases=$(IFS=,; echo "${OPT_alias[*]}")
    record_get name "$id" name
    container_status "$id"
    if [ "$ST_state" = running ] && net_is_up "$id"; then
        "$KEEL_NET" connect "$id" "$name" "$(net_spec "$net" "${OPT_ip:--}" "${aliases:--}")" >/dev/null 2>"$CONTAINERS/$id/.connect.err" || {
            local e
            e=$(cat "$CONTAINERS/$id/.connect.err")
            rm -f "$CONTAINERS/$id/.connect.err"
            die "Error response: ${e#keel-docker-net: }"
        }
        rm -f "$CONTAINERS/$id/.connect.err"
    fi
    { cat "$CONTAINERS/$id/networks" 2>/dev/null; echo "$net ${OPT_ip:--} ${aliases:--}"; } | record_fill "$id" networks cat
}

network_disconnect() {
    USAGE='[OPTIONS] NETWORK CONTAINER'
    ABOUT='Disconnect a container from a network'
    OPTS=('f|force|bool|Force the container to disconnect from a network')
    opts_parse 1 "$@"
    opts_nargs exact 2
    local net=${ARGS[0]} id
    id=$(resolve_container "${ARGS[1]}") || exit 1
    net_exists "$net" || die "Error response: network $net not found"
    grep -q "^$net " "$CONTAINERS/$id/networks" 2>/dev/null ||
        die "Error response: container $id is not connected to network $net"
    ! net_is_up "$id" || "$KEEL_NET" disconnect "$id" "$net" >/dev/null 2>&1 || true
    grep -v "^$net " "$CONTAINERS/$id/networks" | record_fill "$id" networks cat
}
