# Namespaces and id mappings: config-linux.md#namespaces, #user-namespace-mappings.
# shellcheck shell=bash disable=SC2016

# ns_new TYPE PROCNAME: a namespace of TYPE listed without a path is new.
ns_new() {
    mkbundle
    cfg --arg t "$1" '.linux.namespaces |= (map(select(.type != $t)) + [{"type": $t}])'
    newid
    createok
    [ "$(readlink "/proc/$PID/ns/$2")" != "$(readlink "/proc/self/ns/$2")" ] || fail "$1 namespace shared with the host"
}

tcase ns_new_pid 'config-linux.md#namespaces' 'a pid namespace without path is new'
c_ns_new_pid() { ns_new pid pid; }
tcase ns_new_network 'config-linux.md#namespaces' 'a network namespace without path is new'
c_ns_new_network() { ns_new network net; }
tcase ns_new_mount 'config-linux.md#namespaces' 'a mount namespace without path is new'
c_ns_new_mount() { ns_new mount mnt; }
tcase ns_new_ipc 'config-linux.md#namespaces' 'an ipc namespace without path is new'
c_ns_new_ipc() { ns_new ipc ipc; }
tcase ns_new_uts 'config-linux.md#namespaces' 'a uts namespace without path is new'
c_ns_new_uts() { ns_new uts uts; }
tcase ns_new_cgroup 'config-linux.md#namespaces' 'a cgroup namespace without path is new'
c_ns_new_cgroup() { ns_new cgroup cgroup; }

tcase ns_new_time 'config-linux.md#namespaces' 'a time namespace without path is new (offsets from timeOffsets)'
c_ns_new_time() {
    [ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
    mkbundle cat /proc/self/timens_offsets
    cfg '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 1000, "nanosecs": 0}}'
    newid
    runok
    contains "$OUT" "monotonic" timens_offsets
    contains "$OUT" "1000" timens_offsets
}

tcase ns_inherit 'config-linux.md#namespaces' 'a namespace type not listed is inherited from the runtime'
c_ns_inherit() {
    mkbundle
    cfg '.linux.namespaces |= map(select(.type != "network" and .type != "ipc"))'
    newid
    createok
    eq "$(readlink "/proc/$PID/ns/net")" "$(readlink /proc/self/ns/net)" "net namespace"
    eq "$(readlink "/proc/$PID/ns/ipc")" "$(readlink /proc/self/ns/ipc)" "ipc namespace"
}

tcase ns_join_path 'config-linux.md#namespaces' 'a namespace with path is joined, not created'
c_ns_join_path() {
    mkbundle
    newid -a
    createok
    local first=$PID
    cfg --arg n "/proc/$first/ns/net" --arg u "/proc/$first/ns/uts" \
        '.linux.namespaces |= map(if .type == "network" then .path = $n elif .type == "uts" then .path = $u else . end)'
    cfg 'del(.hostname)'
    newid -b
    createok
    eq "$(readlink "/proc/$PID/ns/net")" "$(readlink "/proc/$first/ns/net")" "joined net namespace"
    eq "$(readlink "/proc/$PID/ns/uts")" "$(readlink "/proc/$first/ns/uts")" "joined uts namespace"
    [ "$(readlink "/proc/$PID/ns/ipc")" != "$(readlink "/proc/$first/ns/ipc")" ] || fail "ipc namespace shared"
}

tcase ns_path_wrong_type 'config-linux.md#namespaces' 'a namespace path of another type MUST fail'
c_ns_path_wrong_type() {
    mkbundle
    newid -a
    createok
    cfg --arg p "/proc/$PID/ns/uts" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
    newid -b
    must_fail create_
    gone
}

tcase ns_duplicate 'config-linux.md#namespaces' 'a namespace type listed twice MUST fail'
c_ns_duplicate() {
    mkbundle
    cfg '.linux.namespaces += [{"type": "ipc"}]'
    newid
    must_fail create_
    gone
}

tcase ns_pid_one 'config-linux.md#namespaces' 'in a new pid namespace the process is pid 1'
c_ns_pid_one() {
    mkbundle sh -c 'echo $$'
    newid
    runok
    eq "$OUT" 1 pid
}

tcase ns_net_lo_only 'config-linux.md#namespaces' 'a new network namespace has only the loopback interface'
c_ns_net_lo_only() {
    mkbundle sh -c 'ls /sys/class/net | tr "\n" " "'
    newid
    runok
    eq "$OUT" "lo " interfaces
}

# userns_bundle: a bundle with a user namespace mapping 0..65535 to 100000.., rootfs owned by
# the mapped root so that the process can use it.
userns_bundle() {
    mkbundle "$@"
    cfg '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
        | .mounts |= map(select(.type != "cgroup"))'
    chown -R -h 100000:200000 "$B/rootfs"
}

tcase userns_mappings 'config-linux.md#user-namespace-mappings' 'uidMappings and gidMappings are written for the new user namespace'
c_userns_mappings() {
    userns_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " " | tr "\n" ";"; id -u'
    newid
    runok
    eq "$OUT" " 0 100000 65536; 0 200000 65536;0" "maps and uid"
}

tcase userns_host_ids 'config-linux.md#user-namespace-mappings' 'in a user namespace the container root is the mapped host uid'
c_userns_host_ids() {
    userns_bundle
    newid
    createok
    [ "$(readlink "/proc/$PID/ns/user")" != "$(readlink /proc/self/ns/user)" ] || fail "user namespace not new"
    grep -E "^Uid:\s+100000\s" "/proc/$PID/status" || fail "host uid is not 100000"
    grep -E "^Gid:\s+200000\s" "/proc/$PID/status" || fail "host gid is not 200000"
}

tcase userns_no_chown 'config-linux.md#user-namespace-mappings' 'the runtime SHOULD NOT change the ownership of the rootfs'
c_userns_no_chown() {
    userns_bundle true
    touch "$B/rootfs/marker"
    chown 100005:200005 "$B/rootfs/marker"
    newid
    runok
    eq "$(stat -c %u:%g "$B/rootfs/marker")" 100005:200005 owner
    eq "$(stat -c %u:%g "$B/rootfs/bin/busybox")" 100000:200000 owner
}

tcase ns_path_missing 'config-linux.md#namespaces' 'a namespace path that does not exist MUST fail'
c_ns_path_missing() {
    mkbundle
    cfg --arg p "$CDIR/no-such-ns" '.linux.namespaces |= map(if .type == "ipc" then .path = $p else . end)'
    newid
    must_fail create_
    gone
    no_leftovers
}

# netdev_pair: a veth pair $NA (to move) / $NB (stays on the host) with an IPv4 and an IPv6
# address on $NA, both removed when the case ends.
netdev_pair() {
    NA="kt$$a"
    NB="kt$$b"
    echo "ip link del $NA; ip link del $NB" >"$CDIR/cleanup"
    ip link add "$NA" type veth peer name "$NB" || skip "no veth support"
    ip addr add 10.213.7.1/24 dev "$NA"
    ip -6 addr add fd00:213:7::1/64 dev "$NA" nodad
}

tcase netdev_move 'config-linux.md#network-devices' 'netDevices moves a host interface into the container under its new name, with its addresses, up'
c_netdev_move() {
    mkbundle sh -c 'ip -o addr show dev ctnet0 | awk "{ print \$4 }" | sort | tr "\n" " "; ip -o link show ctnet0 | grep -o "<[^>]*>"'
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {"name": "ctnet0"}}'
    newid
    createok
    ip link show "$NA" >/dev/null 2>&1 && fail "$NA is still on the host"
    rt start "$ID"
    wait_status stopped
    OUT=$(cat "$CDIR/out.$ID")
    contains "$OUT" "10.213.7.1/24" "IPv4 address in the container"
    contains "$OUT" "fd00:213:7::1/64" "IPv6 address in the container"
    contains "$OUT" "UP" "link flags"
    rt delete "$ID"
    # a virtual device dies with the namespace (the spec: not moved back); so does its peer
    wait_until 10 sh -c "! ip link show $NB >/dev/null 2>&1" || fail "$NB outlived the container's namespace"
}

tcase netdev_keep_name 'config-linux.md#network-devices' 'netDevices without name keeps the host name'
c_netdev_keep_name() {
    mkbundle sh -c "cat /sys/class/net/kt$$a/ifindex"
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {}}'
    newid
    runok
    [ -n "$OUT" ] || fail "no $NA in the container"
}

tcase netdev_missing 'config-linux.md#network-devices' 'a netDevices entry for an interface the host lacks MUST fail, leaving nothing behind'
c_netdev_missing() {
    mkbundle
    cfg '.linux.netDevices = {"ktnone0": {}}'
    newid
    must_fail create_
    contains "$(cat "$CDIR/err.$ID")" "ktnone0" "error"
    must_fail rt state "$ID"
}

tcase netdev_name_taken 'config-linux.md#network-devices' 'moving to a name the container already has MUST fail, and the device stays on the host'
c_netdev_name_taken() {
    mkbundle
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {"name": "lo"}}'
    newid
    must_fail create_
    ip link show "$NA" >/dev/null || fail "$NA left the host"
}

tcase netdev_no_netns 'config-linux.md#network-devices' 'netDevices in a container without a network namespace of its own MUST fail'
c_netdev_no_netns() {
    mkbundle
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {}} | .linux.namespaces |= map(select(.type != "network"))'
    newid
    must_fail create_
    ip link show "$NA" >/dev/null || fail "$NA left the host"
}

tcase netdev_template 'config-linux.md#network-devices' 'a netDevices name with %d lets the kernel pick the number'
c_netdev_template() {
    mkbundle sh -c 'ls /sys/class/net | tr "\n" " "'
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {"name": "ctn%d"}}'
    newid
    runok
    contains "$OUT" "ctn0" "interfaces in the container"
}

tcase netdev_userns 'config-linux.md#network-devices' 'netDevices reach a network namespace owned by the container user namespace'
c_netdev_userns() {
    userns_bundle sh -c 'ip -o addr show dev ctnet0 | awk "{ print \$4 }" | tr "\n" " "'
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {"name": "ctnet0"}}'
    newid
    runok
    contains "$OUT" "10.213.7.1/24" "IPv4 address in the container"
}

tcase netdev_host_netns 'config-linux.md#network-devices' 'netDevices with the network namespace joined from the host MUST fail, leaving the interface as it was'
c_netdev_host_netns() {
    mkbundle
    netdev_pair
    cfg --arg d "$NA" '.linux.netDevices = {($d): {"name": "ctnet0"}}
        | .linux.namespaces |= map(if .type == "network" then .path = "/proc/1/ns/net" else . end)'
    newid
    must_fail create_
    ip link show "$NA" >/dev/null || fail "$NA was renamed or moved"
}
