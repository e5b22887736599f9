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
