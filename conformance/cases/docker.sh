# docker (Debian's docker.io) with the runtime under test added as `keel` (issue 11): a dockerd
# of the case's own (--data-root, --exec-root, -H unix socket under $CDIR, no iptables, no
# bridge), an image from `docker load` of a tar the case makes.
# shellcheck shell=bash disable=SC2016

dk() {
    DOCKER_CONFIG="$D/cli" DOCKER_HOST="unix://$D/d.sock" /usr/bin/docker "$@"
}

dk_setup() {
    need dockerd docker.io
    [ -x /usr/bin/docker ] || skip "/usr/bin/docker is not installed (Debian package docker.io)"
    D="$CDIR/dk"
    CG="$RUNID-docker"
    mkdir -p "$D/cli"
    echo '{}' >"$D/daemon.json"
    echo "eng_cleanup '$D' '$D/exec/runtime-keel' '$CG'" >>"$CDIR/cleanup"
    # root here lacks CAP_SYS_RESOURCE: dockerd must not lower its own oom_score_adj.
    daemon dockerd dockerd --config-file "$D/daemon.json" --data-root "$D/data" \
        --exec-root "$D/exec" -H "unix://$D/d.sock" --pidfile "$D/d.pid" --iptables=false \
        --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
        --storage-driver overlay2 --cgroup-parent "/$CG" --oom-score-adjust 0 \
        --add-runtime "keel=$RUNTIME" --default-runtime runc --log-level warn
    wait_until 60 dk version >/dev/null 2>&1 ||
        cannot_start dockerd
    busybox_archive "$CDIR/img.tar" keel/busybox:1 '["sh"]'
    DK_RUN=(run --runtime keel --network none)
}

dk_load() {
    dk load -i "$CDIR/img.tar" || fail "docker load failed"
    contains "$(dk images --format '{{.Repository}}:{{.Tag}}')" keel/busybox:1 "docker images"
}

dk_run() {
    eq "$(dk "${DK_RUN[@]}" --rm keel/busybox:1 echo ok through keel)" "ok through keel" \
        "docker run output"
}

# docker's exit status: the container's own, 127 for a command not found (docker matches
# the runtime's error text), 126 for one that cannot be executed.
dk_exit_status() {
    local rc=0
    dk "${DK_RUN[@]}" --rm keel/busybox:1 sh -c 'exit 3' || rc=$?
    eq "$rc" 3 "exit status of sh -c 'exit 3'"
    rc=0
    dk "${DK_RUN[@]}" --rm keel/busybox:1 /no/such/program 2>"$D/err" || rc=$?
    eq "$rc" 127 "exit status of a missing program ($(errtext "$D/err"))"
    rc=0
    dk "${DK_RUN[@]}" --rm keel/busybox:1 /etc/passwd 2>"$D/err" || rc=$?
    eq "$rc" 126 "exit status of a file that cannot be executed ($(errtext "$D/err"))"
}

dk_exec() {
    dk "${DK_RUN[@]}" -d --name c1 keel/busybox:1 sleep 600 >/dev/null 2>"$D/err" || fail "docker run -d failed: $(errtext "$D/err")"
    eq "$(dk exec c1 sh -c 'echo exec $(cat /proc/1/cmdline | tr "\0" " ")')" "exec sleep 600" \
        "docker exec output"
    local rc=0
    dk exec c1 sh -c 'exit 4' || rc=$?
    eq "$rc" 4 "docker exec exit status"
}

dk_update() {
    dk update --memory 64m --memory-swap 64m --cpu-shares 512 c1 >/dev/null 2>"$D/err" ||
        fail "docker update failed: $(errtext "$D/err")"
    eq "$(dk exec c1 cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares)" \
        "67108864
512" "limits inside after docker update"
}

# -v SRC:DST:rslave: a mount made on the host under SRC after the start shows inside.
dk_rslave() {
    mkdir -p "$D/vol"
    mount --bind "$D/vol" "$D/vol"
    mount --make-shared "$D/vol"
    dk "${DK_RUN[@]}" -d --name c2 -v "$D/vol:/vol:rslave" keel/busybox:1 sleep 600 >/dev/null 2>"$D/err" ||
        fail "docker run -v ...:rslave failed: $(errtext "$D/err")"
    mkdir -p "$D/vol/sub"
    mount -t tmpfs -o size=1m keel-rslave "$D/vol/sub"
    local out
    out=$(dk exec c2 cat /proc/self/mountinfo)
    contains "$(echo "$out" | awk '$5 == "/vol"')" master: "the /vol mount's propagation"
    contains "$(echo "$out" | awk '$5 == "/vol/sub"')" keel-rslave "the host's later mount inside"
}

# docker 20.10 gives a privileged container every capability the kernel knows, whatever the
# caller's bounding set (containerd and podman take the caller's): where root lacks one (here
# CAP_SYS_RESOURCE), no runtime can run it and the step is not counted.
dk_privileged_possible() {
    [ "$(printf '%016x' "$(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1))")" = \
        "$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)" ] && return 0
    echo "STEP skip privileged: root's bounding set lacks capabilities docker --privileged asks for"
    return 1
}

dk_privileged() {
    local out
    out=$(dk "${DK_RUN[@]}" --rm --privileged keel/busybox:1 sh -c \
        'grep CapEff /proc/self/status; test -c /dev/kmsg && echo kmsg' 2>"$D/err") ||
        fail "docker run --privileged failed: $(errtext "$D/err")"
    eq "$out" "$(grep CapEff /proc/self/status)
kmsg" "capabilities and host devices of a privileged container"
}

dk_stop_rm() {
    dk stop -t 2 c1 c2 >/dev/null || fail "docker stop failed"
    eq "$(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' c1)" "exited 137" "c1 after stop"
    dk rm c1 c2 >/dev/null || fail "docker rm failed"
}

dk_nothing_left() {
    eq "$(dk ps -aq)" "" "containers left"
    eq "$("$RUNTIME" --root "$D/exec/runtime-keel/moby" list -q 2>/dev/null)" "" \
        "runtime state left"
    eq "$(cg_left "$CG")" "" "cgroups left"
    if awk '{ print $5 }' /proc/self/mountinfo | grep -F "$D/exec/containerd/"; then
        fail "mounts left under docker's containerd state"
    fi
}

tcase docker_runtime 'docker' 'dockerd --add-runtime keel=RUNTIME: docker load, run, exit statuses, exec, update, -v :rslave, --privileged, stop, rm, nothing left'
c_docker_runtime() {
    dk_setup
    step load dk_load
    step run dk_run
    step exit-status dk_exit_status
    step exec dk_exec
    step update dk_update
    step rslave dk_rslave
    dk_privileged_possible && step privileged dk_privileged
    step stop-rm dk_stop_rm
    step nothing-left dk_nothing_left
    steps_done docker
}
