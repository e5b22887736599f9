# shellcheck shell=bash
# A container's life after `run` made its record, through its monitor
# (bin/keel-monitor, one process per running container): started detached or
# attached, stopped with real seconds, killed, waited for, removed. The
# monitor holds the container's output, writes container.log and the status
# file, applies the restart policy, and when no restart follows runs
# docker/exit-hook, which ends in container_ended below.
kd_lib record network state volume

# The options of the container's monitor, from its record, into MON_ARGS.
monitor_args() {
    local id=$1 dir=$CONTAINERS/$1 v
    MON_ARGS=(--dir "$dir" --id "$id" --bundle "$dir/bundle" --runtime "$KEEL"
        --runtime-root "$KEEL_RUN_ROOT")
    # the exit hook records the die event, tears down a bridge, removes a --rm container
    MON_ARGS+=(--exit-hook "$KD_LIB/exit-hook")
    record_get v "$id" tty
    [ "$v" != 1 ] || MON_ARGS+=(--tty)
    record_get v "$id" stdin
    [ "$v" != 1 ] || MON_ARGS+=(--stdin)
    record_get v "$id" restart
    [ -z "$v" ] || MON_ARGS+=(--restart "$v")
    record_get v "$id" stop_signal
    [ -z "$v" ] || MON_ARGS+=(--stop-signal "$v")
    record_get v "$id" stop_timeout
    [ -z "$v" ] || MON_ARGS+=(--stop-timeout "$v")
    # the exit hook is keel-docker again: it finds the same programs and store
    export KEEL KEEL_IMAGE KEEL_BUNDLE KEEL_NET KEEL_MONITOR KEEL_CGROUP_PARENT KEEL_NETGUARD
}

# container_start ID [ATTACH-OPTION...]: the container runs under a new
# monitor. With options (--attach, --detach-keys K, --sig-proxy=B) this
# process becomes the attached client and exits with the container's status,
# so that signals sent to keel-docker reach the container.
container_start() {
    prepare_restart "$1"
    container_launch "$@"
}

# container_launch ID [ATTACH-OPTION...]: container_start for a container
# whose network is ready (run has just made it).
container_launch() {
    local id=$1
    shift
    command -v "$KEEL_MONITOR" >/dev/null || die "cannot find keel-monitor (KEEL_MONITOR=$KEEL_MONITOR)"
    monitor_args "$id"
    record_drop "$id" paused
    record_event "$id" start
    if [ $# -gt 0 ]; then
        exec "$KEEL_MONITOR" start "${MON_ARGS[@]}" "$@"
    fi
    "$KEEL_MONITOR" start "${MON_ARGS[@]}" || exit $?
    # the network's guard now watches the monitor rather than this process
    ! net_is_up "$id" || net_watch "$id"
}

# The network is set up again for each start of a stopped container (the exit
# hook tore it down when it ended).
prepare_restart() {
    local id=$1 network hostname
    record_get network "$id" network
    if net_is_networked "$network"; then
        # what a monitor that died left behind
        ! net_is_up "$id" || net_teardown "$id"
        local -a ports=()
        mapfile -t ports < <(net_record_ports "$id")
        net_setup "$id" "${ports[@]}"
        record_put "$id" ip "$NET_IP"
        record_get hostname "$id" hostname
        record_fill "$id" hosts make_hosts "$hostname" "$NET_IP" "$CONTAINERS/$id/extra_hosts"
        # shellcheck disable=SC2016 # a jq program
        record_fill "$id" bundle/config.json jq --arg ns "$NET_NS" \
            '.linux.namespaces |= map(if .type == "network" then .path = $ns else . end)' \
            "$CONTAINERS/$id/bundle/config.json"
    fi
}

# The image's STOPSIGNAL when the container has no --stop-signal of its own.
image_stop_signal() {
    local v
    record_get v "$1" stop_signal
    [ -z "$v" ] || return 0
    jq -r '.annotations["org.opencontainers.image.stopSignal"] // empty' \
        "$CONTAINERS/$1/bundle/config.json" 2>/dev/null || true
}

# container_stop ID [TIMEOUT] [SIGNAL]: the stop signal, then SIGKILL after
# TIMEOUT seconds (the container's --stop-timeout, else 10); returns once the
# container has ended. No restart policy brings it back.
container_stop() {
    local id=$1 timeout=${2:-} sig=${3:-}
    container_is_up "$id" || return 0
    container_thaw "$id"
    [ -n "$sig" ] || sig=$(image_stop_signal "$id")
    local -a a=()
    [ -z "$timeout" ] || a+=(-t "$timeout")
    [ -z "$sig" ] || a+=(-s "$sig")
    "$KEEL_MONITOR" stop "${a[@]}" "$CONTAINERS/$id" >/dev/null ||
        die "Error response: cannot stop container ${id:0:12}"
}

# container_kill ID SIGNAL: a paused container is resumed first, as docker's
# kill does, so that the signal is handled.
container_kill() {
    container_thaw "$1"
    "$KEEL_MONITOR" kill -s "$2" "$CONTAINERS/$1"
}

# container_pause ID / container_thaw ID: the runtime's freezer, and the
# `paused` fact ps and inspect read (thaw: only when the container is paused).
container_pause() {
    runtime pause "$1" >/dev/null || return 1
    record_put "$1" paused 1
    record_event "$1" pause
}
container_thaw() {
    [ -e "$CONTAINERS/$1/paused" ] || return 0
    runtime resume "$1" >/dev/null 2>&1 || true
    record_drop "$1" paused
    record_event "$1" unpause
}

# remove_container ID FORCE [VOLUMES]: a running container only with FORCE
# (killed first); its anonymous volumes too with VOLUMES (rm -v).
remove_container() {
    local id=$1 force=${2:-0} volumes=${3:-0} network
    if container_is_up "$id"; then
        [ "$force" = 1 ] || {
            complain "Error response: You cannot remove a running container ${id}. Stop the container before attempting removal or force remove"
            return 1
        }
        container_thaw "$id"
        "$KEEL_MONITOR" stop -t 0 -s KILL "$CONTAINERS/$id" >/dev/null 2>&1 || true
    fi
    runtime delete --force "$id" >/dev/null 2>&1 || true
    record_get network "$id" network
    ! net_is_networked "$network" || net_teardown "$id"
    [ "$volumes" = 0 ] || vol_remove_anonymous "$id"
    record_remove "$id"
}

# container_ended ID EXITCODE (the exit hook): the container has ended and
# no restart follows: its network goes, and so does a --rm container.
container_ended() {
    local id=$1 network autoremove
    record_event "$id" die "exitCode=$2"
    record_get network "$id" network
    ! net_is_networked "$network" || net_teardown "$id"
    record_get autoremove "$id" autoremove
    [ "$autoremove" != 1 ] || { vol_remove_anonymous "$id"; record_remove "$id" >/dev/null 2>&1; } || true
    return 0
}
