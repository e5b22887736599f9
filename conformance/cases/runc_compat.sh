# runc's behaviour that engines depend on (issue 11): the error words containerd's shim,
# podman and docker match, and the configs they send that runc runs.
# shellcheck shell=bash disable=SC2016

# err_of CMD...: CMD has to fail; its stderr in $ERR.
err_of() {
    ERR=$("$@" 2>&1 >/dev/null) && fail "expected failure: $*"
    return 0
}

tcase kill_all_stopped 'runc-kill.8.md' 'kill --all of a stopped container exits 0 (containerd sends it after every exit); kill without --all says "container not running"'
c_kill_all_stopped() {
    mkbundle true
    newid
    startok
    wait_status stopped
    rt kill --all "$ID" 9 || fail "kill --all of a stopped container failed"
    rt kill -a "$ID" KILL || fail "kill -a of a stopped container failed"
    err_of rt kill "$ID" 9
    contains "$ERR" "container not running" "kill error"
    eq "$(state_field status)" stopped status
}

tcase runc_error_words 'runc.8.md' 'the errors engines match carry runc'"'"'s words: does not exist, already exists, not running, not paused, not stopped'
c_runc_error_words() {
    mkbundle
    newid
    local id=$ID
    err_of rt state "$RUNID-nosuch"
    contains "$ERR" "container does not exist" "state error"
    err_of rt kill "$RUNID-nosuch" 9
    contains "$ERR" "container does not exist" "kill error"
    err_of rt delete "$RUNID-nosuch"
    contains "$ERR" "container does not exist" "delete error"
    startok
    err_of create_
    contains "$(cat "$CDIR/err.$ID")" "already exists" "create error"
    err_of rt resume "$id"
    contains "$ERR" "container not paused" "resume error"
    err_of rt start "$id"
    contains "$ERR" "cannot start an already running container" "start error"
    err_of rt delete "$id"
    contains "$ERR" "cannot delete container $id that is not stopped: running" "delete error"
    rt kill "$id" KILL
    wait_status stopped
    err_of rt pause "$id"
    contains "$ERR" "container not running" "pause error"
    err_of rt exec "$id" true
    contains "$ERR" "cannot exec in a stopped container" "exec error"
    err_of rt start "$id"
    contains "$ERR" "cannot start a container that has stopped" "start error"
}

# A profile that refuses the syscalls a runtime may make for its own setup (fds, cwd,
# user, capabilities, signals) but not what busybox cat and sleep need.
SETUP_SYSCALLS='["close_range","getcwd","chdir","fchdir","capset","capget","setresuid","setresgid","setgroups","prctl","keyctl","setrlimit","prlimit64","newfstatat","statx","faccessat","faccessat2","access","fcntl","rt_sigaction","rt_sigprocmask","poll","sendmsg","recvmsg","umask","setsid","ioctl"]'

tcase seccomp_last 'config-linux.md#seccomp' 'without noNewPrivileges the filter still comes last: a profile refusing the runtime'"'"'s own setup syscalls (close_range, getcwd, capset, ...) runs, run and exec, with the configured capabilities'
c_seccomp_last() {
    mkbundle cat /proc/self/status
    cfg --argjson deny "$SETUP_SYSCALLS" '.process.noNewPrivileges = false | .process.user.uid = 1000
        | .process.capabilities.inheritable = .process.capabilities.bounding
        | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                            syscalls: [{names: $deny, action: "SCMP_ACT_ERRNO"}]}'
    newid
    runok
    contains "$OUT" "Seccomp:	2" "status"
    contains "$OUT" "CapEff:	0000000020000420" "status"
    contains "$OUT" "CapPrm:	0000000020000420" "status"
    contains "$OUT" "CapAmb:	0000000020000420" "status"
    cfg '.process.args = ["sleep", "600"] | .process.user.uid = 0'
    newid -exec
    startok
    local out
    out=$(rt exec "$ID" cat /proc/self/status) || fail "exec failed"
    contains "$out" "Seccomp:	2" "exec status"
    contains "$out" "CapEff:	0000000020000420" "exec status"
}

tcase session_leader 'runc.8.md' 'the init and exec'"'"'d processes lead a session and process group of their own: kill 0 inside reaches no host process'
c_session_leader() {
    local got=no witness own
    trap 'got=yes' USR1
    sleep 60 &
    witness=$!
    mkbundle sh -c 'cut -d" " -f1,5,6 /proc/$$/stat; kill -USR1 0; echo sent'
    newid
    runok
    eq "$OUT" "1 1 1
sent" "pid, pgrp and session of the init, then kill 0"
    cfg '.process.args = ["sh", "-c", "kill -USR1 0; sleep 600"]'
    newid -started
    startok
    wait_until 10 test -d "/proc/$PID"
    own=$(rt exec "$ID" sh -c 'trap : USR1; cut -d" " -f1,5,6 /proc/$$/stat; kill -USR1 0') || fail "exec failed"
    [ "$(echo "$own" | tr ' ' '\n' | sort -u | wc -l)" -eq 1 ] || fail "exec'd process: pid pgrp session $own"
    sleep 0.2
    eq "$got" no "USR1 reached the caller"
    kill -0 "$witness" || fail "a host process in the caller's group died of the container's kill 0"
    kill "$witness"
}

tcase exec_error_words 'runc-run.8.md' 'a program that cannot run fails with runc'"'"'s lower-case words, whole (docker and podman read 127/126 in them)'
c_exec_error_words() {
    local long=/a-directory-name-long-enough-to-pass-sixty-four-bytes-on-its-own/and-more/program
    mkbundle nosuchcmd
    newid
    run_
    [ "$RC" -ne 0 ] || fail "run of a missing command exited 0"
    contains "$(cat "$CDIR/err")" "executable file not found" "missing command"
    cfg --arg p "$long" '.process.args = [$p]'
    newid -long
    run_
    contains "$(cat "$CDIR/err")" "$long: no such file or directory" "missing long path"
    cfg '.process.args = ["/etc/passwd"]'
    newid -noexec
    run_
    contains "$(cat "$CDIR/err")" "permission denied" "file that is not executable"
    printf '#!/nonexistent-interpreter\n' >"$B/rootfs/bad-interp"
    chmod 755 "$B/rootfs/bad-interp"
    cfg '.process.args = ["/bad-interp"]'
    newid -interp
    run_
    [ "$RC" -ne 0 ] || fail "run of a script without interpreter exited 0"
    contains "$(cat "$CDIR/err")" "no such file or directory" "missing interpreter"
}

tcase dev_filemode_type_bits 'config-linux.md#devices' 'a device fileMode with the file-type bits (podman: 8576 = 020600) is taken as its permission bits'
c_dev_filemode_type_bits() {
    mkbundle sh -c 'stat -c "%F %a %t:%T" /dev/conf-null'
    cfg '.linux.devices = [{"path": "/dev/conf-null", "type": "c", "major": 1, "minor": 3, "fileMode": 8576}]'
    newid
    runok
    eq "$OUT" "character special file 600 1:3" "device"
}

tcase rootfs_prop_rslave 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation rslave (podman :slave, docker :rslave) makes / a slave of the host mount'
c_rootfs_prop_rslave() {
    rootprop rslave
    contains "$OUT" "master:" "mountinfo of /"
}

tcase rootfs_prop_rprivate 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation rprivate makes / private'
c_rootfs_prop_rprivate() {
    rootprop rprivate
    not_contains "$OUT" "master:" "mountinfo of /"
    not_contains "$OUT" "shared:" "mountinfo of /"
}

tcase rootfs_prop_rshared 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation rshared makes / shared'
c_rootfs_prop_rshared() {
    rootprop rshared
    contains "$OUT" "shared:" "mountinfo of /"
}

tcase dev_ptmx_entry 'config-linux.md#devices' 'a /dev/ptmx entry in linux.devices (--privileged) is skipped: /dev/ptmx stays the link to the container'"'"'s devpts'
c_dev_ptmx_entry() {
    mkbundle sh -c 'readlink /dev/ptmx; test -c /dev/null && echo null'
    cfg '.linux.devices = [{"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2, "fileMode": 8630}]'
    newid
    runok
    eq "$OUT" "pts/ptmx
null" "/dev/ptmx and /dev/null"
}

tcase update_runc_spellings 'runc-update.8.md' 'update takes runc'"'"'s spellings: --resources - (docker update), --cpu-share'
c_update_runc_spellings() {
    mkbundle
    cfg '.linux.resources.pids = {"limit": 50}'
    newid
    startok
    echo '{"pids": {"limit": 66}}' | rt update --resources - "$ID" || fail "update --resources - failed"
    eq "$(cat "$(cg_file "$PID" pids pids.max pids.max)")" 66 pids.max
    rt update --cpu-share 512 "$ID" || fail "update --cpu-share failed"
    local f
    f=$(cg_file "$PID" cpu cpu.shares cpu.weight)
    [ "${f##*/}" = cpu.weight ] || eq "$(cat "$f")" 512 cpu.shares
}

# sub_cgroup NAME: NAME made below the container's ($PID) cgroup in each hierarchy it is in.
sub_cgroup() {
    local line dir
    while IFS=: read -r _ _ line; do
        for dir in /sys/fs/cgroup/*"$line" "/sys/fs/cgroup$line"; do
            if [ -d "$dir" ] && [ "$line" != / ]; then
                mkdir -p "$dir/$1"
                # a v1 cpuset takes no task before it has cpus and mems
                if [ -f "$dir/cpuset.cpus" ]; then
                    cat "$dir/cpuset.cpus" >"$dir/$1/cpuset.cpus"
                    cat "$dir/cpuset.mems" >"$dir/$1/cpuset.mems"
                fi
                echo "rmdir '$dir/$1'" >>"$CDIR/cleanup"
            fi
        done
    done <"/proc/$PID/cgroup"
}

tcase exec_runc_options 'runc-exec.8.md' 'exec takes runc'"'"'s --cgroup SUB (an existing sub-cgroup) and --ignore-paused'
c_exec_runc_options() {
    mkbundle
    newid
    startok
    sub_cgroup conf-sub
    local mine
    mine=$(rt exec --cgroup conf-sub "$ID" cat /proc/self/cgroup </dev/null) || fail "exec --cgroup failed"
    contains "$(grep pids <<<"$mine")" "/conf-sub" "pids cgroup of exec --cgroup"
    must_fail rt exec --cgroup conf-nosuch "$ID" true </dev/null
    rt pause "$ID"
    err_of rt exec "$ID" true
    contains "$ERR" "paused" "exec in a paused container"
    rt exec -d --ignore-paused "$ID" sh -c 'echo ran >/ran' </dev/null >/dev/null 2>&1 &
    local ex=$!
    sleep 0.3
    rt resume "$ID"
    wait "$ex" || fail "exec --ignore-paused failed"
    wait_until 10 test -s "$B/rootfs/ran" || fail "the process exec'd while paused did not run"
}

tcase home_from_passwd 'runc.8.md' 'without HOME in process.env, HOME is the user'"'"'s home in the container'"'"'s /etc/passwd, or / (run and exec)'
c_home_from_passwd() {
    mkbundle sh -c 'echo "$HOME"'
    echo 'u:x:1000:1000::/home/u:/bin/sh' >>"$B/rootfs/etc/passwd"
    newid
    runok
    eq "$OUT" /root "HOME of root"
    cfg '.process.user.uid = 1001'
    newid -unknown
    runok
    eq "$OUT" / "HOME of a uid not in /etc/passwd"
    cfg '.process.user.uid = 1000 | .process.env += ["HOME=/given"]'
    newid -given
    runok
    eq "$OUT" /given "HOME given in process.env"
    cfg '.process.user.uid = 0 | .process.env = ["PATH=/bin"] | .process.args = ["sleep", "600"]'
    newid -exec
    startok
    eq "$(rt exec -u 1000 "$ID" sh -c 'echo "$HOME"' </dev/null)" /home/u "HOME of exec -u 1000"
}

tcase hooks_env_inherited 'config.md#posix-platform-hooks' 'a hook without env gets the runtime'"'"'s environment (runc'"'"'s), one with "env": [] an empty one'
c_hooks_env_inherited() {
    hooks_setup
    cfg --arg f "$CDIR/hl/inherited" --arg g "$CDIR/hl/empty" '.hooks.prestart = [
        {"path": "/bin/sh", "args": ["sh", "-c", "echo \"$CONF_HOOK_VAR\" >\($f)"]},
        {"path": "/bin/sh", "args": ["sh", "-c", "echo \"[$CONF_HOOK_VAR]\" >\($g)"], "env": []}]'
    newid
    CONF_HOOK_VAR=from-runtime createok
    eq "$(cat "$CDIR/hl/inherited")" from-runtime "hook without env"
    eq "$(cat "$CDIR/hl/empty")" "[]" "hook with an empty env"
}

tcase stdio_chowned 'runc.8.md' 'stdio pipes belong to the container user: uid 1000 can reopen /proc/self/fd/1 and 2 (run and exec)'
c_stdio_chowned() {
    mkbundle sh -c 'echo out >/proc/self/fd/1 && echo err >/proc/self/fd/2'
    cfg '.process.user.uid = 1000 | .process.user.gid = 1000'
    newid
    local out
    out=$(rt run -b "$B" "$ID" </dev/null 2>&1 | grep -v '^+' | sort)
    eq "$out" "err
out" "output written through /proc/self/fd (sorted: stdout and stderr are two pipes)"
    cfg '.process.args = ["sleep", "600"] | .process.user.uid = 0 | .process.user.gid = 0'
    newid -exec
    startok
    out=$(rt exec -u 1000:1000 "$ID" sh -c 'echo exec-out >/proc/self/fd/1' </dev/null 2>&1 | grep -v '^+')
    eq "$out" exec-out "exec output written through /proc/self/fd"
}

tcase cwd_created 'config.md#process' 'a process.cwd missing in the rootfs is created (as runc and crun do), even with a read-only root'
c_cwd_created() {
    mkbundle sh -c 'pwd; stat -c "%a %u" .'
    cfg '.process.cwd = "/conf/made/here" | .root.readonly = true'
    newid
    runok
    eq "$OUT" "/conf/made/here
755 0" "cwd"
}

tcase hooks_poststart_destroys 'runtime.md#lifecycle' 'a failing poststart hook fails start, and the container is destroyed (state gone, cgroup removed) and its poststop hooks run'
c_hooks_poststart_destroys() {
    hooks_setup
    hook poststart bad 1
    hook poststop after
    newid
    createok
    must_fail rt start "$ID"
    wait_until 15 test ! -e "/proc/$PID" || fail "container process still running"
    gone
    eq "$(logged)" "bad after " "hooks run"
    local left
    left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID" 2>/dev/null || true)
    [ -z "$left" ] || fail "cgroups left behind: $left"
}

tcase refuse_sysctl_hostname 'config-linux.md#sysctl' 'sysctl kernel.hostname (it fights the hostname field) is refused as runc and crun do: exit 1, nothing left'
c_refuse_sysctl_hostname() { bad_config '.linux.sysctl = {"kernel.hostname": "other"}' "kernel.hostname"; }

tcase refuse_net_cls_missing 'config-linux.md#network' 'a net_cls classID on a host without the net_cls hierarchy is refused: exit 1, nothing left'
c_refuse_net_cls_missing() {
    [ ! -d /sys/fs/cgroup/net_cls ] || skip "this host has a net_cls hierarchy"
    bad_config '.linux.resources.network = {"classID": 1048577}' "net_cls"
}

tcase refuse_net_prio_missing 'config-linux.md#network' 'net_prio priorities on a host without the net_prio hierarchy are refused: exit 1, nothing left'
c_refuse_net_prio_missing() {
    [ ! -d /sys/fs/cgroup/net_prio ] || skip "this host has a net_prio hierarchy"
    bad_config '.linux.resources.network = {"priorities": [{"name": "lo", "priority": 2}]}' "net_prio"
}

tcase refuse_apparmor_missing 'config.md#linux-process' 'process.apparmorProfile on a host without AppArmor is refused: exit 1, nothing left'
c_refuse_apparmor_missing() {
    [ ! -d /sys/kernel/security/apparmor ] || skip "AppArmor is enabled on this host"
    bad_config '.process.apparmorProfile = "docker-default"' "apparmor"
}

tcase refuse_selinux_missing 'config.md#linux-process' 'process.selinuxLabel on a host without SELinux is refused: exit 1, nothing left'
c_refuse_selinux_missing() {
    [ ! -d /sys/fs/selinux ] || skip "SELinux is enabled on this host"
    bad_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"' "selinux"
}

tcase cg_v1_name_systemd 'config-linux.md#cgroups-path' 'on a v1 or hybrid host the container is at its cgroupsPath in the name=systemd hierarchy too, as runc puts it'
c_cg_v1_name_systemd() {
    grep -q '^[0-9]*:name=systemd:' /proc/self/cgroup || skip "no name=systemd hierarchy on this host"
    mkbundle
    cfg --arg p "/$RUNID-$CASE/inner" '.linux.cgroupsPath = $p'
    newid
    createok
    eq "$(awk -F: '$2 == "name=systemd" { print $3 }' "/proc/$PID/cgroup")" "/$RUNID-$CASE/inner" "name=systemd cgroup"
    echo "rmdir /sys/fs/cgroup/*/'$RUNID-$CASE'" >>"$CDIR/cleanup"
}

tcase ns_no_mount 'config-linux.md#namespaces' 'without a mount namespace the container inherits the runtime'"'"'s, still sees its rootfs (run and exec), and delete leaves no mount behind'
c_ns_no_mount() {
    mkbundle sh -c 'readlink /proc/self/ns/mnt; ls /; sleep 600'
    cfg '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths) | del(.linux.readonlyPaths)'
    newid
    startok
    wait_until 10 grep -q tmp "$CDIR/out.$ID" || fail "no output: $(cat "$CDIR/out.$ID")"
    eq "$(head -n 1 "$CDIR/out.$ID")" "$(readlink /proc/self/ns/mnt)" "mount namespace"
    not_contains "$(cat "$CDIR/out.$ID")" usr "the container's /"
    local ex
    ex=$(rt exec "$ID" ls / </dev/null) || fail "exec failed"
    not_contains "$ex" usr "exec's /"
    contains "$ex" tmp "exec's /"
    rt delete -f "$ID"
    no_leftovers
}

tcase ns_no_mount_masked 'config-linux.md#namespaces' 'maskedPaths without a mount namespace are refused, as runc does: exit 1, nothing left'
c_ns_no_mount_masked() {
    bad_config '.linux.namespaces |= map(select(.type != "mount")) | .linux.maskedPaths = ["/proc/kcore"] | del(.linux.readonlyPaths)' \
        "without a private"
}
