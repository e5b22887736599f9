# podman driving the runtime: the real client engines are (issue 3 and 4). Each case uses
# its own podman storage under $CDIR so that nothing is shared with the host's podman.
# shellcheck shell=bash disable=SC2016

# pm ARGS...: podman with private storage and $RUNTIME as its OCI runtime.
pm() {
    podman --root "$CDIR/pm/root" --runroot "$PM_RUNROOT" --tmpdir "$CDIR/pm/tmp" \
        --storage-driver vfs --events-backend none --cgroup-manager cgroupfs \
        --runtime "$RUNTIME" "$@"
}

# pm_image: the busybox rootfs imported as keel-test-busybox.
pm_image() {
    command -v podman >/dev/null || skip "podman is not installed"
    # podman wants a runroot shorter than 50 characters.
    PM_RUNROOT="$WORK/pr$BASHPID"
    mkdir -p "$CDIR/pm/root" "$PM_RUNROOT" "$CDIR/pm/tmp"
    echo "PM_RUNROOT=$PM_RUNROOT; pm rm -af; pm rmi -af; umount -R \$PM_RUNROOT/*; rm -rf \$PM_RUNROOT" >>"$CDIR/cleanup"
    tar -C "$ROOTFS" -c . | pm import - keel-test-busybox >/dev/null
}

PM_RUN=(run --rm --net none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

tcase podman_echo 'podman' 'podman run --rm --net none IMAGE echo ok through the runtime prints ok'
c_podman_echo() {
    pm_image
    eq "$(pm "${PM_RUN[@]}" keel-test-busybox echo ok)" ok "podman output"
    eq "$(pm ps -aq)" "" "containers left"
}

tcase podman_limits 'podman' 'podman run --memory 64m --pids-limit 50: the limits show in the container cgroup'
c_podman_limits() {
    pm_image
    local out
    out=$(pm "${PM_RUN[@]}" --memory 64m --pids-limit 50 keel-test-busybox sh -c '
        m=$(grep -E "^[0-9]+:memory:" /proc/self/cgroup | cut -d: -f3)
        p=$(grep -E "^[0-9]+:pids:" /proc/self/cgroup | cut -d: -f3)
        if [ -n "$m" ]; then
            cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
        else
            cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
        fi')
    eq "$out" "67108864
50" "limits seen inside"
}

tcase podman_exit_status 'podman' 'podman run returns the container exit status'
c_podman_exit_status() {
    pm_image
    local rc=0
    pm "${PM_RUN[@]}" keel-test-busybox sh -c 'exit 3' || rc=$?
    eq "$rc" 3 "exit status"
}

tcase podman_privileged 'podman' 'podman run --privileged: every capability of the caller and the host devices inside'
c_podman_privileged() {
    pm_image
    local out
    out=$(pm "${PM_RUN[@]}" --privileged keel-test-busybox sh -c \
        'grep CapEff /proc/self/status; test -c /dev/kmsg && echo kmsg' 2>"$CDIR/err") ||
        fail "podman run --privileged failed: $(errtext "$CDIR/err")"
    eq "$out" "$(grep CapEff /proc/self/status)
kmsg" "capabilities and host devices of a privileged container"
}

tcase podman_device 'podman' 'podman run --device /dev/zero:/dev/keel-zero: the device inside with the host mode, readable'
c_podman_device() {
    pm_image
    local out
    out=$(pm "${PM_RUN[@]}" --device /dev/zero:/dev/keel-zero keel-test-busybox sh -c \
        'stat -c "%F %a %t:%T" /dev/keel-zero; head -c 4 /dev/keel-zero | wc -c' 2>"$CDIR/err") ||
        fail "podman run --device failed: $(errtext "$CDIR/err")"
    eq "$out" "character special file $(stat -c '%a %t:%T' /dev/zero)
4" "the device inside"
}

tcase podman_volume_slave 'podman' 'podman run -v SRC:DST:slave: a mount made on the host under SRC after the start shows inside'
c_podman_volume_slave() {
    pm_image
    mkdir -p "$CDIR/vol"
    mount --bind "$CDIR/vol" "$CDIR/vol"
    mount --make-shared "$CDIR/vol"
    pm "${PM_RUN[@]/--rm/-d}" --name slave1 -v "$CDIR/vol:/vol:slave" keel-test-busybox \
        sleep 600 >/dev/null 2>"$CDIR/err" ||
        fail "podman run -v ...:slave failed: $(errtext "$CDIR/err")"
    mkdir -p "$CDIR/vol/sub"
    mount -t tmpfs -o size=1m keel-slave "$CDIR/vol/sub"
    local out
    out=$(pm exec slave1 cat /proc/self/mountinfo) || fail "podman exec failed"
    contains "$(echo "$out" | awk '$5 == "/vol"')" master: "the /vol mount's propagation"
    contains "$(echo "$out" | awk '$5 == "/vol/sub"')" keel-slave "the host's later mount inside"
    pm rm -f -t 0 slave1 >/dev/null || fail "podman rm -f failed"
    eq "$(pm ps -aq)" "" "containers left"
}
