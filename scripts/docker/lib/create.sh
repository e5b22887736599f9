# shellcheck shell=bash
# A container made from an image and docker create's (and run's) options: its
# record, network, bundle and command check, ready for its monitor to start
# it. run and create share the option table and this one path.
kd_lib record network lifecycle command units volume

# docker create's flags, as both commands take them.
CREATE_OPTS=(
    '|add-host|list|Add a custom host-to-IP mapping (host:ip)'
    'a|attach|list|Attach to STDIN, STDOUT or STDERR'
    '|cap-add|list|Add Linux capabilities'
    '|cap-drop|list|Drop Linux capabilities'
    '|cidfile|string|Write the container ID to the file'
    '|cpu-shares|int|CPU shares (relative weight)'
    '|cpus|decimal|Number of CPUs'
    '|device|list|Add a host device to the container'
    '|dns|list|Set custom DNS servers'
    '|dns-option|list|Set DNS options'
    '|dns-search|list|Set custom DNS search domains'
    '|entrypoint|string|Overwrite the default ENTRYPOINT of the image'
    'e|env|list|Set environment variables'
    '|env-file|list|Read in a file of environment variables'
    'h|hostname|string|Container host name'
    '|init|bool|Run an init inside the container that forwards signals and reaps processes'
    'i|interactive|bool|Keep STDIN open even if not attached'
    '|ip|string|IPv4 address (e.g., 172.30.100.104)'
    '|ipc|string|IPC mode to use'
    'l|label|list|Set meta data on a container'
    'm|memory|bytes|Memory limit'
    '|mount|list|Attach a filesystem mount to the container'
    '|name|string|Assign a name to the container'
    '|network|network|Connect a container to a network'
    '|net|=network|'
    '|network-alias|list|Add network-scoped alias for the container'
    '|net-alias|=network-alias|'
    '|pid|string|PID namespace to use'
    '|pids-limit|int|Tune container pids limit (set -1 for unlimited)'
    '|platform|string|Set platform if server is multi-platform capable'
    '|privileged|bool|Give extended privileges to this container'
    'p|publish|list|Publish a container'"'"'s port(s) to the host'
    'P|publish-all|bool|Publish all exposed ports to random ports'
    '|pull|string|Pull image before creating ("always"|"missing"|"never") (default "missing")'
    '|read-only|bool|Mount the container'"'"'s root filesystem as read only'
    '|restart|string|Restart policy to apply when a container exits (default "no")'
    '|rm|bool|Automatically remove the container and its associated anonymous volumes when it exits'
    '|security-opt|list|Security Options'
    '|shm-size|bytes|Size of /dev/shm'
    '|stop-signal|string|Signal to stop the container'
    '|stop-timeout|int|Timeout (in seconds) to stop a container'
    '|tmpfs|list|Mount a tmpfs directory'
    't|tty|bool|Allocate a pseudo-TTY'
    '|ulimit|list|Ulimit options'
    'u|user|string|Username or UID (format: <name|uid>[:<group|gid>])'
    'v|volume|list|Bind mount a volume'
    'w|workdir|string|Working directory inside the container'
)

# create_container IMAGE [CMD...]: the container of the parsed OPT_*; sets
# CREATED_ID. On failure nothing is left (the EXIT trap stays set for run).
create_container() {
    local image=$1 network=${OPT_network:-bridge} hostname=$OPT_hostname memory='' v
    OPT_IMAGE=$image
    shift
    local -a envs=()
    for v in "${OPT_env_file[@]}"; do read_env_file "$v"; done
    envs+=("${OPT_env[@]}")
    [ -z "$OPT_memory" ] || parse_bytes memory "$OPT_memory"
    check_restart_policy "${OPT_restart:-no}"
    # docker run's flags that only change the bundle: checked before anything is made
    local -a extra=()
    create_flags
    case "${OPT_pull:-missing}" in
    always | missing | never) ;;
    *) die "invalid pull option: '$OPT_pull': must be one of \"always\", \"missing\" or \"never\"" ;;
    esac
    [ -z "$OPT_cidfile" ] || [ ! -e "$OPT_cidfile" ] ||
        die "container ID file found, make sure the other container isn't running or delete $OPT_cidfile"
    [ -z "$OPT_stop_signal" ] || kill -l "$OPT_stop_signal" >/dev/null 2>&1 ||
        die "Invalid signal: $OPT_stop_signal"
    if [ -n "$OPT_cpus" ] && ! [[ "$OPT_cpus" =~ ^[0-9]*\.?[0-9]+$ ]]; then
        die "invalid argument \"$OPT_cpus\" for \"--cpus\""
    fi
    create_check_network "$network"
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
    [ "${#OPT_label[@]}" -eq 0 ] || record_put "$id" labels "$(IFS=,; printf '%s' "${OPT_label[*]}")"
    [ "${#OPT_attach[@]}" -eq 0 ] || record_put "$id" attach "${OPT_attach[*]^^}"
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
        # --dns: the servers the container's resolver forwards to on a user network
        [ "${#OPT_dns[@]}" -eq 0 ] || record_put "$id" dns "${OPT_dns[*]}"
        local -a exposed=()
        [ "$OPT_publish_all" = 0 ] || mapfile -t exposed < <(create_exposed_ports)
        net_setup "$id" "${OPT_publish[@]}" "${exposed[@]}"
        # shellcheck disable=SC2153 # set by net_setup
        net_ip=$NET_IP net_ns=$NET_NS net_gw=$NET_GW net_dns=$NET_DNS
        record_fill "$id" ports "$KEEL_NET" ports "$id"
        record_put "$id" ip "$net_ip"
    fi
    # hosts, hostname and resolv.conf as docker provides them
    [ "${#OPT_add_host[@]}" = 0 ] || record_fill "$id" extra_hosts create_extra_hosts "$net_gw"
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
        --cgroups-path "/$KEEL_CGROUP_PARENT/$id" --annotation "io.keel.docker.id=$id")
    # -v, --mount and --tmpfs: host paths and volumes become bind mounts here,
    # tmpfs mounts and the image's VOLUMEs once the bundle exists
    volumes_parse "$id"
    for v in "${VOL_BINDS[@]}"; do bundle+=(--mount "$v"); done
    # then docker's files, over a volume at /etc as docker mounts them
    bundle+=(--mount "$dir/hosts:/etc/hosts" --mount "$dir/hostname:/etc/hostname"
        --mount "$dir/resolv.conf:/etc/resolv.conf")
    for v in "${OPT_label[@]}"; do bundle+=(--annotation "$v"); done
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
    bundle+=("${extra[@]}")
    case "${OPT_pull:-missing}" in
    always) pull_image "$image" ;;
    never) images inspect "$image" >/dev/null 2>&1 || die "Error response: No such image: $image" ;;
    esac
    [ -z "$OPT_platform" ] || check_platform "$image"
    local cmd0 path image_id
    bundle_image "$image" "$dir/bundle" "${bundle[@]}" -- "$@"
    { IFS= read -r cmd0; IFS= read -r path; IFS= read -r image_id; } <<<"$BUNDLE_OUT"
    check_command "$dir/bundle/rootfs" "$cmd0" "$path" "failed to create task"
    volumes_finish "$id"
    record_put "$id" path "$path"
    record_put "$id" image_id "$image_id"
    [ -z "$OPT_user" ] || record_put "$id" user "$OPT_user"
    [ -z "${OPT_GIVEN[entrypoint]:-}" ] || record_put "$id" entrypoint "$OPT_entrypoint"
    if [ -n "$OPT_cidfile" ]; then
        printf '%s' "$id" >"$OPT_cidfile" || die "failed to write the container ID to the file: $OPT_cidfile"
    fi
    record_command "$id"
    record_publish "$id"
    CREATED_ID=$id
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

# create_flags: the options docker run passes to the runtime's config, as
# keel-image bundle's options appended to extra (the caller's array); stdin
# set by -a STDIN. Errors are docker's, before anything is made.
create_flags() {
    local v b
    for v in "${OPT_attach[@]}"; do
        case "${v^^}" in
        STDIN) OPT_interactive=1 ;;
        STDOUT | STDERR) ;;
        *) die "invalid argument \"$v\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR" ;;
        esac
    done
    local i
    for i in "${!OPT_label[@]}"; do
        v=${OPT_label[i]}
        [ -n "${v%%=*}" ] || die "invalid label '$v': empty name"
        [[ $v == *=* ]] || OPT_label[i]=$v=
    done
    [ "$OPT_privileged" = 0 ] || extra+=(--privileged)
    for v in "${OPT_cap_add[@]}"; do extra+=(--cap-add "$v"); done
    for v in "${OPT_cap_drop[@]}"; do extra+=(--cap-drop "$v"); done
    for v in "${OPT_device[@]}"; do extra+=(--device "$v"); done
    for v in "${OPT_ulimit[@]}"; do extra+=(--ulimit "$v"); done
    [ -z "$OPT_cpu_shares" ] || extra+=(--cpu-shares "$OPT_cpu_shares")
    if [ -n "$OPT_shm_size" ]; then
        parse_bytes b "$OPT_shm_size"
        [ "$b" -gt 0 ] || die "invalid --shm-size: $OPT_shm_size"
        extra+=(--shm-size "$b")
    fi
    if [ "$OPT_init" = 1 ]; then
        v=$(init_binary)
        [ -n "$v" ] || die "--init: no init binary: install Debian's tini (/usr/bin/tini-static) or set KEEL_DOCKER_INIT"
        extra+=(--init "$v")
    fi
    create_namespace pid "$OPT_pid"
    case "$OPT_ipc" in
    '' | private | shareable) ;;
    host | container:*) create_namespace ipc "$OPT_ipc" ;;
    *) die "Error response: Invalid IPC mode: $OPT_ipc" ;;
    esac
    for v in "${OPT_security_opt[@]}"; do create_security_opt "$v"; done
}

# create_namespace pid|ipc MODE: host, or container:NAME (the namespace of
# that running container), as --pidns/--ipcns.
create_namespace() {
    local kind=$1 mode=$2 other
    case "$mode" in
    '') return 0 ;;
    host) extra+=("--${kind}ns" host) ;;
    container:*)
        other=$(resolve_container "${mode#container:}") || exit 125
        container_status "$other"
        [ "$ST_state" = running ] ||
            die "Error response: cannot join ${kind^^} of a non running container: ${mode#container:}"
        extra+=("--${kind}ns" "/proc/$ST_pid/ns/$kind")
        ;;
    *) die "--pid: invalid PID mode" ;; # --ipc's other modes are checked before
    esac
}

# --security-opt KEY=VALUE (or docker's older KEY:VALUE).
create_security_opt() {
    local opt=$1 key value
    case "$opt" in
    no-new-privileges) key=no-new-privileges value=true ;;
    *=*) key=${opt%%=*} value=${opt#*=} ;;
    *:*) key=${opt%%:*} value=${opt#*:} ;;
    *) die "Error response: invalid --security-opt 1: \"$opt\"" ;;
    esac
    case "$key" in
    no-new-privileges)
        case "$value" in
        true) extra+=(--no-new-privileges) ;;
        false) ;;
        *) die "Error response: invalid --security-opt 2: \"$opt\"" ;;
        esac
        ;;
    seccomp)
        [ "$value" = unconfined ] || [ -r "$value" ] || die "opening seccomp profile ($value) failed: open $value: no such file or directory"
        extra+=(--seccomp "$value")
        ;;
    apparmor) extra+=(--apparmor "$value") ;;
    label)
        # without SELinux only "disable" has a meaning: anything else cannot be applied
        [ "$value" = disable ] || die "Error response: --security-opt label=$value: SELinux is not enabled on this host"
        ;;
    *) die "Error response: invalid --security-opt 2: \"$opt\"" ;;
    esac
}

# pull_image IMAGE: the image fetched again (--pull always), for --platform when given.
pull_image() {
    local -a p=()
    [ -z "$OPT_platform" ] || p=(--platform "$OPT_platform")
    images pull "${p[@]}" "$1" >&2 || exit 125
}

# check_platform IMAGE: the stored image is for --platform, else pulled for it
# (--pull never: docker's error).
check_platform() {
    local have
    have=$(images inspect "$1" 2>/dev/null | jq -r '.config | "\(.os)/\(.architecture)\(if .variant then "/" + .variant else "" end)"') || have=
    case "$OPT_platform" in "$have" | "$have"/*) return 0 ;; esac
    [ "$OPT_pull" != never ] || die "Error response: image $1 is for $have, not $OPT_platform"
    pull_image "$1"
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
        *"runtime config: "*)
            # an option's own error (an unknown capability, a bad --ulimit, ...)
            out=${out##*runtime config: } out=${out%: Invalid argument}
            die "Error response: $out"
            ;;
        *) echo "$out" >&2; exit 125 ;;
        esac
        echo "Unable to find image '$image' locally" >&2
        images pull "$image" >&2 || exit 125
        out=$(bundles bundle "${opts[@]}" "$image" "$dir" "$@") || exit 125
    fi
    BUNDLE_OUT=$out
}

# The network options against the mode, with docker's messages.
create_check_network() {
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
create_exposed_ports() {
    [ "$OPT_publish_all" = 1 ] || return 0
    local json
    json=$(images inspect "$OPT_IMAGE" 2>/dev/null) || {
        images pull "$OPT_IMAGE" >&2 || exit 125
        json=$(images inspect "$OPT_IMAGE")
    }
    jq -r '.config.config.ExposedPorts // {} | keys[] | if test("/") then . else . + "/tcp" end' <<<"$json"
}

# --add-host NAME:IP lines as /etc/hosts has them; host-gateway is GATEWAY.
create_extra_hosts() {
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
