# Hooks: config.md#posix-platform-hooks and the lifecycle steps of runtime.md.
# shellcheck shell=bash disable=SC2016

# hooks_setup: $HOOK, a host script "HOOK NAME" that appends NAME to $LOG and saves the state
# it got on stdin as $LOG.NAME.json and its mount namespace as $LOG.NAME.mnt; $B with the
# log directory bind-mounted at /hl.
hooks_setup() {
    LOG="$CDIR/hl/log"
    HOOK="$CDIR/hook.sh"
    mkdir -p "$CDIR/hl"
    : >"$LOG"
    hostfile "$HOOK" "#!/bin/sh
cat >\"$LOG.\$1.json\"
readlink /proc/self/ns/mnt >\"$LOG.\$1.mnt\"
echo \"\$1\" >>\"$LOG\"
exit \${2:-0}"
    mkbundle "$@"
    addmount "{\"destination\": \"/hl\", \"type\": \"bind\", \"source\": \"$CDIR/hl\", \"options\": [\"bind\"]}"
}

# hook KIND NAME [EXIT]: append a host hook of KIND that logs NAME and exits EXIT.
hook() {
    cfg --arg k "$1" --arg p "$HOOK" --arg n "$2" --arg e "${3:-0}" \
        '.hooks[$k] += [{"path": $p, "args": ["hook.sh", $n, $e]}]'
}

# start_hook NAME: a startContainer hook, its path resolving in the container.
start_hook() {
    ln -s busybox "$B/rootfs/bin/conf-hook-sh"
    cfg --arg n "$1" '.hooks.startContainer += [{"path": "/bin/conf-hook-sh",
        "args": ["sh", "-c", "echo \($n) >>/hl/log; hostname >/hl/log.\($n).hostname"]}]'
}

logged() {
    tr '\n' ' ' <"$LOG"
}

tcase hooks_order 'config.md#posix-platform-hooks' 'all six hooks run at their lifecycle step, in order'
c_hooks_order() {
    hooks_setup sh -c 'echo program >>/hl/log'
    hook prestart prestart
    hook createRuntime createRuntime
    hook createContainer createContainer
    start_hook startContainer
    hook poststart poststart
    hook poststop poststop
    newid
    createok
    eq "$(logged)" "prestart createRuntime createContainer " "hooks after create"
    rt start "$ID"
    wait_status stopped
    eq "$(logged)" "prestart createRuntime createContainer startContainer program poststart " "hooks after start"
    rt delete "$ID"
    eq "$(logged)" "prestart createRuntime createContainer startContainer program poststart poststop " "hooks after delete"
}

tcase hooks_listed_order 'config.md#posix-platform-hooks' 'hooks of one kind are called in the listed order'
c_hooks_listed_order() {
    hooks_setup
    hook prestart first
    hook prestart second
    hook createRuntime third
    hook createRuntime fourth
    newid
    createok
    eq "$(logged)" "first second third fourth " "order"
}

tcase hooks_state_stdin 'config.md#posix-platform-hooks' 'hooks get the container state on stdin (id, pid, bundle)'
c_hooks_state_stdin() {
    hooks_setup
    hook createRuntime cr
    hook poststart ps
    hook poststop pst
    newid
    startok
    local f
    for f in cr ps; do
        jq -e --arg id "$ID" --arg b "$B" --argjson pid "$PID" \
            '.id == $id and .bundle == $b and .pid == $pid and (.ociVersion | length > 0)' \
            "$LOG.$f.json" || fail "$f state: $(cat "$LOG.$f.json")"
    done
    rt delete -f "$ID"
    jq -e --arg id "$ID" '.id == $id' "$LOG.pst.json" || fail "poststop state: $(cat "$LOG.pst.json")"
}

tcase hooks_status_values 'runtime.md#state' 'the state given to createRuntime is creating/created and to poststart running'
c_hooks_status_values() {
    hooks_setup
    hook createRuntime cr
    hook poststart ps
    newid
    startok
    case "$(jq -r .status "$LOG.cr.json")" in
    creating | created) ;;
    *) fail "createRuntime status: $(jq -r .status "$LOG.cr.json")" ;;
    esac
    eq "$(jq -r .status "$LOG.ps.json")" running "poststart status"
}

tcase hooks_args_env 'config.md#posix-platform-hooks' 'hooks get their args (args[0] included) and env'
c_hooks_args_env() {
    hooks_setup
    cfg --arg f "$CDIR/hl/argenv" '.hooks.prestart = [{"path": "/bin/sh",
        "args": ["sh", "-c", "echo \"$0 $1 $HOOKVAR\" >\($f)", "zero", "one"], "env": ["HOOKVAR=val"]}]'
    newid
    createok
    eq "$(cat "$CDIR/hl/argenv")" "zero one val" "args and env"
}

tcase hooks_namespaces 'config.md#posix-platform-hooks' 'prestart/createRuntime run in the runtime namespace, createContainer in the container one'
c_hooks_namespaces() {
    hooks_setup
    hook prestart p
    hook createRuntime cr
    hook createContainer cc
    newid
    createok
    local host ctr
    host=$(readlink /proc/self/ns/mnt)
    ctr=$(readlink "/proc/$PID/ns/mnt")
    eq "$(cat "$LOG.p.mnt")" "$host" "prestart mount namespace"
    eq "$(cat "$LOG.cr.mnt")" "$host" "createRuntime mount namespace"
    eq "$(cat "$LOG.cc.mnt")" "$ctr" "createContainer mount namespace"
}

tcase hooks_start_in_container 'config.md#startContainer-hooks' 'startContainer resolves its path in the container and runs in its namespaces'
c_hooks_start_in_container() {
    hooks_setup true
    start_hook sc
    cfg '.hostname = "hook-host"'
    newid
    startok
    wait_status stopped
    eq "$(cat "$LOG.sc.hostname")" hook-host "hostname seen by startContainer"
}

# hook_fails_create KIND: a failing KIND hook fails create and leaves nothing.
hook_fails_create() {
    hooks_setup sh -c 'echo ran >/hl/program'
    hook "$1" bad 1
    newid
    must_fail create_
    gone
    no_leftovers
    [ ! -e "$CDIR/hl/program" ] || fail "user program ran"
}

tcase hooks_fail_prestart 'runtime.md#lifecycle' 'a failing prestart hook fails create and leaves nothing behind'
c_hooks_fail_prestart() { hook_fails_create prestart; }
tcase hooks_fail_createruntime 'runtime.md#lifecycle' 'a failing createRuntime hook fails create and leaves nothing behind'
c_hooks_fail_createruntime() { hook_fails_create createRuntime; }
tcase hooks_fail_createcontainer 'runtime.md#lifecycle' 'a failing createContainer hook fails create and leaves nothing behind'
c_hooks_fail_createcontainer() { hook_fails_create createContainer; }

tcase hooks_fail_startcontainer 'runtime.md#lifecycle' 'a failing startContainer hook fails start, the program does not run, the container stops'
c_hooks_fail_startcontainer() {
    hooks_setup sh -c 'echo ran >/hl/program'
    cfg '.hooks.startContainer = [{"path": "/bin/false", "args": ["false"]}]'
    newid
    createok
    must_fail rt start "$ID"
    [ ! -e "$CDIR/hl/program" ] || fail "user program ran"
    if status_is running || status_is created; then
        fail "container still $(state_field status)"
    fi
}

tcase hooks_fail_poststart 'runtime.md#lifecycle' 'a failing poststart hook fails start and stops the container'
c_hooks_fail_poststart() {
    hooks_setup
    hook poststart bad 1
    newid
    createok
    must_fail rt start "$ID"
    wait_until 15 test ! -e "/proc/$PID" || fail "container process still running"
}

tcase hooks_fail_poststop 'runtime.md#lifecycle' 'a failing poststop hook is only a warning: delete succeeds and later hooks run'
c_hooks_fail_poststop() {
    hooks_setup true
    hook poststop bad 1
    hook poststop after
    newid
    startok
    wait_status stopped
    rt delete "$ID" || fail "delete failed"
    gone
    eq "$(logged)" "bad after " "poststop hooks"
}

tcase hooks_timeout 'config.md#posix-platform-hooks' 'a hook running past its timeout is aborted and fails the operation'
c_hooks_timeout() {
    hooks_setup
    cfg '.hooks.prestart = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
    newid
    local t0=$SECONDS
    must_fail create_
    [ $((SECONDS - t0)) -lt 15 ] || fail "create took $((SECONDS - t0))s"
    gone
    no_leftovers
}

tcase hooks_run_all 'config.md#posix-platform-hooks' 'run calls the create, start and poststop hooks around the program'
c_hooks_run_all() {
    hooks_setup sh -c 'echo program >>/hl/log'
    hook createRuntime createRuntime
    hook poststop poststop
    newid
    runok
    eq "$(logged)" "createRuntime program poststop " "hooks of run"
}
