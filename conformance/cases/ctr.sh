# containerd through its runc v2 shim with the runtime under test as the shim's binary
# (ctr run --runtime io.containerd.runc.v2 --runc-binary RUNTIME), as containerd users and
# Kubernetes nodes run it (issue 11). One containerd per case, its own root and sockets.
# shellcheck shell=bash disable=SC2016

# ctr_ ARGS...: ctr on this case's containerd, in the namespace keel.
ctr_() {
    ctr --address "$CTD_SOCK" --namespace keel "$@"
}

# ctr_setup: containerd started, the busybox image imported as keel/busybox:1.
ctr_setup() {
    need ctr containerd
    D="$CDIR/ctd"
    CG="$RUNID-ctr"
    echo "eng_cleanup '$D' '$D/runc' '$CG'" >>"$CDIR/cleanup"
    containerd_start "$D"
    busybox_archive "$CDIR/img.tar" docker.io/keel/busybox:1 '["sh"]'
    ctr_ images import "$CDIR/img.tar" >/dev/null || fail "ctr images import failed"
    CTR_RUN=(run --runtime io.containerd.runc.v2 --runc-binary "$RUNTIME" --runc-root "$D/runc")
}

# ctr_run ID [OPTION...] -- ARGS...: a foreground container ID running ARGS (stdout in $OUT,
# status in $RC).
ctr_run() {
    local id=$1 opts=()
    shift
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    RC=0
    OUT=$(ctr_ "${CTR_RUN[@]}" --rm "${opts[@]}" --cgroup "/$CG/$id" docker.io/keel/busybox:1 "$id" "$@" \
        2>"$CDIR/err" </dev/null) || RC=$?
    cat "$CDIR/err" >&2
}

# ctr cancels its copy of a process's output once the process has exited and is deleted:
# under load the last lines were lost (seen with runc), so commands whose output is checked
# wait a little before they exit.
DRAIN='sleep 0.3'

ctr_task_status() {
    ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'
}

ctr_task_is() {
    [ "$(ctr_task_status "$1")" = "$2" ]
}

ctr_echo() {
    ctr_run echo1 -- sh -c "echo ok through the shim; $DRAIN"
    eq "$RC" 0 "ctr run exit status"
    eq "$OUT" "ok through the shim" "ctr run output"
}

ctr_exit_status() {
    ctr_run exit1 -- sh -c 'exit 3'
    eq "$RC" 3 "ctr run exit status of sh -c 'exit 3'"
}

ctr_detached() {
    ctr_ "${CTR_RUN[@]}" -d --cgroup "/$CG/c1" docker.io/keel/busybox:1 c1 sleep 600 </dev/null ||
        fail "ctr run -d failed"
    eq "$(ctr_task_status c1)" RUNNING "task status"
}

ctr_exec() {
    local out rc=0
    out=$(ctr_ task exec --exec-id e1 c1 sh -c \
        'echo exec as $(id -u); cat /proc/1/cmdline | tr "\0" " "; '"$DRAIN" </dev/null)
    eq "$out" "exec as 0
sleep 600 " "exec output"
    ctr_ task exec --exec-id e2 c1 sh -c 'exit 4' || rc=$?
    eq "$rc" 4 "exec exit status"
}

ctr_pause() {
    ctr_ task pause c1 || fail "ctr task pause failed"
    eq "$(ctr_task_status c1)" PAUSED "status after pause"
    ctr_ task resume c1 || fail "ctr task resume failed"
    eq "$(ctr_task_status c1)" RUNNING "status after resume"
    eq "$(ctr_ task exec --exec-id e3 c1 sh -c "echo alive; $DRAIN" </dev/null)" alive \
        "exec after resume"
}

ctr_kill() {
    ctr_ task kill -s KILL c1 || fail "ctr task kill failed"
    wait_until 10 ctr_task_is c1 STOPPED ||
        fail "task status after kill: $(ctr_task_status c1)"
    local out
    out=$(ctr_ task delete c1 2>&1) || fail "ctr task delete failed"
    contains "$out" "137" "exit status of the killed task"
    ctr_ containers rm c1 || fail "ctr containers rm failed"
}

ctr_privileged() {
    ctr_run priv1 --privileged -- sh -c \
        'grep CapEff /proc/self/status; test -c /dev/kmsg && echo kmsg; '"$DRAIN"
    eq "$RC" 0 "ctr run --privileged exit status ($(errtext "$CDIR/err"))"
    eq "$OUT" "$(grep CapEff /proc/self/status)
kmsg" "capabilities and host devices of a privileged container"
}

# nothing of the case's containers is left: no task, no container, no runtime state, no cgroup,
# no mount under containerd's state.
ctr_nothing_left() {
    eq "$(ctr_ task ls -q)" "" "tasks left"
    eq "$(ctr_ containers ls -q)" "" "containers left"
    eq "$("$RUNTIME" --root "$D/runc/keel" list -q 2>/dev/null)" "" "runtime state left"
    eq "$(cg_left "$CG")" "" "cgroups left"
    if grep -F " $D/state/" /proc/self/mountinfo; then
        fail "mounts left under containerd's state"
    fi
}

tcase ctr_shim 'containerd' 'ctr run through the runc v2 shim with --runc-binary RUNTIME: run, exit status, exec, pause/resume, kill, --privileged, nothing left'
c_ctr_shim() {
    ctr_setup
    step echo ctr_echo
    step exit-status ctr_exit_status
    step detached ctr_detached
    step exec ctr_exec
    step pause-resume ctr_pause
    step kill ctr_kill
    step privileged ctr_privileged
    step nothing-left ctr_nothing_left
    steps_done ctr
}
