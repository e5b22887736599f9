# shellcheck shell=bash
# A container's network as keel-docker sees it: keel-docker-net's bridges,
# namespace, ports and resolvers, and the /etc/hosts and /etc/resolv.conf
# docker provides. The record keeps the mode (`network`: bridge, host, none,
# container:ID or a user network's name) and, for networked modes, one
# `networks` line per network: "NAME IP ALIASES" (IP and ALIASES '-' when not
# given; ALIASES comma-separated).

# Whether a mode gives the container its own namespace from keel-docker-net.
net_is_networked() {
    case "$1" in host | none | container:*) return 1 ;; esac
    return 0
}

# make_resolv_conf USER-NETWORK DNS SEARCH OPTIONS (space-separated lists):
# on a user network docker's resolver at 127.0.0.11; elsewhere the host's
# resolv.conf without loopback nameservers (unreachable from the container),
# or public ones when nothing else is left, as docker does; --dns,
# --dns-search and --dns-option replace the host's.
make_resolv_conf() {
    local user=$1 dns=$2 search=$3 opts=$4 line servers=0 s
    if [ "$user" = 1 ]; then
        dns=127.0.0.11 opts=${opts:-ndots:0}
    fi
    if [ -r /etc/resolv.conf ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in
            nameserver\ 127.* | nameserver\ ::1) ;;
            nameserver*) [ -n "$dns" ] || { servers=$((servers + 1)); printf '%s\n' "$line"; } ;;
            search* | domain*) [ -n "$search" ] || printf '%s\n' "$line" ;;
            options*) [ -n "$opts" ] || printf '%s\n' "$line" ;;
            *) printf '%s\n' "$line" ;;
            esac
        done </etc/resolv.conf
    fi
    [ -z "$search" ] || printf 'search %s\n' "$search"
    for s in $dns; do printf 'nameserver %s\n' "$s"; servers=$((servers + 1)); done
    [ -z "$opts" ] || printf 'options %s\n' "$opts"
    [ "$servers" -gt 0 ] || printf 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n'
}

# make_hosts HOSTNAME IP EXTRA-HOSTS-FILE: docker's /etc/hosts, the
# --add-host entries ("IP<TAB>NAME" lines) before the container's own.
make_hosts() {
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
    printf 'fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n'
    [ ! -s "${3:-}" ] || cat "$3"
    [ -z "$2" ] || printf '%s\t%s\n' "$2" "$1"
}

# net_spec NAME IP ALIASES: a keel-docker-net NET/IP/ALIASES argument.
net_spec() {
    local ip=$2 aliases=$3
    [ "$ip" != - ] || ip=''
    [ "$aliases" != - ] || aliases=''
    printf '%s/%s/%s\n' "$1" "$ip" "$aliases"
}

# net_setup ID PORT...: the container's namespace on its recorded networks
# with its ports published, kept by a keel-netguard that watches this
# process (the attached monitor replaces it; net_watch retargets a detached
# one); sets NET_IP, NET_NS, NET_GW and NET_DNS (1 on a user network).
net_setup() {
    local id=$1 name n ip al
    shift
    local -a specs=()
    if [ -e "$CONTAINERS/$id/networks" ]; then
        while read -r n ip al; do specs+=("$(net_spec "$n" "$ip" "$al")"); done <"$CONTAINERS/$id/networks"
    fi
    # a record from before user networks: the default bridge
    [ "${#specs[@]}" -gt 0 ] || specs=(bridge//)
    record_get name "$id" name
    local dns=''
    record_get dns "$id" dns
    NET_IP='' NET_NS=''
    read -r NET_IP NET_NS NET_GW NET_DNS < <(KEEL_NET_DNS=$dns "$KEEL_NET" setup "$id" "$name" "$$" "${specs[@]}" -- "$@") || true
    [ -n "$NET_IP" ] || die "network setup failed for $id"
}

# net_watch ID: the container's keel-netguard now watches its monitor.
net_watch() {
    local pid
    [ -s "$CONTAINERS/$1/monitor.pid" ] || return 0
    IFS= read -r pid <"$CONTAINERS/$1/monitor.pid"
    "$KEEL_NET" watch "$1" "$pid"
}

net_teardown() { "$KEEL_NET" teardown "$1" >/dev/null 2>&1 || true; }

# Whether the container's network is up (made by net_setup, not torn down).
net_is_up() { [ -d "${KEEL_NET_STATE:-/run/keel-docker-net}/containers/$1" ]; }

# The published ports of a record ("IP HOST CTR PROTO" lines) as -p specs.
net_record_ports() {
    local ip host ctr proto
    while read -r ip host ctr proto; do printf '%s\n' "$ip:$host:$ctr/$proto"; done <"$CONTAINERS/$1/ports"
}

# Whether NAME is a network docker knows: bridge, host, none or a user network.
net_exists() {
    case "$1" in bridge | host | none) return 0 ;; esac
    "$KEEL_NET" info "$1" >/dev/null 2>&1
}
