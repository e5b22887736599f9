# shellcheck shell=bash
# keel-docker run: a container from an image: its record, network, bundle,
# then the container itself, in the foreground or detached.
kd_lib record network lifecycle command volume

USAGE='[OPTIONS] IMAGE [COMMAND] [ARG...]'
ABOUT='Create and run a new container from an image'
ALIASES='container run, run'
OPTS=(
    '|add-host|list|Add a custom host-to-IP mapping (host:ip)'
    '|cpus|decimal|Number of CPUs'
    'd|detach|bool|Run container in background and print container ID'
    '|detach-keys|string|Override the key sequence for detaching a container'
    '|dns|list|Set custom DNS servers'
    '|dns-option|list|Set DNS options'
    '|dns-search|list|Set custom DNS search domains'
    '|entrypoint|string|Overwrite the default ENTRYPOINT of the image'
    'e|env|list|Set environment variables'
    '|env-file|list|Read in a file of environment variables'
    'h|hostname|string|Container host name'
    'i|interactive|bool|Keep STDIN open even if not attached'
    '|ip|string|IPv4 address (e.g., 172.30.100.104)'
    'm|memory|bytes|Memory limit'
    '|mount|list|Attach a filesystem mount to the container'
    '|name|string|Assign a name to the container'
    '|network|network|Connect a container to a network'
    '|net|=network|'
    '|network-alias|list|Add network-scoped alias for the container'
    '|net-alias|=network-alias|'
    '|pids-limit|int|Tune container pids limit (set -1 for unlimited)'
    'p|publish|list|Publish a container'"'"'s port(s) to the host'
    'P|publish-all|bool|Publish all exposed ports to random ports'
    '|read-only|bool|Mount the container'"'"'s root filesystem as read only'
    '|restart|string|Restart policy to apply when a container exits (default "no")'
    '|rm|bool|Automatically remove the container and its associated anonymous volumes when it exits'
    '|sig-proxy|bool|Proxy received signals to the process (default true)'
    '|stop-signal|string|Signal to stop the container'
    '|stop-timeout|int|Timeout (in seconds) to stop a container'
    '|tmpfs|list|Mount a tmpfs directory'
    't|tty|bool|Allocate a pseudo-TTY'
    'u|user|string|Username or UID (format: <name|uid>[:<group|gid>])'
    'v|volume|list|Bind mount a volume'
    'w|workdir|string|Working directory inside the container'
)

cmd_run() {
    opts_parse 0 "$@"
    opts_nargs min 1
    set -- "${ARGS[@]}"
    local image=$1 network=${OPT_network:-bridge} hostname=$OPT_hostname memory='' v
    OPT_IMAGE=$image
    shift
    local -a envs=()
    for v in "${OPT_env_file[@]}"; do read_env_file "$v"; done
    envs+=("${OPT_env[@]}")
    [ -z "$OPT_memory" ] || memory=$(parse_bytes "$OPT_memory")
    check_restart_policy "${OPT_restart:-no}"
    [ -z "$OPT_stop_signal" ] || kill -l "$OPT_stop_signal" >/dev/null 2>&1 ||
        die "Invalid signal: $OPT_stop_signal"
    if [ -n "$OPT_cpus" ] && ! [[ "$OPT_cpus" =~ ^[0-9]*\.?[0-9]+$ ]]; then
        die "invalid argument \"$OPT_cpus\" for \"--cpus\""
    fi
    run_check_network "$network"
    if [ "${#OPT_publish[@]}" -gt 0 ] && net_is_networked "$network"; then
        "$KEEL_NET" check-ports "${OPT_publish[@]}" || exit 125
    fi
    if [ -n "$OPT_name" ] && ! [[ "$OPT_name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]]; then
        die "Invalid container name ($OPT_name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    fi

    record_new "$OPT_name"
    local id=$REC_ID dir=$CONTAINERS/$REC_ID
    # a failure from here on removes what was made
    CLEANUP_ID=$id
    trap 'remove_container "$CLEANUP_ID" 1 1' EXIT

    record_put "$id" image "$image"
    record_put "$id" network "$network"
    record_put "$id" autoremove "$OPT_rm"
    record_put "$id" tty "$OPT_tty"
    record_put "$id" stdin "$OPT_interactive"
    [ -z "$OPT_restart" ] || record_put "$id" restart "$OPT_restart"
    [ -z "$OPT_stop_signal" ] || record_put "$id" stop_signal "$OPT_stop_signal"
    [ -z "$OPT_stop_timeout" ] || record_put "$id" stop_timeout "$OPT_stop_timeout"
    record_fill "$id" ports true
    local net_ip='' net_ns=none net_gw='' net_dns=0 target=''
    [ "$network" != host ] || net_ns=host
    case "$network" in
    container:*)
        target=$(resolve_container "${network#container:}") || exit 125
        container_status "$target"
        [ "$ST_state" = running ] || die "Error response: cannot join network namespace of a non running container: container ${target} is ${ST_state}"
        net_ns=/proc/$ST_pid/ns/net
        record_get hostname "$target" hostname
        ;;
    host) [ -n "$hostname" ] || hostname=$(hostname) ;;
    esac
    [ -n "$hostname" ] || hostname=${id:0:12}
    record_put "$id" hostname "$hostname"

    local aliases='' a
    for a in "${OPT_network_alias[@]}"; do aliases+=${aliases:+,}$a; done
    if net_is_networked "$network"; then
        record_put "$id" networks "$network ${OPT_ip:--} ${aliases:--}"
        local -a exposed=()
        [ "$OPT_publish_all" = 0 ] || mapfile -t exposed < <(run_exposed_ports)
        net_setup "$id" "${OPT_publish[@]}" "${exposed[@]}"
        # shellcheck disable=SC2153 # set by net_setup
        net_ip=$NET_IP net_ns=$NET_NS net_gw=$NET_GW net_dns=$NET_DNS
        record_fill "$id" ports "$KEEL_NET" ports "$id"
        record_put "$id" ip "$net_ip"
    fi
    # hosts, hostname and resolv.conf as docker provides them
    [ "${#OPT_add_host[@]}" = 0 ] || record_fill "$id" extra_hosts run_extra_hosts "$net_gw"
    if [ -n "$target" ]; then
        record_fill "$id" hosts cat "$CONTAINERS/$target/hosts"
        record_fill "$id" resolv.conf cat "$CONTAINERS/$target/resolv.conf"
    elif [ "$network" = host ]; then
        local -a hosts=(/etc/hosts)
        [ ! -e "$dir/extra_hosts" ] || hosts+=("$dir/extra_hosts")
        record_fill "$id" hosts cat "${hosts[@]}"
        record_fill "$id" resolv.conf cat /etc/resolv.conf
    else
        record_fill "$id" hosts make_hosts "$hostname" "$net_ip" "$dir/extra_hosts"
        record_fill "$id" resolv.conf make_resolv_conf "$net_dns" "${OPT_dns[*]}" "${OPT_dns_search[*]}" "${OPT_dns_option[*]}"
    fi

    # keel-image writes the container's config once, from the image and these
    # (docker run's semantics), and prints args[0] and PATH for the check below.
    local -a bundle=(--print-command --hostname "$hostname" --netns "$net_ns"
        --cgroups-path "/$KEEL_CGROUP_PARENT/$id" --annotation "io.keel.docker.id=$id"
        --mount "$dir/hosts:/etc/hosts" --mount "$dir/hostname:/etc/hostname"
        --mount "$dir/resolv.conf:/etc/resolv.conf")
    # -v, --mount and --tmpfs: host paths and volumes become bind mounts here,
    # tmpfs mounts and the image's VOLUMEs once the bundle exists
    volumes_parse "$id"
    for v in "${VOL_BINDS[@]}"; do bundle+=(--mount "$v"); done
    # docker's own variables first: the image's and the user's may replace them
    bundle+=(--env "HOSTNAME=$hostname")
    [ "$OPT_tty" = 0 ] || bundle+=(--tty --env TERM=xterm)
    for v in "${envs[@]}"; do bundle+=(--env "$v"); done
    # nothing of a --rm container's writable layer has to survive a host crash
    [ "$OPT_rm" = 0 ] || bundle+=(--volatile)
    [ "$OPT_read_only" = 0 ] || bundle+=(--read-only)
    [ -z "${OPT_GIVEN[entrypoint]:-}" ] || bundle+=(--entrypoint "$OPT_entrypoint")
    [ -z "$OPT_workdir" ] || bundle+=(--workdir "$OPT_workdir")
    [ -z "$OPT_user" ] || bundle+=(--user "$OPT_user")
    [ -z "$memory" ] || bundle+=(--memory "$memory")
    [ -z "$OPT_cpus" ] || bundle+=(--cpus "$OPT_cpus")
    [ -z "$OPT_pids_limit" ] || bundle+=(--pids-limit "$OPT_pids_limit")
    local cmd0 path
    bundle_image "$image" "$dir/bundle" "${bundle[@]}" -- "$@"
    { IFS= read -r cmd0; IFS= read -r path; } <<<"$BUNDLE_OUT"
    check_command "$dir/bundle/rootfs" "$cmd0" "$path" "failed to create task"
    volumes_finish "$id"
    record_put "$id" path "$path"
    record_command "$id"
    record_publish "$id"

    if [ "$OPT_detach" = 1 ]; then
        container_launch "$id"
        trap - EXIT
        echo "$id"
        return 0
    fi
    # the attached monitor replaces this process (and its EXIT trap) once it starts
    local -a attach=(--attach)
    [ -z "$OPT_detach_keys" ] || attach+=(--detach-keys "$OPT_detach_keys")
    # given or not, signals are proxied unless --sig-proxy=false (docker's default)
    [ -z "${OPT_GIVEN[sig-proxy]:-}" ] || attach+=(--sig-proxy="$([ "$OPT_sig_proxy" = 1 ] && echo true || echo false)")
    container_launch "$id" "${attach[@]}"
}

# docker's restart policies: no, always, unless-stopped, on-failure[:N].
check_restart_policy() {
    case "$1" in
    no | always | unless-stopped | on-failure) ;;
    on-failure:*)
        [[ "${1#on-failure:}" =~ ^[0-9]+$ ]] ||
            die "invalid restart policy format: maximum retry count must be an integer"
        ;;
    *) die "invalid restart policy: unknown policy '${1%%:*}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'" ;;
    esac
    [ "$1" = no ] || [ "$OPT_rm" = 0 ] || die "conflicting options: cannot specify both --restart and --rm"
    return 0
}

# Bytes from docker's size syntax: 512, 64k, 64m, 1g (b, k, m, g; case-insensitive).
parse_bytes() {
    local v=${1,,} n unit
    n=${v%[bkmg]}
    unit=${v#"$n"}
    case "$n" in '' | *[!0-9]*) die "invalid size: '$1'" ;; esac
    case "$unit" in
    '' | b) echo "$n" ;;
    k) echo $((n * 1024)) ;;
    m) echo $((n * 1024 * 1024)) ;;
    g) echo $((n * 1024 * 1024 * 1024)) ;;
    esac
}

# Makes the container's bundle from IMAGE in DIR with keel-image bundle's
# options (then -- CMD...), pulling the image when it is missing; sets
# BUNDLE_OUT to what --print-command prints (no subshell: forks add up).
bundle_image() {
    local image=$1 dir=$2 out
    shift 2
    local -a opts=()
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    [ $# -eq 0 ] || set -- -- "$@"
    if ! out=$(bundles bundle "${opts[@]}" "$image" "$dir" "$@" 2>&1); then
        case "$out" in
        *"not found in"*) ;;
        *"no command specified"*) die "Error response: no command specified" ;;
        *"no such user"*) die "unable to find user ${OPT_user%%:*}: no matching entries in passwd file" ;;
        *"no such group"*) die "unable to find group ${OPT_user#*:}: no matching entries in group file" ;;
        *) echo "$out" >&2; exit 125 ;;
        esac
        echo "Unable to find image '$image' locally" >&2
        images pull "$image" >&2 || exit 125
        out=$(bundles bundle "${opts[@]}" "$image" "$dir" "$@") || exit 125
    fi
    BUNDLE_OUT=$out
}

# The network options against the mode, with docker's messages.
run_check_network() {
    local net=$1
    net_exists "${net%%:*}" || [ "${net%%:*}" = container ] ||
        die "Error response: network $net not found"
    case "$net" in
    container:*)
        [ -z "$OPT_hostname" ] || die "Error response: conflicting options: hostname and the network mode"
        [ "${#OPT_add_host[@]}" = 0 ] || die "Error response: conflicting options: custom host-to-IP mapping and the network mode"
        [ "${#OPT_dns[@]}" = 0 ] || die "Error response: conflicting options: dns and the network mode"
        if [ "${#OPT_publish[@]}" != 0 ] || [ "$OPT_publish_all" != 0 ]; then
            die "Error response: conflicting options: port publishing and the container type network mode"
        fi
        ;;
    host)
        [ "${#OPT_publish[@]}" = 0 ] || echo "WARNING: Published ports are discarded when using host network mode" >&2
        OPT_publish=() OPT_publish_all=0
        ;;
    esac
    case "$net" in
    bridge | host | none | container:*)
        [ "${#OPT_network_alias[@]}" = 0 ] ||
            die "Error response: network-scoped alias is supported only for containers in user defined networks"
        [ -z "$OPT_ip" ] || die "Error response: user specified IP address is supported on user defined networks only"
        ;;
    esac
    return 0
}

# -P: every port the image EXPOSEs, as CTR/PROTO specs (an ephemeral host port each).
run_exposed_ports() {
    [ "$OPT_publish_all" = 1 ] || return 0
    local json
    json=$(images inspect "$OPT_IMAGE" 2>/dev/null) || {
        images pull "$OPT_IMAGE" >&2 || exit 125
        json=$(images inspect "$OPT_IMAGE")
    }
    jq -r '.config.config.ExposedPorts // {} | keys[] | if test("/") then . else . + "/tcp" end' <<<"$json"
}

# --add-host NAME:IP lines as /etc/hosts has them; host-gateway is GATEWAY.
run_extra_hosts() {
    local h name ip
    for h in "${OPT_add_host[@]}"; do
        name=${h%%:*} ip=${h#*:}
        if [ "$name" = "$h" ] || [ -z "$name" ]; then
            die "invalid argument \"$h\" for \"--add-host\" flag: bad format for add-host: \"$h\""
        fi
        [ "$ip" != host-gateway ] || ip=${1:-127.0.0.1}
        printf '%s\t%s\n' "$ip" "$name"
    done
}
