# shellcheck shell=bash
# keel-docker update: a container's limits and restart policy. A running
# container's cgroup changes through the runtime (keel update) and its
# monitor takes the new policy; the bundle's config keeps the limits for the
# next start either way.
kd_lib lifecycle units

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Update configuration of one or more containers'
ALIASES='container update, update'
OPTS=(
    '|blkio-weight|uint16|Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)'
    '|cpu-period|int|Limit CPU CFS (Completely Fair Scheduler) period'
    '|cpu-quota|int|Limit CPU CFS (Completely Fair Scheduler) quota'
    'c|cpu-shares|int|CPU shares (relative weight)'
    '|cpus|decimal|Number of CPUs'
    '|cpuset-cpus|string|CPUs in which to allow execution (0-3, 0,1)'
    '|cpuset-mems|string|MEMs in which to allow execution (0-3, 0,1)'
    'm|memory|bytes|Memory limit'
    '|memory-reservation|bytes|Memory soft limit'
    '|memory-swap|bytes|Swap limit equal to memory plus swap: '"'"'-1'"'"' to enable unlimited swap'
    '|pids-limit|int|Tune container pids limit (set -1 for unlimited)'
    '|restart|string|Restart policy to apply when a container exits'
)

cmd_update() {
    opts_parse 1 "$@"
    opts_nargs min 1
    [ "${#OPT_GIVEN[@]}" -gt 0 ] || fail "you must provide one or more flags when using this command"
    # the daemon's words for a policy it does not know, not run's (the CLI's)
    case "$OPT_restart" in
    '' | no | always | unless-stopped | on-failure | on-failure:*) ;;
    *) fail "Error response: invalid restart policy '$OPT_restart'" ;;
    esac
    [ -z "$OPT_restart" ] || { OPT_rm=0; kd_lib create; check_restart_policy "$OPT_restart"; }
    [ -z "$OPT_cpus" ] || [ -z "$OPT_cpu_quota$OPT_cpu_period" ] ||
        fail "Conflicting options: Nano CPUs and CPU Period cannot both be set"
    if [ -n "$OPT_cpus" ] && ! [[ "$OPT_cpus" =~ ^-?[0-9]*\.?[0-9]+$ ]]; then
        die "invalid argument \"$OPT_cpus\" for \"--cpus\" flag"
    fi
    if [ -n "$OPT_cpus" ]; then
        local n
        n=$(nproc)
        awk -v c="$OPT_cpus" -v n="$n" 'BEGIN { exit !(c >= 0.01 && c <= n) }' ||
            fail "Error response: Range of CPUs is from 0.01 to $n.00, as there are only $n CPUs available"
    fi
    # keel update's options (runc's) and the config's resources, one list
    UPD_ARGS=() UPD_JQ='.'
    local b
    if [ -n "$OPT_memory" ]; then
        parse_bytes b "$OPT_memory"
        [ "$b" -ge 6291456 ] || fail "Error response: Minimum memory limit allowed is 6MB"
        update_set --memory "$b" .memory.limit
    fi
    if [ -n "$OPT_memory_swap" ]; then
        b=-1
        [ "$OPT_memory_swap" = -1 ] || parse_bytes b "$OPT_memory_swap"
        update_set --memory-swap "$b" .memory.swap
    fi
    [ -z "$OPT_memory_reservation" ] || { parse_bytes b "$OPT_memory_reservation"; update_set --memory-reservation "$b" .memory.reservation; }
    [ -z "$OPT_cpu_shares" ] || update_set --cpu-share "$OPT_cpu_shares" .cpu.shares
    if [ -n "$OPT_cpus" ]; then
        update_set --cpu-period 100000 .cpu.period
        update_set --cpu-quota "$(awk -v c="$OPT_cpus" 'BEGIN { printf "%d", c * 100000 + 0.5 }')" .cpu.quota
    fi
    [ -z "$OPT_cpu_period" ] || update_set --cpu-period "$OPT_cpu_period" .cpu.period
    [ -z "$OPT_cpu_quota" ] || update_set --cpu-quota "$OPT_cpu_quota" .cpu.quota
    [ -z "$OPT_cpuset_cpus" ] || update_set --cpuset-cpus "\"$OPT_cpuset_cpus\"" .cpu.cpus
    [ -z "$OPT_cpuset_mems" ] || update_set --cpuset-mems "\"$OPT_cpuset_mems\"" .cpu.mems
    [ -z "$OPT_blkio_weight" ] || update_set --blkio-weight "$OPT_blkio_weight" .blockIO.weight
    [ -z "$OPT_pids_limit" ] || update_set --pids-limit "$OPT_pids_limit" .pids.limit
    each_container update_one
}

# update_set KEEL-OPTION VALUE PATH: VALUE (JSON) for keel update and at
# .linux.resources PATH in the config.
update_set() {
    UPD_ARGS+=("$1" "${2//\"/}")
    UPD_JQ+=" | .linux.resources$3 = $2"
}

update_one() {
    local id=$1 autoremove
    if [ -n "$OPT_restart" ]; then
        record_get autoremove "$id" autoremove
        if [ "$autoremove" = 1 ] && [ "$OPT_restart" != no ]; then
            complain "Error response: Cannot update container $id: Restart policy cannot be updated because AutoRemove is enabled for the container"
            return 1
        fi
    fi
    if container_is_up "$id"; then
        if [ "${#UPD_ARGS[@]}" -gt 0 ] && ! runtime update "${UPD_ARGS[@]}" "$id" >/dev/null 2>"$CONTAINERS/$id/update.err"; then
            complain "Error response: Cannot update container $id: $(cat "$CONTAINERS/$id/update.err")"
            rm -f "$CONTAINERS/$id/update.err"
            return 1
        fi
        rm -f "$CONTAINERS/$id/update.err"
        if [ -n "$OPT_restart" ]; then
            "$KEEL_MONITOR" update "$CONTAINERS/$id" --restart "$OPT_restart" || return 1
        fi
    fi
    [ "$UPD_JQ" = . ] || record_fill "$id" bundle/config.json jq "$UPD_JQ" "$CONTAINERS/$id/bundle/config.json"
    [ -z "$OPT_restart" ] || record_put "$id" restart "$OPT_restart"
}
