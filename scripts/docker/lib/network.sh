# shellcheck shell=bash
# A container's network as keel-docker sees it: keel-docker-net's bridge,
# namespace and ports, and the /etc/hosts and /etc/resolv.conf docker provides.

# The host's resolv.conf without loopback nameservers (unreachable from the
# container), or public ones when nothing else is left, as docker does.
make_resolv_conf() {
    local line servers=0
    if [ -r /etc/resolv.conf ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in
            nameserver\ 127.* | nameserver\ ::1) ;;
            nameserver*) servers=$((servers + 1)); printf '%s\n' "$line" ;;
            *) printf '%s\n' "$line" ;;
            esac
        done </etc/resolv.conf
    fi
    [ "$servers" -gt 0 ] || printf 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n'
}

# make_hosts HOSTNAME IP
make_hosts() {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    printf 'fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n'
    [ -z "$2" ] || printf '%s\t%s\n' "$2" "$1"
}

# net_setup ID [PORT...]: the container's namespace on the bridge with its
# ports published; sets NET_IP and NET_NS.
net_setup() {
    local id=$1
    NET_IP='' NET_NS=''
    read -r NET_IP NET_NS _ < <("$KEEL_NET" setup "$@") || true
    [ -n "$NET_IP" ] || die "network setup failed for $id"
}

net_teardown() { "$KEEL_NET" teardown "$1" >/dev/null 2>&1 || true; }

# Whether the container's network is up (made by net_setup, not torn down).
net_is_up() { [ -d "${KEEL_NET_STATE:-/run/keel-docker-net}/containers/$1" ]; }

# The published ports of a record ("IP HOST CTR PROTO" lines) as -p specs.
net_record_ports() {
    local ip host ctr proto
    while read -r ip host ctr proto; do printf '%s\n' "$ip:$host:$ctr/$proto"; done <"$CONTAINERS/$1/ports"
}
