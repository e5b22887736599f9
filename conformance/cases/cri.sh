# Kubernetes' own path (issue 11): containerd's CRI plugin with a runtime handler `keel` whose
# runc v2 shim runs the runtime under test, a CNI bridge of the case's own, images pulled from a
# docker-registry the case starts, and tools/cri/cri.py as the kubelet (the CRI gRPC API, stubs
# compiled at test time from the shared specs' cri/api.proto; crictl is not packaged).
# shellcheck shell=bash

CRI_PY=/usr/bin/python3

# cri_subnet: a 10.x.y.0/24 no route of this host uses yet.
cri_subnet() {
    local net
    for _ in $(seq 50); do
        net="10.$((RANDOM % 150 + 100)).$((RANDOM % 256))"
        if ! ip route | grep -q "^$net\."; then
            echo "$net.0/24"
            return
        fi
    done
    fail "no free 10.x.y.0/24 subnet"
}

# cri_registry PORT-VAR: docker-registry on a free port with busybox and pause pushed.
cri_registry() {
    REG_PORT=$(free_port)
    printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n%s\n%s\n' \
        "storage: {filesystem: {rootdirectory: $D/registry}}" \
        "http: {addr: 127.0.0.1:$REG_PORT, secret: keel-conformance}" >"$D/registry.yml"
    daemon registry docker-registry serve "$D/registry.yml"
    wait_until 20 curl -sf -o /dev/null "http://127.0.0.1:$REG_PORT/v2/" ||
        cannot_start registry
    REG="127.0.0.1:$REG_PORT"
    busybox_archive "$D/busybox.tar" "$REG/keel/busybox:1" '["sh"]'
    busybox_archive "$D/pause.tar" "$REG/keel/pause:1" \
        '["sh", "-c", "trap \"exit 0\" TERM INT; sleep 2147483647 & wait"]'
    local img
    for img in busybox pause; do
        skopeo copy -q --dest-tls-verify=false "docker-archive:$D/$img.tar" \
            "docker://$REG/keel/$img:1" || fail "skopeo copy of $img to the registry failed"
    done
}

# cri_cni SUBNET: the case's bridge network, the only conflist containerd reads.
cri_cni() {
    mkdir -p "$D/cni"
    cat >"$D/cni/10-keel.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "keel-$RUNID",
 "plugins": [{"type": "bridge", "bridge": "$BR", "isGateway": true, "ipMasq": false,
              "ipam": {"type": "host-local", "ranges": [[{"subnet": "$1"}]],
                       "dataDir": "$D/ipam"}}]}
EOF
}

# cri_cleanup: no CRI call (the trap has 5 s when a case times out): the daemons and shims are
# killed, the runtime deletes the containers, and what CNI and containerd made for the pod goes.
cri_cleanup() {
    eng_cleanup "$D" "$D/runc" "$CG"
    ip link del "$BR" 2>/dev/null
    rm -f /var/lib/cni/results/"keel-$RUNID"-*
    local what value
    [ -f "$CDIR/pod" ] || return 0
    while read -r what value; do
        case "$what" in
        netns) umount "$value" 2>/dev/null; rm -f "$value" ;;
        # libcni's cache of the loopback network containerd adds to every pod
        pod) rm -f "/var/lib/cni/results/cni-loopback-$value-lo" ;;
        esac
    done <"$CDIR/pod"
}

tcase cri_pod 'CRI' 'containerd CRI plugin with a runtime handler on RUNTIME: pull, pod on a CNI bridge, create/start, exec, exit codes, logs, stats, update, limits, securityContext, shared network, stop, remove, nothing left'
c_cri_pod() {
    need containerd containerd
    need docker-registry docker-registry
    need skopeo skopeo
    [ -x /usr/lib/cni/bridge ] || skip "no CNI bridge plugin (Debian package containernetworking-plugins)"
    "$CRI_PY" -c 'import grpc, grpc_tools' 2>/dev/null ||
        skip "no python3-grpcio or python3-grpc-tools for the CRI client"
    D="$CDIR/cri"
    CG="$RUNID-cri"
    BR="kc${RUNID#cf}"
    CTD_SOCK="$D/c.sock"
    # the CRI API as the project's shared specs keep it, beside the checkout
    local proto_dir=${CRI_PROTO_DIR:-$SUITE/../../shared/specs/cri}
    [ -f "$proto_dir/api.proto" ] ||
        skip "no CRI api.proto at $proto_dir (set CRI_PROTO_DIR to the folder of Kubernetes' cri-api api.proto)"
    mkdir -p "$D/stubs"
    echo cri_cleanup >>"$CDIR/cleanup"
    "$CRI_PY" -m grpc_tools.protoc -I "$proto_dir" --python_out="$D/stubs" \
        --grpc_python_out="$D/stubs" api.proto || fail "protoc of the CRI api.proto failed"
    cri_registry
    local subnet
    subnet=$(cri_subnet)
    cri_cni "$subnet"
    containerd_start "$D" "$(cat <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REG/keel/pause:1"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  restrict_oom_score_adj = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "keel"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.keel]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.keel.options]
        BinaryName = "$RUNTIME"
        Root = "$D/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$REG"]
    endpoint = ["http://$REG"]
EOF
)"
    # Steps go to the log as they pass (a timed-out case still shows how far it got).
    local rc
    set +e
    "$CRI_PY" "$SUITE/tools/cri/cri.py" --sock "$CTD_SOCK" --stubs "$D/stubs" --handler keel \
        --image "$REG/keel/busybox:1" --cgroup-parent "/$CG" --dir "$D" --subnet "$subnet" \
        --runc-root "$D/runc/k8s.io" --runtime "$RUNTIME" --record "$CDIR/pod" |
        tee "$CDIR/cri.out"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" -eq 0 ] && return
    daemon_logs
    fail "$(tail -n 1 "$CDIR/cri.out")"
}
