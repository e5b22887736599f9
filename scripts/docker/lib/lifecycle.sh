# shellcheck shell=bash
# A container's life after `run` made its record: started in the foreground or
# under a monitor, stopped, killed, started again, removed.
kd_lib record network state

# Log lines are "TIME STREAM TEXT"; `tee` also shows them on the terminal.
log_stream() {
    local stream=$1 log=$2 tee=${3:-0}
    awk -v s="$stream" -v logf="$log" -v tee="$tee" '{
        print strftime("%Y-%m-%dT%H:%M:%SZ", systime(), 1) " " s " " $0 >> logf
        fflush(logf)
        if (tee) { print; fflush() }
    }'
}

# Called when the container's `keel run` returned: the network goes first and
# "finished" is written last, since it tells every other command that all is done.
record_exit() {
    local id=$1 rc=$2 network autoremove
    record_get network "$id" network
    record_get autoremove "$id" autoremove
    [ "$network" != bridge ] || net_teardown "$id"
    if [ "$autoremove" = 1 ]; then
        record_remove "$id" >/dev/null 2>&1 || true
        return 0
    fi
    record_exited "$id" "$rc"
}

# The network is set up again for each start of a stopped container.
prepare_restart() {
    local id=$1 network hostname
    record_drop "$id" finished exit_code
    record_get network "$id" network
    if [ "$network" = bridge ] && ! net_is_up "$id"; then
        local -a ports=()
        mapfile -t ports < <(net_record_ports "$id")
        net_setup "$id" "${ports[@]}"
        record_put "$id" ip "$NET_IP"
        record_get hostname "$id" hostname
        record_fill "$id" hosts make_hosts "$hostname" "$NET_IP"
        # shellcheck disable=SC2016 # a jq program
        record_fill "$id" bundle/config.json jq --arg ns "$NET_NS" \
            '.linux.namespaces |= map(if .type == "network" then .path = $ns else . end)' \
            "$CONTAINERS/$id/bundle/config.json"
    fi
}

run_foreground() {
    local id=$1 tty=$2 interactive=$3 dir=$CONTAINERS/$1 rc=0
    record_put "$id" started "$(now)"
    # Ctrl-C reaches the container through the runtime; this script waits for its end.
    trap 'true' INT TERM HUP
    if [ "$tty" = 1 ]; then
        runtime run --bundle "$dir/bundle" --pid-file "$dir/pid" "$id" || rc=$?
    elif [ "$interactive" = 1 ]; then
        runtime run --bundle "$dir/bundle" --pid-file "$dir/pid" "$id" \
            > >(log_stream stdout "$dir/container.log" 1) \
            2> >(log_stream stderr "$dir/container.log" 1 >&2) || rc=$?
    else
        runtime run --bundle "$dir/bundle" --pid-file "$dir/pid" "$id" </dev/null \
            > >(log_stream stdout "$dir/container.log" 1) \
            2> >(log_stream stderr "$dir/container.log" 1 >&2) || rc=$?
    fi
    wait
    record_exit "$id" "$rc"
    exit "$rc"
}

start_detached() {
    local id=$1 dir=$CONTAINERS/$1 st mon
    record_put "$id" started "$(now)"
    setsid "$SELF" __monitor "$id" </dev/null >/dev/null 2>&1 &
    record_put "$id" monitor.pid "$!"
    # return once the container runs (or has already ended)
    for _ in $(seq 1 500); do
        [ ! -e "$dir/finished" ] || return 0
        st=$(runtime state "$id" 2>/dev/null | jq -r .status 2>/dev/null || true)
        [ "$st" != running ] && [ "$st" != paused ] || return 0
        record_get mon "$id" monitor.pid
        kill -0 "$mon" 2>/dev/null || break
        sleep 0.01
    done
    [ -e "$dir/finished" ] || [ -d "$CONTAINERS/$id" ] || return 0
    record_get mon "$id" monitor.pid
    kill -0 "$mon" 2>/dev/null || [ -e "$dir/finished" ] ||
        die "Error response: failed to start container $id"
}

stop_signal() {
    jq -r '.annotations["org.opencontainers.image.stopSignal"] // "SIGTERM"' \
        "$CONTAINERS/$1/bundle/config.json" 2>/dev/null || echo SIGTERM
}

# Waits up to $2 seconds (fractions allowed) for the container to end.
wait_exit() {
    local id=$1 deadline
    deadline=$(awk -v t="$2" 'BEGIN { printf "%d", t * 100 }')
    while [ "$deadline" -gt 0 ]; do
        [ "$(container_state "$id")" = exited ] && return 0
        sleep 0.01
        deadline=$((deadline - 1))
    done
    [ "$(container_state "$id")" = exited ]
}

stop_container() {
    local id=$1 timeout=$2 state
    state=$(container_state "$id")
    [ "$state" = running ] || [ "$state" = paused ] || return 0
    [ "$state" != paused ] || runtime resume "$id" 2>/dev/null || true
    runtime kill "$id" "$(stop_signal "$id")" 2>/dev/null || true
    wait_exit "$id" "$timeout" && return 0
    runtime kill --all "$id" KILL 2>/dev/null || runtime kill "$id" KILL 2>/dev/null || true
    wait_exit "$id" 10 || die "Error response: cannot stop container ${id:0:12}"
}

start_container() {
    local id=$1
    case "$(container_state "$id")" in
    running | paused) ;;
    *)
        prepare_restart "$id"
        start_detached "$id"
        ;;
    esac
}

# remove_container ID FORCE: a running container only with FORCE (killed first).
remove_container() {
    local id=$1 force=${2:-0} state network
    state=$(container_state "$id")
    if [ "$state" = running ] || [ "$state" = paused ]; then
        [ "$force" = 1 ] || {
            complain "Error response: You cannot remove a running container ${id}. Stop the container before attempting removal or force remove"
            return 1
        }
        runtime kill --all "$id" KILL >/dev/null 2>&1 || runtime kill "$id" KILL >/dev/null 2>&1 || true
        wait_exit "$id" 10 || true
    fi
    runtime delete --force "$id" >/dev/null 2>&1 || true
    record_get network "$id" network
    [ "$network" != bridge ] || net_teardown "$id"
    record_remove "$id"
}
