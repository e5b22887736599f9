# The container process: config.md#process and its Linux fields, hostname, domainname.
# shellcheck shell=bash disable=SC2016

tcase proc_args 'config.md#process' 'args are passed verbatim, spaces kept'
c_proc_args() {
    mkbundle sh -c 'printf "[%s]" "$@"' zero 'a b' '' c
    newid
    runok
    eq "$OUT" '[a b][][c]' args
}

tcase proc_env 'config.md#process' 'env is the environment of the process'
c_proc_env() {
    mkbundle sh -c 'echo "$FOO|$EMPTY|$PATH"'
    cfg '.process.env = ["FOO=bar baz", "EMPTY=", "PATH=/bin"]'
    newid
    runok
    eq "$OUT" 'bar baz||/bin' env
}

tcase proc_cwd 'config.md#process' 'cwd is the working directory'
c_proc_cwd() {
    mkbundle pwd
    mkdir -p "$B/rootfs/work/dir"
    cfg '.process.cwd = "/work/dir"'
    newid
    runok
    eq "$OUT" /work/dir cwd
}

tcase proc_cwd_relative 'config.md#process' 'a cwd that is not absolute is invalid and MUST fail'
c_proc_cwd_relative() {
    mkbundle pwd
    cfg '.process.cwd = "tmp"'
    newid
    run_
    [ "$RC" -ne 0 ] || fail "relative cwd accepted"
}

tcase proc_user 'config.md#user' 'user.uid, user.gid and additionalGids set the ids of the process'
c_proc_user() {
    mkbundle sh -c 'grep -E "^(Uid|Gid|Groups):" /proc/self/status | tr -s "\t " " "'
    cfg '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [2000, 2001]}'
    newid
    runok
    contains "$OUT" "Uid: 1000 1000 1000 1000"
    contains "$OUT" "Gid: 1001 1001 1001 1001"
    contains "$OUT" "Groups: 2000 2001"
}

tcase proc_umask 'config.md#user' 'user.umask is the umask of the process'
c_proc_umask() {
    mkbundle sh -c 'umask'
    cfg '.process.user.umask = 23'
    newid
    runok
    eq "$OUT" 0027 umask
}

tcase proc_rlimits 'config.md#process' 'rlimits: soft and hard values MUST match the configured ones'
c_proc_rlimits() {
    mkbundle sh -c 'grep -E "^Max (open files|core file size)" /proc/self/limits | tr -s " "'
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096}]'
    newid
    runok
    contains "$OUT" "Max open files 256 512 files"
    contains "$OUT" "Max core file size 0 4096 bytes"
}

tcase proc_rlimit_unraisable 'config.md#process' 'an rlimit that cannot be applied (hard limit above the caller without CAP_SYS_RESOURCE) MUST fail'
c_proc_rlimit_unraisable() {
    local hard eff
    hard=$(ulimit -Hn)
    [ "$hard" != unlimited ] || skip "hard RLIMIT_NOFILE is unlimited here"
    eff=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
    [ $(((16#$eff >> 24) & 1)) -eq 0 ] || skip "the runtime has CAP_SYS_RESOURCE and may raise the limit"
    mkbundle true
    cfg --argjson h "$((hard * 4))" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": $h}]'
    newid
    must_fail create_
    gone
    no_leftovers
}

tcase proc_rlimit_dup 'config.md#process' 'duplicated rlimits entries of one type MUST fail'
c_proc_rlimit_dup() {
    mkbundle true
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512},
        {"type": "RLIMIT_NOFILE", "soft": 128, "hard": 512}]'
    newid
    must_fail create_
    gone
}

tcase proc_rlimit_unknown 'config.md#process' 'an rlimit type that maps to no kernel limit MUST fail'
c_proc_rlimit_unknown() {
    mkbundle true
    cfg '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
    newid
    must_fail create_
    gone
}

tcase proc_nnp_on 'config.md#process' 'noNewPrivileges true sets no_new_privs'
c_proc_nnp_on() {
    mkbundle sh -c 'grep NoNewPrivs /proc/self/status | tr -d "\t "'
    cfg '.process.noNewPrivileges = true'
    newid
    runok
    eq "$OUT" NoNewPrivs:1 NoNewPrivs
}

tcase proc_nnp_off 'config.md#process' 'noNewPrivileges false leaves no_new_privs unset'
c_proc_nnp_off() {
    mkbundle sh -c 'grep NoNewPrivs /proc/self/status | tr -d "\t "'
    cfg '.process.noNewPrivileges = false'
    newid
    runok
    eq "$OUT" NoNewPrivs:0 NoNewPrivs
}

# capstatus: the process' own capability sets, one "CapXxx:hex" per line.
CAPSTATUS='grep ^Cap /proc/$$/status | tr -d "\t" | tr "\n" " "'

tcase proc_caps_root 'config.md#process' 'capabilities: a root process has exactly the bounding/effective/permitted sets given'
c_proc_caps_root() {
    mkbundle sh -c "$CAPSTATUS"
    cfg '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
        "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
        "inheritable": ["CAP_KILL"], "ambient": []}'
    newid
    runok
    contains "$OUT" "CapBnd:0000000000002021"
    contains "$OUT" "CapEff:0000000000002021"
    contains "$OUT" "CapPrm:0000000000002021"
    contains "$OUT" "CapInh:0000000000000020"
    contains "$OUT" "CapAmb:0000000000000000"
}

tcase proc_caps_ambient 'config.md#process' 'capabilities: ambient capabilities survive for a non-root user'
c_proc_caps_ambient() {
    mkbundle sh -c "$CAPSTATUS"
    cfg '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"],
        "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
    newid
    runok
    contains "$OUT" "CapBnd:0000000000000421"
    contains "$OUT" "CapAmb:0000000000000400"
    contains "$OUT" "CapEff:0000000000000400"
    contains "$OUT" "CapPrm:0000000000000400"
}

tcase proc_caps_nonroot_none 'config.md#process' 'capabilities: a non-root user without ambient capabilities has none effective'
c_proc_caps_nonroot_none() {
    mkbundle sh -c "$CAPSTATUS"
    cfg '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities = {
        "bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
    newid
    runok
    contains "$OUT" "CapEff:0000000000000000"
    contains "$OUT" "CapBnd:0000000000000020"
}

tcase proc_caps_enforced 'config.md#process' 'capabilities: without CAP_SYS_ADMIN mount(2) is refused'
c_proc_caps_enforced() {
    mkbundle sh -c 'mkdir -p /m; if mount -t tmpfs t /m 2>/dev/null; then echo mounted; else echo refused; fi'
    newid
    runok
    eq "$OUT" refused mount
}

tcase proc_caps_unknown 'config.md#process' 'capabilities: an unknown capability name is logged as a warning, not fatal (SHOULD NOT fail)'
c_proc_caps_unknown() {
    mkbundle echo ran
    cfg '.process.capabilities.bounding += ["CAP_NO_SUCH_THING"]'
    newid
    runok
    eq "$OUT" ran output
}

tcase proc_oom_score_adj 'config.md#process' 'oomScoreAdj sets /proc/self/oom_score_adj'
c_proc_oom_score_adj() {
    mkbundle cat /proc/self/oom_score_adj
    cfg '.process.oomScoreAdj = 432'
    newid
    runok
    eq "$OUT" 432 oom_score_adj
}

tcase proc_oom_score_unset 'config.md#process' 'without oomScoreAdj the runtime MUST NOT change oom_score_adj'
c_proc_oom_score_unset() {
    mkbundle cat /proc/self/oom_score_adj
    cfg 'del(.process.oomScoreAdj)'
    newid
    echo 123 >/proc/self/oom_score_adj
    run_
    eq "$RC" 0 "exit status"
    eq "$OUT" 123 oom_score_adj
}

# console_run ARGS...: create+start $B (terminal: true) with a console socket; $OUT is
# what the container wrote to its terminal.
console_run() {
    cfg '.process.terminal = true'
    python3 "$SUITE/tools/recvtty.py" "$CDIR/tty.sock" "$CDIR/tty.out" &
    wait_until 15 test -S "$CDIR/tty.sock" || fail "receiver did not start"
    createok --console-socket "$CDIR/tty.sock"
    rt start "$ID"
    wait_until 10 test -e "$CDIR/tty.out.done" || fail "terminal output did not end"
    eq "$(cat "$CDIR/tty.out.done")" ok "pty master received"
    OUT=$(tr -d '\r' <"$CDIR/tty.out")
}

tcase terminal_socket 'config.md#process' 'terminal: the process gets a pty whose master goes to --console-socket'
c_terminal_socket() {
    mkbundle sh -c '[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; tty'
    newid
    console_run
    contains "$OUT" all-ttys
    contains "$OUT" /dev/
    not_contains "$OUT" "not a tty"
}

tcase terminal_console 'config-linux.md#default-devices' '/dev/console is set up (a character device) when terminal is true'
c_terminal_console() {
    mkbundle sh -c 'if [ -c /dev/console ]; then echo console-ok; fi'
    newid
    console_run
    contains "$OUT" console-ok
}

tcase terminal_size 'config.md#process' 'consoleSize sets the terminal size'
c_terminal_size() {
    mkbundle stty size
    cfg '.process.consoleSize = {"height": 33, "width": 101}'
    newid
    console_run
    contains "$OUT" "33 101"
}

tcase terminal_no_socket 'runc-create.8.md' 'create of a terminal container without --console-socket MUST fail'
c_terminal_no_socket() {
    mkbundle true
    cfg '.process.terminal = true'
    newid
    must_fail create_
    gone
}

tcase hostname 'config.md#hostname' 'hostname is set in the new UTS namespace'
c_hostname() {
    mkbundle hostname
    cfg '.hostname = "conf-host"'
    newid
    runok
    eq "$OUT" conf-host hostname
}

tcase domainname 'config.md#domainname' 'domainname is set in the new UTS namespace'
c_domainname() {
    mkbundle cat /proc/sys/kernel/domainname
    cfg '.domainname = "conf.example"'
    newid
    runok
    eq "$OUT" conf.example domainname
}

tcase personality 'config-linux.md#personality' 'personality LINUX32 makes uname -m report a 32-bit machine'
c_personality() {
    [ "$(uname -m)" = x86_64 ] || skip "not x86_64"
    mkbundle uname -m
    cfg '.linux.personality = {"domain": "LINUX32"}'
    newid
    runok
    eq "$OUT" i686 "uname -m"
}

tcase proc_scheduler 'config.md#process' 'scheduler sets the policy (SCHED_BATCH) and nice value of the process'
c_proc_scheduler() {
    mkbundle sh -c 'awk "/^policy/ { print \$3 }" /proc/$$/sched; cut -d" " -f19 /proc/$$/stat'
    cfg '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
    newid
    runok
    eq "$OUT" "3
5" "policy (3 = SCHED_BATCH) and nice"
}

tcase proc_io_priority 'config.md#process' 'ioPriority sets the I/O scheduling class and level'
c_proc_io_priority() {
    mkbundle ionice
    cfg '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
    newid
    runok
    eq "$OUT" "best-effort: prio 6" ionice
}

tcase proc_rlimit_soft_above_hard 'config.md#process' 'an rlimit whose soft value is above its hard value cannot be applied and MUST fail'
c_proc_rlimit_soft_above_hard() {
    mkbundle true
    cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]'
    newid
    must_fail create_
    gone
}

tcase proc_cwd_leaked_fd 'config.md#process' 'cwd /proc/self/fd/N through a descriptor of the runtime never gives a host directory (CVE-2024-21626)'
c_proc_cwd_leaked_fd() {
    mkdir "$CDIR/hostdir"
    touch "$CDIR/hostdir/host-marker"
    mkbundle sh -c 'ls; ls ..'
    cfg '.process.cwd = "/proc/self/fd/7"'
    newid
    RC=0
    rt run -b "$B" "$ID" >"$CDIR/out" 2>"$CDIR/err" </dev/null 7<"$CDIR/hostdir" || RC=$?
    not_contains "$(cat "$CDIR/out")" host-marker "listing of the cwd"
    not_contains "$(cat "$CDIR/out")" hostdir "listing of the cwd's parent"
}

# mempolicy JSON CMD...: a bundle running CMD with linux.memoryPolicy = JSON.
mempolicy() {
    local mp=$1
    shift
    mkbundle "$@"
    cfg --argjson mp "$mp" '.linux.memoryPolicy = $mp'
    newid
}

tcase mempolicy_bind 'config-linux.md#memory-policy' 'memoryPolicy MPOL_BIND with nodes is the policy the process runs under'
c_mempolicy_bind() {
    [ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA support"
    mempolicy '{"mode": "MPOL_BIND", "nodes": "0"}' sh -c 'head -n 1 /proc/self/numa_maps'
    runok
    contains "$OUT" " bind:0 " "numa_maps"
}

tcase mempolicy_flags 'config-linux.md#memory-policy' 'memoryPolicy flags are or-ed into the mode (MPOL_INTERLEAVE with MPOL_F_STATIC_NODES)'
c_mempolicy_flags() {
    [ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA support"
    mempolicy '{"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}' \
        sh -c 'head -n 1 /proc/self/numa_maps'
    runok
    contains "$OUT" " interleave=static:0 " "numa_maps"
}

tcase mempolicy_bad_node 'config-linux.md#memory-policy' 'a memoryPolicy the kernel refuses (a node that does not exist) MUST fail'
c_mempolicy_bad_node() {
    [ ! -e /sys/devices/system/node/node1000 ] || skip "node 1000 exists"
    mempolicy '{"mode": "MPOL_BIND", "nodes": "1000"}' true
    run_
    [ "$RC" -ne 0 ] || fail "run succeeded"
}

tcase mempolicy_nodes_for_local 'config-linux.md#memory-policy' 'MPOL_LOCAL with nodes is invalid and MUST fail, naming the field'
c_mempolicy_nodes_for_local() {
    mempolicy '{"mode": "MPOL_LOCAL", "nodes": "0"}' true
    run_
    [ "$RC" -ne 0 ] || fail "run succeeded"
    contains "$(cat "$CDIR/err")" "nodes" "error"
}

tcase mempolicy_exec 'config-linux.md#memory-policy' 'a process exec runs in the container runs under its memoryPolicy too'
c_mempolicy_exec() {
    [ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA support"
    mempolicy '{"mode": "MPOL_BIND", "nodes": "0"}'
    startok
    contains "$(rt exec "$ID" head -n 1 /proc/self/numa_maps)" " bind:0 " "numa_maps of the exec'd process"
}
