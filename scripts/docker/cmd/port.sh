# shellcheck shell=bash
# keel-docker port: a container's published ports, as docker lists them.
kd_lib record

USAGE='CONTAINER [PRIVATE_PORT[/PROTO]]'
ABOUT='List port mappings or a specific mapping for the container'
ALIASES='container port, port'
OPTS=()

cmd_port() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local id want=${ARGS[1]:-} ip host ctr proto found=0
    id=$(resolve_container "${ARGS[0]}") || exit 1
    [ -z "$want" ] || [[ "$want" == */* ]] || want=$want/tcp
    while read -r ip host ctr proto; do
        [ -n "$ctr" ] || continue
        if [ -n "$want" ]; then
            [ "$ctr/$proto" = "$want" ] || continue
            echo "$ip:$host"
        else
            echo "$ctr/$proto -> $ip:$host"
        fi
        found=1
    done <"$CONTAINERS/$id/ports"
    [ -z "$want" ] || [ "$found" = 1 ] || die "Error: No public port '$want' published for ${ARGS[0]}"
}
