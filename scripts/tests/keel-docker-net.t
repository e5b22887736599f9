#!/usr/bin/env bash
# cond && ok || not_ok is meant (ok never fails); $ in single quotes runs in the container.
# shellcheck disable=SC2015,SC2016
# End-to-end tests of keel-docker's user networks, published ports and
# volumes, as root, with a busybox image from a real registry on 127.0.0.1.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP keel-docker network tests need root"; exit 0; }
command -v dnsmasq >/dev/null || { echo "1..0 # SKIP dnsmasq is not installed (scripts/install-deps)"; exit 0; }

keel_docker_env kdn
# a /24 of its own per run: other suites run at the same time
export KEEL_SUBNET=10.$((RANDOM % 50 + 150)).$((RANDOM % 250)).0/24
NET1=kdn1-$$
SUB1=10.$((RANDOM % 50 + 200)).$((RANDOM % 250))

UPSTREAM=10.$((RANDOM % 50 + 200)).$((RANDOM % 250)).$((RANDOM % 250 + 2))
cleanup() {
    keel_docker_cleanup
    [ ! -s "$TMP/up.pid" ] || kill "$(cat "$TMP/up.pid")" 2>/dev/null
    ip addr del "$UPSTREAM/32" dev lo 2>/dev/null
}
trap cleanup EXIT

make_busybox_layout "$TMP/layout" latest
# an image with an EXPOSE and a VOLUME over a directory with a file in it
work=$(mktemp -d)
umoci config --image "$TMP/layout:latest" --tag exp --config.exposedports 80/tcp \
    --config.exposedports 53/udp --config.volume /www >/dev/null
start_registry "$TMP/registry" || { echo "Bail out! no registry"; exit 1; }
push_layout "$TMP/layout" latest busybox
push_layout "$TMP/layout" exp busybox-exp
rm -rf "$work"
# the UDP peer, static, bind-mounted into the containers
mkdir -p "$TMP/tools"
cc -static -O2 -o "$TMP/tools/udp-echo" scripts/tests/udp-echo.c || { echo "Bail out! cannot build udp-echo"; exit 1; }
IMG=$REGISTRY/busybox
EXP_IMG=$REGISTRY/busybox-exp
kd pull "$IMG" >/dev/null 2>&1
kd pull "$EXP_IMG" >/dev/null 2>&1

# --- user networks: names over TCP and UDP ---------------------------------------
id=$(kd network create --subnet "$SUB1.0/24" --label team=a "$NET1")
expect_eq "network create prints a 64-hex id" 64 "${#id}"
expect_eq "network ls lists it" "$NET1" "$(kd network ls --format '{{.Name}}' | grep -x "$NET1")"
expect_eq "network inspect shows the subnet" "$SUB1.0/24" "$(kd network inspect "$NET1" | jq -r '.[0].IPAM.Config[0].Subnet')"
err=$(kd network create "$NET1" 2>&1)
grep -q "network with name $NET1 already exists" <<<"$err" && ok "a second create of a name is refused" || not_ok "duplicate create" "$err"

srvid=$(kd run -d --name srv1-$$ --network "$NET1" --network-alias web-$$ -v "$TMP/tools:/tools:ro" "$IMG" sh -c \
    'nc -ll -p 7000 -e echo tcp-ok & /tools/udp-echo serve 7001 & sleep 300')
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup srv1-$$ 127.0.0.11 >/dev/null && echo resolved; sleep 0.3; nc srv1-$$ 7000 </dev/null")
expect_eq "a container resolves another by name through 127.0.0.11 and talks TCP" "resolved
tcp-ok" "$out"
out=$(kd run --rm --network "$NET1" -v "$TMP/tools:/tools:ro" "$IMG" sh -c \
    "/tools/udp-echo send \$(nslookup web-$$ | sed -n 's/^Address: //p' | tail -n1) 7001")
expect_eq "UDP to the address the network alias resolves to" udp-ok "$out"
out=$(kd run --rm --network "$NET1" "$IMG" nslookup "${srvid:0:12}" 2>&1)
grep -q "Address: $SUB1\." <<<"$out" && ok "the short id resolves" || not_ok "short id" "$out"
expect_eq "resolv.conf points at 127.0.0.11" "nameserver 127.0.0.11" \
    "$(kd run --rm --network "$NET1" "$IMG" grep nameserver /etc/resolv.conf)"

kd rename srv1-$$ srv2-$$
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup srv2-$$ >/dev/null && echo new; nslookup srv1-$$ >/dev/null || echo old-gone")
expect_eq "names follow rename" "new
old-gone" "$out"
out=$(kd events --since 0 --until "$(($(date +%s) + 1))" --filter event=rename)
grep -q "container rename ${srvid} (.*oldName=/srv1-$$" <<<"$out" && ok "rename records its event" || not_ok "rename event" "$out"

# create takes run's network flags: the container's names are there once it starts
kd create --name made-$$ --network "$NET1" --network-alias made-alias-$$ "$IMG" sleep 300 >/dev/null
kd start made-$$ >/dev/null
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup made-alias-$$ >/dev/null && echo found")
expect_eq "create --network --network-alias, then start: the alias resolves" found "$out"
kd rm -f made-$$ >/dev/null

kd stop -t 1 srv2-$$ >/dev/null
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup srv2-$$ >/dev/null 2>&1 && echo found || echo gone")
expect_eq "a stopped container's name is gone" gone "$out"
kd start srv2-$$ >/dev/null
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "sleep 0.3; nc srv2-$$ 7000 </dev/null")
expect_eq "names follow a restart" tcp-ok "$out"

# the default bridge has no names
kd run -d --name plain-$$ "$IMG" sleep 300 >/dev/null
out=$(kd run --rm "$IMG" sh -c "nslookup plain-$$ >/dev/null 2>&1 && echo found || echo none")
expect_eq "the default bridge resolves no container names" none "$out"

# connect and disconnect
kd network connect --alias extra-$$ "$NET1" plain-$$
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup extra-$$ >/dev/null && echo found")
expect_eq "connect adds the container's names on the network" found "$out"
expect_eq "connect gives the container a second interface" 1 \
    "$(kd exec plain-$$ ip -4 -o addr show | grep -c " $SUB1\.")"
kd network disconnect "$NET1" plain-$$
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup extra-$$ >/dev/null 2>&1 && echo found || echo gone")
expect_eq "disconnect removes them" gone "$out"

# a container on several networks resolves names on each of them
NET3=kdn3-$$
kd network create --subnet "10.$((RANDOM % 50 + 200)).$((RANDOM % 250)).0/24" "$NET3" >/dev/null
kd run -d --name b3-$$ --network "$NET3" --network-alias b3alias-$$ "$IMG" sleep 300 >/dev/null
kd run -d --name multi-$$ --network "$NET1" "$IMG" sleep 300 >/dev/null
kd network connect "$NET3" multi-$$
out=$(kd exec multi-$$ sh -c "nslookup b3alias-$$ 127.0.0.11 >/dev/null && echo b3; nslookup srv2-$$ 127.0.0.11 >/dev/null && echo srv2")
expect_eq "connect: the container resolves names on both its networks" "b3
srv2" "$out"
out=$(kd inspect multi-$$ | jq -r --arg n1 "$NET1" --arg n3 "$NET3" '.[0].NetworkSettings.Networks | [keys[] | select(. == $n1 or . == $n3)] | length')
expect_eq "inspect shows both networks" 2 "$out"
n3id=$(kd network inspect -f '{{.Id}}' "$NET3")
out=$(kd inspect multi-$$ | jq -r --arg n3 "$NET3" '.[0].NetworkSettings.Networks[$n3] | "\(.NetworkID) \(.Gateway) \(.IPAddress | test("^10\\.")) \(.MacAddress | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")) \(.Aliases | length)"')
expect_eq "inspect: the second network's id, gateway, address, MAC and aliases" \
    "$n3id $(kd network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$NET3") true true 1" "$out"
# isolation: NET3 cannot reach NET1's containers; one on both reaches each
srvip=$(kd inspect -f '{{.NetworkSettings.IPAddress}}' srv2-$$)
multi3=$(kd inspect multi-$$ | jq -r --arg n3 "$NET3" '.[0].NetworkSettings.Networks[$n3].IPAddress')
out=$(kd exec b3-$$ sh -c "ping -c1 -W1 $srvip >/dev/null 2>&1 && echo ping; nc -w 2 $srvip 7000 </dev/null 2>/dev/null || echo blocked")
expect_eq "a container on another network cannot reach one on the first (ping, TCP)" blocked "$out"
out=$(kd exec multi-$$ sh -c "nc -w 2 $srvip 7000 </dev/null")
expect_eq "a container on both networks reaches the first" tcp-ok "$out"
out=$(kd exec b3-$$ sh -c "ping -c1 -W2 $multi3 >/dev/null && echo ping")
expect_eq "and is reached on the second" ping "$out"
iso=$(iptables -S | grep -F "keel-net:br-${n3id:0:12}\"" | grep -c ISOLATION)
expect_eq "the network has its two isolation rules" 2 "$iso"
kd network disconnect "$NET3" multi-$$
out=$(kd exec multi-$$ sh -c "nslookup b3alias-$$ 127.0.0.11 >/dev/null 2>&1 && echo found || echo gone")
expect_eq "disconnect: the other network's names are gone" gone "$out"
kd rm -f multi-$$ b3-$$ >/dev/null
kd network rm "$NET3" >/dev/null
expect_eq "network rm removes its isolation rules" 0 "$(iptables -S | grep -cF "keel-net:br-${n3id:0:12}\"")"

# --dns on a user network: what is not a container's name goes to the given
# server (a dnsmasq of the test's on a loopback address, with a fake name)
ip addr add "$UPSTREAM/32" dev lo
dnsmasq --conf-file=/dev/null --pid-file="$TMP/up.pid" --listen-address="$UPSTREAM" --bind-interfaces --port=53 \
    --no-hosts --no-resolv --address="/fake-$$.test/10.9.9.9" --log-facility=/dev/null --user=root
out=$(kd run --rm --network "$NET1" --dns "$UPSTREAM" "$IMG" sh -c \
    "nslookup fake-$$.test 2>/dev/null | sed -n 's/^Address: //p' | tail -n1; nslookup srv2-$$ >/dev/null && echo srv2; grep nameserver /etc/resolv.conf")
expect_eq "--dns on a user network: other names go to the given server, the network's names still resolve" "10.9.9.9
srv2
nameserver 127.0.0.11" "$out"
expect_eq "the container's resolver stops with it" 0 "$(pgrep -fc -- "--pid-file=$KEEL_NET_STATE/containers/")"
out=$(kd run --rm --network "$NET1" "$IMG" sh -c "nslookup fake-$$.test >/dev/null 2>&1 && echo found || echo none")
expect_eq "without --dns the name is not there" none "$out"
kill "$(cat "$TMP/up.pid")"
ip addr del "$UPSTREAM/32" dev lo

# --network container:, --ip, --add-host, --dns-search, --hostname
out=$(kd run --rm --network container:srv2-$$ "$IMG" sh -c 'echo x | nc 127.0.0.1 7000')
expect_eq "--network container: shares the namespace" tcp-ok "$out"
out=$(kd run --rm --network "$NET1" --ip "$SUB1.77" --add-host db-$$:10.9.8.7 --add-host gw-$$:host-gateway \
    --hostname hn-$$ "$IMG" sh -c 'ip -4 -o addr show eth0 | awk "{print \$4}"; grep -E "(db|gw)-'$$'" /etc/hosts | cut -f1; hostname')
expect_eq "--ip, --add-host (host-gateway) and --hostname" "$SUB1.77/24
10.9.8.7
$SUB1.1
hn-$$" "$out"
expect_eq "--dns-search and --dns on the default bridge" "search ex-$$.test
nameserver 10.1.2.3" "$(kd run --rm --dns 10.1.2.3 --dns-search ex-$$.test "$IMG" grep -E '^(search|nameserver)' /etc/resolv.conf)"
expect_eq "--add-host with the host network" 10.9.8.7 \
    "$(kd run --rm --network host --add-host hh-$$:10.9.8.7 "$IMG" sh -c "grep hh-$$ /etc/hosts | cut -f1")"
err=$(kd run --rm --network no-such-$$ "$IMG" true 2>&1)
grep -q "network no-such-$$ not found" <<<"$err" && ok "an unknown network is docker's error" || not_ok "unknown network" "$err"

# --- published ports ------------------------------------------------------------
uport=$(free_port)
kd run -d --name udp-$$ -p "127.0.0.1:$uport:7001/udp" -v "$TMP/tools:/tools:ro" "$IMG" sh -c "/tools/udp-echo serve 7001" >/dev/null
out=''
for _ in $(seq 20); do out=$("$TMP/tools/udp-echo" send 127.0.0.1 "$uport") && break; sleep 0.1; done
expect_eq "a published UDP port on 127.0.0.1" udp-ok "$out"
kd rm -f udp-$$ >/dev/null
port=$(free_port)
pubid=$(kd run -d --name pub-$$ -p "$port:80" -P "$EXP_IMG" httpd -f -p 80 -h /www)
for _ in $(seq 50); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
expect_eq "a published port answers on 127.0.0.1" "hello from keel" "$(curl -s --max-time 5 "http://127.0.0.1:$port/index.html")"
hostip=$(ip -4 -o route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ -z "$hostip" ] && skip "the host's address reaches the container" "no host address" ||
    expect_eq "the host's address reaches the container" "hello from keel" "$(curl -s --max-time 5 "http://$hostip:$port/index.html")"
python3 -c "import socket,sys; s=socket.socket(); s.bind(('0.0.0.0', $port))" 2>/dev/null &&
    not_ok "a host bind on a published port fails" || ok "a host bind on a published port fails (EADDRINUSE)"
out=$(kd port pub-$$)
grep -q "^80/tcp -> 0.0.0.0:$port$" <<<"$out" && grep -q "^53/udp -> 0.0.0.0:[0-9]*$" <<<"$out" &&
    ok "-P publishes the EXPOSEd ports; port lists them" || not_ok "port / -P" "$out"
[ -z "$hostip" ] && skip "hairpin" "no host address" ||
    expect_eq "hairpin: a container reaches its own published port through the host's address" "hello from keel" \
        "$(kd exec pub-$$ timeout 5 wget -q -O - "http://$hostip:$port/index.html")"
err=$(kd run --rm -p "$port:80" "$IMG" true 2>&1)
grep -q "Bind for 0.0.0.0:$port failed: port is already allocated" <<<"$err" && ok "a taken port is docker's error" || not_ok "taken port" "$err"

# --- nothing left ---------------------------------------------------------------
leftovers() {
    local id=$1
    [ -n "$id" ] || { echo "no id"; return; }
    ls "$KEEL_NET_STATE/containers/$id" 2>/dev/null
    ip netns list | grep -F "keel-${id:0:12}"
    ip -o link | grep -F "vk${id:0:10}"
    iptables -t nat -S | grep -F "keel:$id"
}
kd rm -f pub-$$ >/dev/null
expect_eq "rm -f leaves no namespace, veth, rule or guard" "" "$(leftovers "$pubid")"
python3 -c "import socket; s=socket.socket(); s.bind(('0.0.0.0', $port))" && ok "the port is free again" || not_ok "port free again"

vid=$(kd run -d --name victim-$$ --network "$NET1" -p "$port:80" "$IMG" httpd -f -p 80 -h /www)
mon=$(cat "$KEEL_ROOT/containers/$vid/monitor.pid")
cpid=$(sed -n 's/^pid=//p' "$KEEL_ROOT/containers/$vid/status")
kill -KILL "$mon" "$cpid"
for _ in $(seq 50); do [ -z "$(leftovers "$vid")" ] && break; sleep 0.1; done
expect_eq "SIGKILL of the container and its monitor leaves nothing" "" "$(leftovers "$vid")"
kd rm -f "$vid" >/dev/null 2>&1

kd rm -f srv2-$$ plain-$$ >/dev/null

# a default bridge left with another address than the saved subnet (another
# instance, a crash) is readdressed while nothing is attached to it
ip link del "$KEEL_BRIDGE"
ip link add "$KEEL_BRIDGE" type bridge && ip addr add 10.254.254.1/24 dev "$KEEL_BRIDGE"
kd run --rm "$IMG" true
expect_eq "a stale bridge address is reconciled with the saved subnet" "${KEEL_SUBNET%.0/24}.1/24" \
    "$(ip -4 -o addr show dev "$KEEL_BRIDGE" | awk '{print $4}')"
kd run -d --name holder-$$ "$IMG" sleep 300 >/dev/null 2>&1
ip addr add 10.254.254.1/24 dev "$KEEL_BRIDGE"
err=$(kd run --rm "$IMG" true 2>&1)
grep -q "bridge $KEEL_BRIDGE has address .* and interfaces attached" <<<"$err" &&
    ok "a stale address with containers attached is refused with a clear error" || not_ok "stale bridge refused" "$err"
kd rm -f holder-$$ >/dev/null 2>&1
ip addr del 10.254.254.1/24 dev "$KEEL_BRIDGE"

netid=$(kd network inspect -f '{{.Id}}' "$NET1")
dnspid=$(cat "$KEEL_NET_STATE/nets/$NET1/dns.pid" 2>/dev/null)
expect_eq "network rm prints the name" "$NET1" "$(kd network rm "$NET1")"
check "network rm removes the bridge" test ! -e "/sys/class/net/br-${netid:0:12}"
[ -n "$dnspid" ] && [ "$(awk '{print $3}' "/proc/$dnspid/stat" 2>/dev/null)" != S ] &&
    ok "network rm stops the resolver" || not_ok "resolver left" "pid $dnspid"
expect_eq "network rm removes its rules" "" "$(iptables-save | grep -F "br-${netid:0:12}")"

# an internal network: names, no way out
NET2=kdn2-$$
nid=$(kd network create --internal --subnet "10.$((RANDOM % 50 + 200)).$((RANDOM % 250)).0/24" "$NET2")
kd run -d --name in1-$$ --network "$NET2" "$IMG" sleep 300 >/dev/null
out=$(kd run --rm --network "$NET2" "$IMG" sh -c "nslookup in1-$$ >/dev/null && echo found")
expect_eq "names resolve on an internal network" found "$out"
expect_eq "an internal network drops what leaves its bridge" 2 "$(iptables -S FORWARD | grep -F "keel-net:br-${nid:0:12}\"" | grep -c DROP)"
kd rm -f in1-$$ >/dev/null
kd network rm "$NET2" >/dev/null
expect_eq "network rm removes an internal network's rules" 0 "$(iptables-save | grep -cF "br-${nid:0:12}")"

# --- volumes --------------------------------------------------------------------
expect_eq "volume create prints the name" vol1-$$ "$(kd volume create --label a=b vol1-$$)"
expect_eq "a new named volume over an image directory is filled from the image (copy-up)" "hello from keel" \
    "$(kd run --rm -v vol1-$$:/www "$IMG" cat /www/index.html)"
kd run --rm -v vol1-$$:/www "$IMG" sh -c 'echo more >/www/b'
expect_eq "a volume keeps its data" more "$(kd run --rm -v vol1-$$:/d "$IMG" cat /d/b)"
expect_eq "nocopy leaves a new volume empty" "" "$(kd run --rm -v vol2-$$:/www:nocopy "$IMG" ls /www)"
expect_eq "volume ls -q lists both" "vol1-$$ vol2-$$" "$(kd volume ls -q | grep -- "-$$" | sort | paste -sd' ')"
expect_eq "volume inspect" "local vol1-$$ b" "$(kd volume inspect vol1-$$ | jq -r '.[0] | "\(.Driver) \(.Name) \(.Labels.a)"')"
mkdir -p "$TMP/rel/sub" && echo relative >"$TMP/rel/sub/f"
expect_eq "-v ./rel resolves against the current directory, :z accepted" relative \
    "$(cd "$TMP/rel" && kd run --rm -v ./sub:/m:ro,z "$IMG" cat /m/f)"
# shellcheck disable=SC2088 # the literal ~ is keel-docker's to resolve
expect_eq "-v ~/x resolves against HOME" relative "$(HOME=$TMP/rel kd run --rm -v '~/sub:/m' "$IMG" cat /m/f)"
expect_eq "--mount type=bind,readonly" "relative ro" \
    "$(kd run --rm --mount "type=bind,src=$TMP/rel/sub,dst=/m,readonly" "$IMG" sh -c 'echo $(cat /m/f) $(touch /m/x 2>/dev/null || echo ro)')"
expect_eq "--mount type=tmpfs and --tmpfs" "tmpfs tmpfs" \
    "$(kd run --rm --mount type=tmpfs,dst=/t1 --tmpfs /t2:size=1m "$IMG" sh -c 'echo $(stat -f -c %T /t1) $(stat -f -c %T /t2)')"
expect_eq "--mount type=volume" "hello from keel" "$(kd run --rm --mount "type=volume,src=vol3-$$,dst=/www" "$IMG" cat /www/index.html)"
kd volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=1m vol4-$$ >/dev/null
expect_eq "volume create --opt type=tmpfs" tmpfs "$(kd run --rm -v vol4-$$:/t "$IMG" stat -f -c %T /t)"

# anonymous volumes
before=$(kd volume ls -q | wc -l)
kd run --name anon1-$$ -v /data "$EXP_IMG" sh -c 'ls /www; echo x >/data/y' >/dev/null
expect_eq "-v /data and the image's VOLUME make two anonymous volumes" $((before + 2)) "$(kd volume ls -q | wc -l)"
kd rm -v anon1-$$ >/dev/null
expect_eq "rm -v removes them" "$before" "$(kd volume ls -q | wc -l)"
kd run --rm -v /data "$EXP_IMG" true
expect_eq "--rm removes them" "$before" "$(kd volume ls -q | wc -l)"
dangling=$(kd volume ls -q --filter dangling=true | wc -l)
kd run --name anon2-$$ -v /data "$IMG" true
kd rm anon2-$$ >/dev/null
expect_eq "rm without -v keeps them, dangling" $((dangling + 1)) "$(kd volume ls -q --filter dangling=true | wc -l)"
err=$(kd volume rm no-such-$$ 2>&1)
grep -q "no such volume" <<<"$err" && ok "volume rm of a missing volume" || not_ok "volume rm missing" "$err"
kd run -d --name user-$$ -v vol1-$$:/d "$IMG" sleep 300 >/dev/null
err=$(kd volume rm vol1-$$ 2>&1)
grep -q "volume is in use" <<<"$err" && ok "volume rm of a used volume is refused" || not_ok "volume in use" "$err"
kd system prune -f --volumes >/dev/null
expect_eq "system prune --volumes removes anonymous volumes only" "vol1-$$ vol2-$$ vol3-$$ vol4-$$" \
    "$(kd volume ls -q | sort | paste -sd' ')"
kd volume prune -f >/dev/null
expect_eq "volume prune (no -a) keeps named volumes" 4 "$(kd volume ls -q | wc -l)"
kd volume prune -a -f >/dev/null
expect_eq "volume prune -a removes every unused volume" "vol1-$$" "$(kd volume ls -q)"
expect_eq "system df counts the volume a container uses as active" "1 1" \
    "$(kd system df | awk '$1 == "Local" { print $3, $4 }')"
kd rm -f user-$$ >/dev/null
expect_eq "volume rm" vol1-$$ "$(kd volume rm vol1-$$)"

tap_finish
