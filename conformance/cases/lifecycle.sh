# Lifecycle, operations, state and errors: runtime.md and runc's command line.
# shellcheck shell=bash disable=SC2016

tcase state_unknown 'runtime.md#query-state' 'state of a container that does not exist MUST fail'
c_state_unknown() {
    newid
    must_fail rt state "$ID"
}

tcase state_no_id 'runtime.md#query-state' 'state without a container id MUST fail'
c_state_no_id() {
    must_fail rt state
}

tcase create_state 'runtime.md#state' 'after create the state has ociVersion, id, status created, pid and the absolute bundle'
c_create_state() {
    mkbundle
    newid
    createok
    local s
    s=$(rt state "$ID")
    echo "$s"
    eq "$(jq -r .id <<<"$s")" "$ID" id
    eq "$(jq -r .status <<<"$s")" created status
    eq "$(jq -r .bundle <<<"$s")" "$B" bundle
    jq -e '.ociVersion | test("^[0-9]+\\.[0-9]+\\.[0-9]+")' <<<"$s" >/dev/null || fail "ociVersion not semver"
    jq -e '.pid > 0' <<<"$s" >/dev/null || fail "no pid"
    [ -d "/proc/$(jq -r .pid <<<"$s")" ] || fail "pid does not exist"
}

tcase create_no_exec 'runtime.md#create' 'process.args MUST NOT run before start'
c_create_no_exec() {
    mkbundle sh -c 'touch /ran; sleep 600'
    newid
    createok
    sleep 0.3
    [ ! -e "$B/rootfs/ran" ] || fail "user program ran at create"
    rt start "$ID"
    wait_until 15 test -e "$B/rootfs/ran" || fail "user program did not run after start"
}

tcase create_dup_id 'runtime.md#create' 'create with an id already in use MUST fail and leave the first container alone'
c_create_dup_id() {
    mkbundle
    newid
    createok
    must_fail create_
    eq "$(state_field status)" created status
    eq "$(state_field pid)" "$PID" pid
}

tcase create_no_id 'runtime.md#create' 'create without a container id MUST fail'
c_create_no_id() {
    mkbundle
    must_fail rt create -b "$B"
}

tcase create_bad_id 'runtime.md#create' 'create with an invalid id (with a slash) MUST fail'
c_create_bad_id() {
    mkbundle
    newid
    must_fail rt create -b "$B" "../$ID" </dev/null
    must_fail rt create -b "$B" "a/$ID" </dev/null
    [ ! -e "$STATE/a/$ID" ] || fail "state made from the id"
}

tcase create_no_bundle 'runtime.md#create' 'create with a bundle that does not exist MUST fail and create nothing'
c_create_no_bundle() {
    newid
    must_fail rt create -b "$CDIR/nowhere" "$ID" </dev/null
    gone
}

tcase create_bundle_cwd 'runc-create.8.md' 'create without --bundle uses the current directory'
c_create_bundle_cwd() {
    mkbundle
    newid
    (cd "$B" && rt create "$ID" </dev/null >/dev/null 2>&1) || fail "create in bundle dir failed"
    eq "$(state_field bundle)" "$B" bundle
}

tcase create_pid_file 'runc-create.8.md' 'create --pid-file writes the container pid'
c_create_pid_file() {
    mkbundle
    newid
    createok --pid-file "$CDIR/pidfile"
    eq "$(cat "$CDIR/pidfile")" "$PID" "pid file"
}

tcase create_config_frozen 'runtime.md#lifecycle' 'changes to config.json after create MUST NOT affect the container'
c_create_config_frozen() {
    mkbundle sh -c 'echo original >/out; sleep 600'
    newid
    createok
    cfg '.process.args = ["sh", "-c", "echo changed >/out; sleep 600"]'
    rt start "$ID"
    wait_until 15 test -s "$B/rootfs/out" || fail "no output"
    eq "$(cat "$B/rootfs/out")" original output
}

tcase create_no_process 'runtime.md#start' 'starting a container without process MUST fail'
c_create_no_process() {
    mkbundle
    cfg 'del(.process)'
    newid
    if create_; then
        must_fail rt start "$ID"
    fi
}

tcase start_runs 'runtime.md#start' 'start runs the user program and the state becomes running'
c_start_runs() {
    mkbundle sh -c 'echo started >/started; sleep 600'
    newid
    startok
    wait_status running
    wait_until 15 test -s "$B/rootfs/started" || fail "program did not run"
}

tcase start_twice 'runtime.md#start' 'start of a running container MUST fail and not affect it'
c_start_twice() {
    mkbundle
    newid
    startok
    must_fail rt start "$ID"
    eq "$(state_field status)" running status
    eq "$(state_field pid)" "$PID" pid
}

tcase start_stopped 'runtime.md#start' 'start of a stopped container MUST fail'
c_start_stopped() {
    mkbundle true
    newid
    startok
    wait_status stopped
    must_fail rt start "$ID"
    eq "$(state_field status)" stopped status
}

tcase start_unknown 'runtime.md#start' 'start of an unknown container MUST fail'
c_start_unknown() {
    newid
    must_fail rt start "$ID"
    must_fail rt start
}

tcase state_stopped 'runtime.md#state' 'a container whose program exited is stopped'
c_state_stopped() {
    mkbundle sh -c 'exit 3'
    newid
    startok
    wait_status stopped
}

tcase state_pid_host 'runtime.md#state' 'state.pid is the container process as seen on the host'
c_state_pid_host() {
    mkbundle sh -c 'echo $$ >/mypid; exec sleep 600'
    newid
    startok
    wait_until 15 test -s "$B/rootfs/mypid"
    eq "$(stat -L -c %d:%i "/proc/$PID/exe")" "$(stat -c %d:%i "$B/rootfs/bin/busybox")" "exe of state.pid"
    eq "$(cat "$B/rootfs/mypid")" 1 "pid inside the pid namespace"
}

tcase kill_term 'runtime.md#kill' 'kill without a signal sends SIGTERM to the container process'
c_kill_term() {
    mkbundle sh -c 'trap "echo term >/got; exit 0" TERM; echo ready >/ready; while :; do sleep 0.05; done'
    newid
    startok
    wait_until 15 test -e "$B/rootfs/ready"
    rt kill "$ID"
    wait_status stopped
    eq "$(cat "$B/rootfs/got")" term "signal seen"
}

tcase kill_signal_forms 'runc-kill.8.md' 'kill takes KILL, SIGKILL and 9'
c_kill_signal_forms() {
    local sig
    mkbundle
    for sig in KILL SIGKILL 9; do
        newid "-$sig"
        startok
        rt kill "$ID" "$sig" || fail "kill $sig failed"
        wait_status stopped
    done
}

tcase kill_usr1 'runtime.md#kill' 'kill sends the named signal (USR1) to the container process'
c_kill_usr1() {
    mkbundle sh -c 'trap "echo usr1 >/got" USR1; echo ready >/ready; while :; do sleep 0.05; done'
    newid
    startok
    wait_until 15 test -e "$B/rootfs/ready"
    rt kill "$ID" USR1
    wait_until 15 test -s "$B/rootfs/got" || fail "USR1 not delivered"
    eq "$(state_field status)" running status
}

tcase kill_created 'runtime.md#kill' 'kill of a created container is allowed and stops it'
c_kill_created() {
    mkbundle
    newid
    createok
    rt kill "$ID" KILL
    wait_status stopped
}

tcase kill_stopped 'runtime.md#kill' 'kill of a stopped container MUST fail'
c_kill_stopped() {
    mkbundle true
    newid
    startok
    wait_status stopped
    must_fail rt kill "$ID" KILL
    eq "$(state_field status)" stopped status
}

tcase kill_unknown 'runtime.md#kill' 'kill of an unknown container MUST fail'
c_kill_unknown() {
    newid
    must_fail rt kill "$ID" KILL
    must_fail rt kill
}

tcase kill_all 'runc-kill.8.md' 'kill --all signals every process of the container'
c_kill_all() {
    mkbundle sh -c 'sleep 600 & sleep 600 & echo ready >/ready; wait'
    cfg '.linux.namespaces |= map(select(.type != "pid"))'
    newid
    startok
    wait_until 15 test -e "$B/rootfs/ready"
    local kids
    kids=$(pgrep -P "$PID")
    [ -n "$kids" ] || fail "no children"
    rt kill --all "$ID" KILL
    wait_status stopped
    for k in $kids; do
        wait_until 15 test ! -e "/proc/$k" || fail "child $k survived"
    done
}

tcase delete_running 'runtime.md#delete' 'delete of a running container without force MUST fail and leave it running'
c_delete_running() {
    mkbundle
    newid
    startok
    must_fail rt delete "$ID"
    eq "$(state_field status)" running status
    kill -0 "$PID" || fail "process gone"
}

tcase delete_created 'runtime.md#delete' 'delete of a created (not stopped) container without force MUST fail'
c_delete_created() {
    mkbundle
    newid
    createok
    must_fail rt delete "$ID"
    eq "$(state_field status)" created status
}

tcase delete_stopped 'runtime.md#delete' 'delete of a stopped container removes it: state fails, not listed'
c_delete_stopped() {
    mkbundle true
    newid
    startok
    wait_status stopped
    rt delete "$ID"
    gone
    no_leftovers
}

tcase delete_force 'runc-delete.8.md' 'delete --force kills and removes a running container'
c_delete_force() {
    mkbundle
    newid
    startok
    rt delete -f "$ID"
    gone
    wait_until 15 test ! -e "/proc/$PID" || fail "process $PID still alive"
    no_leftovers
}

tcase delete_unknown 'runtime.md#delete' 'delete of an unknown container MUST fail'
c_delete_unknown() {
    newid
    must_fail rt delete "$ID"
    must_fail rt delete
}

tcase delete_keeps_bundle 'runtime.md#delete' 'delete MUST NOT delete resources it did not create (the bundle)'
c_delete_keeps_bundle() {
    mkbundle true
    newid
    startok
    wait_status stopped
    rt delete "$ID"
    if [ ! -f "$B/config.json" ] || [ ! -x "$B/rootfs/bin/busybox" ]; then
        fail "bundle damaged"
    fi
}

tcase run_exit_status 'runc-run.8.md' 'run exits with the exit status of the container process'
c_run_exit_status() {
    mkbundle sh -c 'exit 7'
    newid
    run_
    eq "$RC" 7 "exit status"
}

tcase run_signal_status 'runc-run.8.md' 'run exits 128+N when the container process is killed by signal N'
c_run_signal_status() {
    mkbundle
    newid
    local rc=0 pid
    rt run -b "$B" "$ID" </dev/null >/dev/null 2>&1 &
    pid=$!
    wait_status running
    rt kill "$ID" KILL
    wait "$pid" || rc=$?
    eq "$rc" 137 "exit status"
}

tcase run_forwards_signal 'runc-run.8.md' 'run forwards signals it receives to the container process'
c_run_forwards_signal() {
    mkbundle sh -c 'trap "exit 5" TERM; echo ready >/ready; while :; do busybox sleep 0.05; done'
    newid
    local rc=0 pid
    "$RUNTIME" --root "$STATE" run -b "$B" "$ID" </dev/null >/dev/null 2>&1 &
    pid=$!
    wait_until 15 test -e "$B/rootfs/ready"
    kill -TERM "$pid"
    wait "$pid" || rc=$?
    eq "$rc" 5 "exit status"
}

tcase run_removes 'runc-run.8.md' 'run removes the container after it exits'
c_run_removes() {
    mkbundle true
    newid
    runok
    gone
    no_leftovers
}

tcase run_detach 'runc-run.8.md' 'run --detach returns while the container keeps running'
c_run_detach() {
    mkbundle
    newid
    timeout 10 "$RUNTIME" --root "$STATE" run -d -b "$B" "$ID" </dev/null >/dev/null 2>&1 || fail "run -d failed"
    eq "$(state_field status)" running status
}

tcase list_formats 'runc-list.8.md' 'list shows containers: table, -q and --format json'
c_list_formats() {
    mkbundle
    newid
    createok
    rt list | grep -E "^$ID +$PID +created" || fail "not in the table"
    rt list -q | grep -qx "$ID" || fail "not in list -q"
    rt list --format json | jq -e --arg id "$ID" '.[] | select(.id == $id and .status == "created")' >/dev/null ||
        fail "not in list --format json"
}

tcase spec_template 'runc-spec.8.md' 'spec writes a valid config.json and refuses to overwrite one'
c_spec_template() {
    mkdir "$CDIR/s"
    (cd "$CDIR/s" && rt spec) || fail "spec failed"
    jq -e '.ociVersion and .process.args and .root.path == "rootfs" and (.linux.namespaces | length > 0)' \
        "$CDIR/s/config.json" >/dev/null || fail "not a config"
    must_fail rt spec -b "$CDIR/s"
}

tcase spec_rootless 'runc-spec.8.md' 'spec --rootless adds a user namespace with mappings'
c_spec_rootless() {
    mkdir "$CDIR/s"
    rt spec --rootless -b "$CDIR/s" || fail "spec --rootless failed"
    jq -e '(.linux.namespaces | map(.type) | index("user")) and (.linux.uidMappings | length > 0)' \
        "$CDIR/s/config.json" >/dev/null || fail "no user namespace"
}

tcase features_json 'features.md' 'features prints JSON with ociVersionMin/Max, hooks, mountOptions and namespaces'
c_features_json() {
    local f
    f=$(rt features) || fail "features failed"
    jq -e '.ociVersionMin and .ociVersionMax and (.hooks | index("prestart"))
        and (.mountOptions | index("ro")) and (.linux.namespaces | index("pid"))
        and (.linux.capabilities | index("CAP_SYS_ADMIN"))' <<<"$f" >/dev/null ||
        fail "incomplete features: $f"
}

tcase features_linux 'features-linux.md' 'features reports the runtime-spec 1.2/1.3 fields: mountExtensions.idmap, netDevices, memoryPolicy, intelRdt, apparmor, selinux, seccomp flags and the libseccomp annotation'
c_features_linux() {
    local f
    f=$(rt features) || fail "features failed"
    jq -e '.linux.mountExtensions.idmap.enabled == true and .linux.netDevices.enabled == true
        and (.linux.memoryPolicy.modes | index("MPOL_BIND")) and (.linux.memoryPolicy.modes | index("MPOL_LOCAL"))
        and (.linux.memoryPolicy.flags | index("MPOL_F_STATIC_NODES"))
        and (.linux.intelRdt.enabled | type == "boolean")
        and (.linux.apparmor.enabled | type == "boolean") and (.linux.selinux.enabled | type == "boolean")
        and (.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG"))
        and (.linux.seccomp.supportedFlags | type == "array")
        and (.mountOptions | index("idmap")) and (.mountOptions | index("ridmap"))
        and (.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+[.][0-9]+[.][0-9]+$"))' \
        <<<"$f" >/dev/null || fail "incomplete features: $(jq -c .linux <<<"$f")"
}

tcase features_mempolicy_modes 'features-linux.md' 'every memoryPolicy mode features reports is one create recognizes'
c_features_mempolicy_modes() {
    local mode nodes
    mkbundle true
    for mode in $(rt features | jq -r '.linux.memoryPolicy.modes[]?'); do
        case "$mode" in MPOL_DEFAULT | MPOL_LOCAL) nodes="" ;; *) nodes=0 ;; esac
        cfg --arg m "$mode" --arg n "$nodes" '.linux.memoryPolicy = {"mode": $m, "nodes": $n}'
        newid "-$mode"
        run_
        # the kernel may lack a mode (MPOL_WEIGHTED_INTERLEAVE is Linux 6.9); keel must know it
        not_contains "$(cat "$CDIR/err")" "unknown" "$mode"
    done
}

tcase version_flag 'runc.8.md' '--version prints the runtime and spec versions'
c_version_flag() {
    local v
    v=$("$RUNTIME" --version)
    contains "$v" "spec" "--version"
}

tcase log_json 'runc.8.md' '--log FILE --log-format json puts the error of a failed command in FILE as JSON'
c_log_json() {
    newid
    must_fail "$RUNTIME" --root "$STATE" --log "$CDIR/log.json" --log-format json state "$ID"
    [ -s "$CDIR/log.json" ] || fail "nothing logged"
    tail -n 1 "$CDIR/log.json" | jq -e '.msg and .level' >/dev/null || fail "not JSON: $(cat "$CDIR/log.json")"
}

tcase annotations_state 'runtime.md#state' 'annotations from config.json appear in the state'
c_annotations_state() {
    mkbundle
    cfg '.annotations = {"org.example.conformance": "yes"}'
    newid
    createok
    eq "$(state_field 'annotations["org.example.conformance"]')" yes annotation
}

tcase annotations_empty_key 'config.md#annotations' 'an annotation with an empty key is invalid and MUST be refused'
c_annotations_empty_key() {
    mkbundle
    cfg '.annotations = {"": "x"}'
    newid
    must_fail create_
    gone
}

tcase unknown_props 'config.md#extensibility' 'unknown properties MUST be ignored'
c_unknown_props() {
    mkbundle sh -c 'echo fine'
    cfg '.["org.example.unknown"] = {"a": 1} | .process["org.example.x"] = [1, 2] | .linux["org.example.y"] = "z"'
    newid
    runok
    eq "$OUT" fine output
}

tcase bad_ociversion 'config.md#specification-version' 'ociVersion that is not SemVer MUST be refused'
c_bad_ociversion() {
    mkbundle
    cfg '.ociVersion = "banana"'
    newid
    must_fail create_
    gone
}

tcase root_missing 'config.md#root' 'root.path that does not exist MUST fail'
c_root_missing() {
    mkbundle
    cfg '.root.path = "nothere"'
    newid
    must_fail create_
    gone
}

# execed: the container process ($PID) runs the user program (busybox) now.
execed() {
    [ "$(readlink "/proc/$PID/exe")" = /bin/busybox ]
}

tcase fds_closed 'runtime-linux.md#file-descriptors' 'only stdin, stdout and stderr are open in the container (no leaked fds)'
c_fds_closed() {
    mkbundle
    newid
    rt create -b "$B" "$ID" >"$CDIR/out" 2>"$CDIR/err" </dev/null 7<"$B/config.json" || fail "create failed"
    PID=$(state_field pid)
    rt start "$ID"
    wait_until 15 execed || fail "the program did not start"
    eq "$(find "/proc/$PID/fd" -mindepth 1 -printf '%f\n' | sort -n | tr '\n' ' ')" "0 1 2 " "open fds"
}

tcase preserve_fds 'runc-run.8.md' '--preserve-fds N passes fds 3..3+N-1 to the container'
c_preserve_fds() {
    echo passed >"$CDIR/fd3"
    mkbundle sh -c 'cat <&3'
    newid
    RC=0
    rt run --preserve-fds 1 -b "$B" "$ID" >"$CDIR/out" 2>"$CDIR/err" </dev/null 3<"$CDIR/fd3" || RC=$?
    eq "$RC" 0 "exit status"
    eq "$(cat "$CDIR/out")" passed "read from fd 3"
}

# pidfd_receiver: a --pidfd-socket receiver on $CDIR/pidfd.sock writing $CDIR/pidfd.out.
pidfd_receiver() {
    rm -f "$CDIR/pidfd.sock" "$CDIR/pidfd.out"
    python3 "$SUITE/tools/recvpidfd.py" "$CDIR/pidfd.sock" "$CDIR/pidfd.out" &
    wait_until 15 test -S "$CDIR/pidfd.sock" || fail "receiver did not start"
}

tcase pidfd_socket_create 'runc-create.8.md' 'create --pidfd-socket sends a pidfd of the container init over the socket (runc 1.2)'
c_pidfd_socket_create() {
    mkbundle
    newid
    pidfd_receiver
    createok --pidfd-socket "$CDIR/pidfd.sock"
    wait_until 10 test -e "$CDIR/pidfd.out" || fail "no pidfd received"
    eq "$(cat "$CDIR/pidfd.out")" "$PID ok" "pidfd's pid and signal 0"
}

tcase pidfd_socket_exec 'runc-exec.8.md' 'exec --pidfd-socket sends a pidfd of the exec process over the socket (runc 1.2)'
c_pidfd_socket_exec() {
    mkbundle
    newid
    startok
    pidfd_receiver
    rt exec -d --pid-file "$CDIR/exec.pid" --pidfd-socket "$CDIR/pidfd.sock" "$ID" sleep 60 ||
        fail "exec failed"
    wait_until 10 test -e "$CDIR/pidfd.out" || fail "no pidfd received"
    eq "$(cat "$CDIR/pidfd.out")" "$(cat "$CDIR/exec.pid") ok" "pidfd's pid and signal 0"
}

tcase pidfd_socket_missing 'runc-create.8.md' 'create --pidfd-socket with no listener fails and leaves no container'
c_pidfd_socket_missing() {
    mkbundle
    newid
    must_fail create_ --pidfd-socket "$CDIR/nobody.sock"
    must_fail rt state "$ID"
}

tcase pidfd_socket_run 'runc-run.8.md' 'run -d --pidfd-socket sends a pidfd of the container init over the socket (runc 1.2)'
c_pidfd_socket_run() {
    mkbundle
    newid
    pidfd_receiver
    rt run -d --pidfd-socket "$CDIR/pidfd.sock" -b "$B" "$ID" >/dev/null 2>&1 </dev/null ||
        fail "run -d failed"
    wait_until 10 test -e "$CDIR/pidfd.out" || fail "no pidfd received"
    eq "$(cat "$CDIR/pidfd.out")" "$(state_field pid) ok" "pidfd's pid and signal 0"
}
