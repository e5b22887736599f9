# cgroups (config-linux.md#control-groups and its resource sections), seccomp, and the
# second-process and control commands: exec, pause/resume, update, ps, events (issue 4).
# shellcheck shell=bash disable=SC2016

# cg_value CONTROLLER V1-FILE V2-FILE: the value in the container's ($PID) cgroup file.
cg_value() {
    local f
    f=$(cg_file "$PID" "$@")
    [ -f "$f" ] || skip "no cgroup file $f on this host"
    cat "$f"
}

# limits JQ-RESOURCES: a created container with linux.resources edited by the filter.
limits() {
    mkbundle
    cfg "$1"
    newid
    createok
}

tcase cg_memory_limit 'config-linux.md#memory' 'memory.limit is written to the cgroup'
c_cg_memory_limit() {
    limits '.linux.resources.memory = {"limit": 67108864}'
    eq "$(cg_value memory memory.limit_in_bytes memory.max)" 67108864 "memory limit"
}

tcase cg_memory_reservation 'config-linux.md#memory' 'memory.reservation is written to the cgroup'
c_cg_memory_reservation() {
    limits '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432}'
    eq "$(cg_value memory memory.soft_limit_in_bytes memory.low)" 33554432 "memory reservation"
}

tcase cg_memory_swap 'config-linux.md#memory' 'memory.swap is written to the cgroup (memsw on v1)'
c_cg_memory_swap() {
    limits '.linux.resources.memory = {"limit": 67108864, "swap": 100663296}'
    if [ -d /sys/fs/cgroup/memory ]; then
        eq "$(cg_value memory memory.memsw.limit_in_bytes -)" 100663296 "memory+swap limit"
    else
        eq "$(cg_value memory - memory.swap.max)" 33554432 "swap limit"
    fi
}

tcase cg_memory_swappiness 'config-linux.md#memory' 'memory.swappiness is written to the cgroup (v1)'
c_cg_memory_swappiness() {
    [ -d /sys/fs/cgroup/memory ] || skip "swappiness is v1 only"
    limits '.linux.resources.memory = {"swappiness": 17}'
    eq "$(cg_value memory memory.swappiness -)" 17 swappiness
}

tcase cg_memory_oom_disable 'config-linux.md#memory' 'memory.disableOOMKiller is written to the cgroup (v1)'
c_cg_memory_oom_disable() {
    [ -d /sys/fs/cgroup/memory ] || skip "oom_control is v1 only"
    limits '.linux.resources.memory = {"limit": 67108864, "disableOOMKiller": true}'
    contains "$(cg_value memory memory.oom_control -)" "oom_kill_disable 1" oom_control
}

tcase cg_cpu_shares 'config-linux.md#cpu' 'cpu.shares is written to the cgroup (weight on v2)'
c_cg_cpu_shares() {
    limits '.linux.resources.cpu = {"shares": 512}'
    if [ -d /sys/fs/cgroup/cpu ]; then
        eq "$(cg_value cpu cpu.shares -)" 512 shares
    else
        eq "$(cg_value cpu - cpu.weight)" 20 "weight from shares 512"
    fi
}

tcase cg_cpu_quota 'config-linux.md#cpu' 'cpu.quota and cpu.period are written to the cgroup'
c_cg_cpu_quota() {
    limits '.linux.resources.cpu = {"quota": 50000, "period": 200000}'
    if [ -d /sys/fs/cgroup/cpu ]; then
        eq "$(cg_value cpu cpu.cfs_quota_us -)" 50000 quota
        eq "$(cg_value cpu cpu.cfs_period_us -)" 200000 period
    else
        eq "$(cg_value cpu - cpu.max)" "50000 200000" cpu.max
    fi
}

tcase cg_cpuset 'config-linux.md#cpu' 'cpu.cpus and cpu.mems are written to the cpuset cgroup'
c_cg_cpuset() {
    limits '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
    eq "$(cg_value cpuset cpuset.cpus cpuset.cpus)" 0 cpus
    eq "$(cg_value cpuset cpuset.mems cpuset.mems)" 0 mems
}

tcase cg_pids_limit 'config-linux.md#pids' 'pids.limit is written to the cgroup'
c_cg_pids_limit() {
    limits '.linux.resources.pids = {"limit": 42}'
    eq "$(cg_value pids pids.max pids.max)" 42 pids.max
}

tcase cg_blkio_throttle 'config-linux.md#block-io' 'blockIO.throttleReadBpsDevice is written to the cgroup'
c_cg_blkio_throttle() {
    local dev
    dev=$(cat /sys/block/*/dev 2>/dev/null | head -n 1)
    [ -n "$dev" ] || skip "no block device"
    limits ".linux.resources.blockIO = {\"throttleReadBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576}]}"
    contains "$(cg_value blkio blkio.throttle.read_bps_device io.max)" "$dev" "read bps"
    contains "$(cg_value blkio blkio.throttle.read_bps_device io.max)" 1048576 "read bps"
}

tcase cg_devices 'config-linux.md#allowed-device-list' 'the device list (deny all, default devices allowed) is in the devices cgroup (v1)'
c_cg_devices() {
    [ -d /sys/fs/cgroup/devices ] || skip "no v1 devices controller"
    limits '.linux.resources.devices = [{"allow": false, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
    local list
    list=$(cg_value devices devices.list -)
    contains "$list" "c 1:3 rwm" devices.list
    not_contains "$list" "a *:* rwm" devices.list
}

tcase cg_devices_enforced 'config-linux.md#allowed-device-list' 'a device node not in the allowed list cannot be opened'
c_cg_devices_enforced() {
    mkbundle sh -c 'mknod /tmp/mem c 1 1 && if head -c 1 /tmp/mem >/dev/null 2>&1; then echo opened; else echo denied; fi'
    cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
        | .process.capabilities.permitted += ["CAP_MKNOD"]'
    newid
    runok
    eq "$OUT" denied "open of /dev/mem (1:1)"
}

tcase cg_path_absolute 'config-linux.md#cgroups-path' 'an absolute cgroupsPath is taken from the cgroup mount point'
c_cg_path_absolute() {
    mkbundle
    cfg --arg p "/$RUNID-$CASE" '.linux.cgroupsPath = $p'
    newid
    createok
    eq "$(cg_dir "$PID" pids)" "/sys/fs/cgroup/pids/$RUNID-$CASE" "pids cgroup"
    grep -qx "$PID" "/sys/fs/cgroup/pids/$RUNID-$CASE/cgroup.procs" || fail "pid not in cgroup.procs"
}

tcase cg_unified 'config-linux.md#cgroups-path' 'on a host with a cgroup2 mount (v2, or hybrid with /sys/fs/cgroup/unified) the process is in the container'"'"'s cgroup2 cgroup too'
c_cg_unified() {
    local unified=/sys/fs/cgroup/unified
    [ -f /sys/fs/cgroup/cgroup.controllers ] && unified=/sys/fs/cgroup
    [ -f "$unified/cgroup.controllers" ] || skip "no cgroup2 mount"
    mkbundle
    cfg --arg p "/$RUNID-$CASE" '.linux.cgroupsPath = $p'
    newid
    createok
    eq "$(awk -F: '$1 == "0" { print $3 }' "/proc/$PID/cgroup")" "/$RUNID-$CASE" "cgroup2 path in /proc/PID/cgroup"
    grep -qx "$PID" "$unified/$RUNID-$CASE/cgroup.procs" || fail "pid not in $unified/$RUNID-$CASE/cgroup.procs"
}

tcase cg_before_exec 'config-linux.md#control-groups' 'the process is in its cgroup before the user program runs'
c_cg_before_exec() {
    mkbundle sh -c 'grep pids /proc/self/cgroup >/start-cgroup; sleep 600'
    cfg '.linux.resources.pids = {"limit": 100}'
    newid
    startok
    wait_until 15 test -s "$B/rootfs/start-cgroup"
    eq "/sys/fs/cgroup/pids$(cut -d: -f3 "$B/rootfs/start-cgroup")" "$(cg_dir "$PID" pids)" "cgroup at start"
}

# cgroups_gone DIR...: every one of the container's cgroup directories is gone.
cgroups_gone() {
    local d
    for d in "$@"; do
        [ ! -d "$d" ] || fail "cgroup $d left behind"
    done
}

tcase cg_removed_on_delete 'runtime.md#delete' 'delete removes the cgroups the runtime created'
c_cg_removed_on_delete() {
    limits '.linux.resources.pids = {"limit": 100} | .linux.resources.memory = {"limit": 67108864}'
    local dirs
    dirs=("$(cg_dir "$PID" pids)" "$(cg_dir "$PID" memory)" "$(cg_dir "$PID" cpu)")
    rt delete -f "$ID"
    cgroups_gone "${dirs[@]}"
}

tcase cg_removed_after_exit 'runtime.md#delete' 'delete of a stopped container removes its (empty) cgroups'
c_cg_removed_after_exit() {
    mkbundle sh -c 'exit 3'
    newid
    createok
    local dirs
    dirs=("$(cg_dir "$PID" pids)" "$(cg_dir "$PID" memory)" "$(cg_dir "$PID" freezer)")
    rt start "$ID"
    wait_status stopped
    rt delete "$ID"
    cgroups_gone "${dirs[@]}"
}

tcase cg_leftovers_killed_on_delete 'runc-delete.8.md' 'delete of a stopped container that shared the host pid namespace kills what it left in its cgroups, then removes them'
c_cg_leftovers_killed_on_delete() {
    mkbundle sh -c 'sleep 600 & echo $! >/leftover'
    cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
    newid
    createok
    local dirs left
    dirs=("$(cg_dir "$PID" pids)" "$(cg_dir "$PID" memory)" "$(cg_dir "$PID" freezer)")
    rt start "$ID"
    wait_status stopped
    wait_until 15 test -s "$B/rootfs/leftover" || fail "no leftover process"
    left=$(cat "$B/rootfs/leftover")
    kill -0 "$left" || fail "leftover $left not running before delete"
    rt delete "$ID"
    cgroups_gone "${dirs[@]}"
    wait_until 15 test ! -e "/proc/$left" || fail "leftover $left still alive"
}

tcase cg_oom_kill 'config-linux.md#memory' 'a process over its memory limit is OOM-killed'
c_cg_oom_kill() {
    mkbundle sh -c 'head -c 200000000 /dev/zero | tail -c 150000000 >/dev/null && echo survived'
    cfg '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
    newid
    createok
    local f n
    f=$(cg_file "$PID" memory memory.oom_control memory.events)
    rt start "$ID"
    wait_status stopped 30
    not_contains "$(cat "$CDIR/out.$ID")" survived output
    n=$(awk '$1 == "oom_kill" { print $2 }' "$f")
    [ "$n" -ge 1 ] || fail "oom_kill counter is $n"
}

spawned_or_stopped() {
    [ -e "$B/rootfs/spawned" ] || status_is stopped
}

tcase cg_pids_forkbomb 'config-linux.md#pids' 'a pids limit stops a fork loop'
c_cg_pids_forkbomb() {
    mkbundle sh -c 'i=0; while [ $i -lt 40 ]; do busybox sleep 60 & i=$((i + 1)); done; echo x >/spawned; wait'
    cfg '.linux.resources.pids = {"limit": 10}'
    newid
    createok
    local dir
    dir=$(cg_dir "$PID" pids)
    rt start "$ID"
    wait_until 15 spawned_or_stopped || true
    [ "$(cat "$dir/pids.current")" -le 10 ] || fail "pids.current over the limit"
    [ "$(awk '$1 == "max" { print $2 }' "$dir/pids.events")" -ge 1 ] || fail "no fork refused (pids.events)"
    contains "$(cat "$CDIR/err.$ID")" "fork" "container stderr"
}

tcase seccomp_errno 'config-linux.md#seccomp' 'a syscall with SCMP_ACT_ERRNO fails with errnoRet'
c_seccomp_errno() {
    mkbundle sh -c 'mkdir /x 2>&1; grep Seccomp: /proc/self/status | tr -d "\t"'
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}]}'
    newid
    runok
    contains "$OUT" "$(python3 -c 'import os; print(os.strerror(95))')" "mkdir error"
    contains "$OUT" "Seccomp:2" "seccomp mode"
    [ ! -e "$B/rootfs/x" ] || fail "mkdir happened"
}

tcase seccomp_kill 'config-linux.md#seccomp' 'a syscall with SCMP_ACT_KILL kills the caller with SIGSYS'
c_seccomp_kill() {
    mkbundle sh -c 'mkdir /x; echo "status $?"'
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}'
    newid
    runok
    contains "$OUT" "status 159" "mkdir exit status"
}

tcase seccomp_args 'config-linux.md#seccomp' 'seccomp argument conditions select the call (errno only for a matching arg)'
c_seccomp_args() {
    mkbundle sh -c 'umask 077; echo "a $?"; umask 022; echo "b $?"; umask'
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["umask"],
        "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 0, "value": 63, "op": "SCMP_CMP_EQ"}]}]}'
    newid
    runok
    contains "$OUT" "0022" "umask after the allowed call"
}

tcase seccomp_default_errno 'config-linux.md#seccomp' 'SCMP_ACT_ERRNO without errnoRet returns EPERM'
c_seccomp_default_errno() {
    mkbundle sh -c 'mkdir /x 2>&1; echo end'
    cfg '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"],
        "action": "SCMP_ACT_ERRNO"}]}'
    newid
    runok
    contains "$OUT" "$(python3 -c 'import os; print(os.strerror(1))')" "mkdir error (EPERM default)"
}

# running: a started container running sleep, with a new uts namespace and hostname.
running() {
    mkbundle
    cfg '.hostname = "exec-host"'
    newid
    startok
}

tcase exec_hostname 'runc-exec.8.md' 'exec runs in the container namespaces (sees its hostname)'
c_exec_hostname() {
    running
    eq "$(rt exec "$ID" hostname </dev/null)" exec-host hostname
}

tcase exec_pid 'runc-exec.8.md' 'exec joins the pid namespace as a process other than pid 1'
c_exec_pid() {
    running
    local p
    p=$(rt exec "$ID" sh -c 'echo $$; readlink /proc/1/exe' </dev/null)
    [ "$(echo "$p" | head -n 1)" -gt 1 ] || fail "exec pid: $p"
    contains "$p" busybox "pid 1 is the container's process"
}

tcase exec_exit_status 'runc-exec.8.md' 'exec exits with the status of the process'
c_exec_exit_status() {
    running
    local rc=0
    rt exec "$ID" sh -c 'exit 3' </dev/null || rc=$?
    eq "$rc" 3 "exit status"
}

tcase exec_options 'runc-exec.8.md' 'exec -e, --cwd and -u set env, cwd and user'
c_exec_options() {
    running
    eq "$(rt exec -e FOO=bar --cwd /tmp -u 1000:1001 "$ID" sh -c 'echo $FOO $(pwd) $(id -u):$(id -g)' </dev/null)" \
        "bar /tmp 1000:1001" "env cwd user"
}

tcase exec_process_file 'runc-exec.8.md' 'exec --process runs the process described by a JSON file'
c_exec_process_file() {
    running
    jq '.process | .args = ["sh", "-c", "echo $P"] | .env += ["P=from-file"]' "$B/config.json" >"$CDIR/process.json"
    eq "$(rt exec --process "$CDIR/process.json" "$ID" </dev/null)" from-file output
}

tcase exec_cgroup 'runc-exec.8.md' 'exec puts the process in the container cgroup'
c_exec_cgroup() {
    running
    local mine
    mine=$(rt exec "$ID" grep pids /proc/self/cgroup </dev/null | cut -d: -f3)
    eq "/sys/fs/cgroup/pids$mine" "$(cg_dir "$PID" pids)" "pids cgroup of exec"
}

tcase exec_stopped 'runc-exec.8.md' 'exec in a stopped container MUST fail'
c_exec_stopped() {
    mkbundle true
    newid
    startok
    wait_status stopped
    must_fail rt exec "$ID" true </dev/null
}

tcase exec_detach 'runc-exec.8.md' 'exec --detach --pid-file leaves the process running in the container'
c_exec_detach() {
    running
    rt exec -d --pid-file "$CDIR/exec.pid" "$ID" sleep 600 </dev/null >/dev/null 2>&1
    local p
    p=$(cat "$CDIR/exec.pid")
    kill -0 "$p" || fail "exec'd process $p not running"
    eq "$(readlink "/proc/$p/ns/pid")" "$(readlink "/proc/$PID/ns/pid")" "pid namespace"
}

counter_moved() {
    [ "$(cat "$B/rootfs/count")" != "$1" ]
}

tcase pause_resume 'runc-pause.8.md' 'pause freezes the container (state paused, no progress); resume thaws it'
c_pause_resume() {
    mkbundle sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/count; done'
    newid
    startok
    wait_until 15 test -s "$B/rootfs/count"
    rt pause "$ID"
    eq "$(state_field status)" paused status
    local a b
    a=$(cat "$B/rootfs/count")
    sleep 0.3
    b=$(cat "$B/rootfs/count")
    eq "$b" "$a" "counter while paused"
    must_fail rt pause "$ID"
    rt resume "$ID"
    eq "$(state_field status)" running status
    wait_until 15 counter_moved "$a" || fail "no progress after resume"
}

tcase update_memory 'runc-update.8.md' 'update --memory and --pids-limit change the cgroup limits'
c_update_memory() {
    limits '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
    rt update --memory 134217728 --pids-limit 77 "$ID"
    eq "$(cg_value memory memory.limit_in_bytes memory.max)" 134217728 "memory limit"
    eq "$(cg_value pids pids.max pids.max)" 77 pids.max
}

tcase update_resources_file 'runc-update.8.md' 'update -r FILE applies a resources JSON'
c_update_resources_file() {
    limits '.linux.resources.pids = {"limit": 50}'
    echo '{"pids": {"limit": 55}, "cpu": {"shares": 300}}' >"$CDIR/r.json"
    rt update -r "$CDIR/r.json" "$ID"
    eq "$(cg_value pids pids.max pids.max)" 55 pids.max
    [ ! -d /sys/fs/cgroup/cpu ] || eq "$(cg_value cpu cpu.shares -)" 300 cpu.shares
}

tcase events_stats 'runc-events.8.md' 'events --stats reports the memory usage (non-zero) and pids'
c_events_stats() {
    mkbundle
    cfg '.linux.resources.memory = {"limit": 67108864}'
    newid
    startok
    local s
    s=$(rt events --stats "$ID")
    jq -e '.type == "stats" and .data.memory.usage.usage > 0 and .data.pids.current >= 1' <<<"$s" >/dev/null ||
        fail "stats: $s"
}

tcase ps_lists 'runc-ps.8.md' 'ps --format json lists the container processes'
c_ps_lists() {
    running
    rt ps --format json "$ID" | jq -e --argjson p "$PID" 'index($p)' >/dev/null || fail "pid $PID not listed"
}

tcase seccomp_notify 'config-linux.md#seccomp' 'SCMP_ACT_NOTIFY sends the container process state and seccompFd to listenerPath'
c_seccomp_notify() {
    mkbundle sh -c 'mkdir /x 2>&1; echo end'
    cfg --arg l "$CDIR/agent.sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
        "listenerPath": $l, "listenerMetadata": "conf-meta",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
    python3 "$SUITE/tools/seccompagent.py" "$CDIR/agent.sock" "$CDIR/agent.json" &
    wait_until 15 test -S "$CDIR/agent.sock" || fail "agent did not start"
    newid
    runok
    wait_until 15 test -e "$CDIR/agent.json.fds" || fail "the agent got no state"
    eq "$(cat "$CDIR/agent.json.fds")" 1 "fds received"
    eq "$(cat "$CDIR/agent.json.closed")" yes "connection closed after the state"
    jq -e --arg id "$ID" '.ociVersion and .fds == ["seccompFd"] and .pid > 0 and .metadata == "conf-meta"
        and .state.id == $id' "$CDIR/agent.json" >/dev/null || fail "process state: $(cat "$CDIR/agent.json")"
    contains "$OUT" "$(python3 -c 'import os; print(os.strerror(38))')" "mkdir without an agent answer"
    [ ! -e "$B/rootfs/x" ] || fail "mkdir happened"
}

tcase cg_path_relative 'config-linux.md#cgroups-path' 'a relative cgroupsPath places the container at a path ending in it'
c_cg_path_relative() {
    mkbundle
    cfg --arg p "$RUNID-$CASE/inner" '.linux.cgroupsPath = $p'
    newid
    createok
    case "$(cg_dir "$PID" pids)" in
    */"$RUNID-$CASE/inner") ;;
    *) fail "pids cgroup $(cg_dir "$PID" pids) does not end in $RUNID-$CASE/inner" ;;
    esac
}

tcase exec_tty 'runc-exec.8.md' 'exec --tty --console-socket gives the process a terminal whose master goes to the socket'
c_exec_tty() {
    running
    python3 "$SUITE/tools/recvtty.py" "$CDIR/tty.sock" "$CDIR/tty.out" &
    wait_until 15 test -S "$CDIR/tty.sock" || fail "receiver did not start"
    rt exec -d --tty --console-socket "$CDIR/tty.sock" "$ID" sh -c '[ -t 0 ] && [ -t 1 ] && echo exec-tty' \
        </dev/null >/dev/null 2>&1 || fail "exec --tty failed"
    wait_until 15 test -e "$CDIR/tty.out.done" || fail "terminal output did not end"
    contains "$(tr -d '\r' <"$CDIR/tty.out")" exec-tty "terminal output"
}
