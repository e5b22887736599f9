# shellcheck shell=bash
# keel-docker inspect: containers and images as JSON.
kd_lib state

USAGE='[OPTIONS] NAME|ID [NAME|ID...]'
ABOUT='Return low-level information on Docker objects'
OPTS=()

cmd_inspect() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local arg id rc=0 out=()
    for arg in "${ARGS[@]}"; do
        if id=$(resolve_container "$arg" 2>/dev/null); then
            out+=("$(inspect_container "$id")")
        elif images inspect "$arg" >/dev/null 2>&1; then
            out+=("$(images inspect "$arg")")
        else
            complain "Error: No such object: $arg"
            rc=1
        fi
    done
    if [ "${#out[@]}" -gt 0 ]; then
        printf '%s\n' "${out[@]}" | jq -s .
    else
        echo "[]"
    fi
    return "$rc"
}

inspect_container() {
    local id=$1 dir=$CONTAINERS/$1 autoremove
    local restart stop_signal stop_timeout
    container_status "$id"
    record_get autoremove "$id" autoremove
    record_get restart "$id" restart
    record_get stop_signal "$id" stop_signal
    record_get stop_timeout "$id" stop_timeout
    jq -n --arg id "$id" --arg name "/$(record_fact "$id" name)" --arg created "$(iso_time "$(record_fact "$id" created)")" \
        --arg image "$(record_fact "$id" image)" --arg state "$ST_state" --argjson pid "${ST_pid:-0}" \
        --arg started "${ST_started:-0001-01-01T00:00:00Z}" --arg finished "${ST_finished:-0001-01-01T00:00:00Z}" \
        --argjson exit "${ST_exit:-0}" --argjson oom "${ST_oom:-false}" --argjson restarts "${ST_restarts:-0}" \
        --arg restart "${restart:-no}" --arg stopsig "$stop_signal" --arg stoptimeout "$stop_timeout" --arg network "$(record_fact "$id" network)" --arg ip "$(record_fact "$id" ip)" \
        --arg hostname "$(record_fact "$id" hostname)" --arg dir "$dir" \
        --argjson autoremove "$([ "$autoremove" = 1 ] && echo true || echo false)" \
        --argjson ports "$(jq -Rn '[inputs | split(" ") | {key: (.[2] + "/" + .[3]), value: [{HostIp: .[0], HostPort: .[1]}]}] | from_entries' <"$dir/ports")" \
        --slurpfile cfg "$dir/bundle/config.json" \
        '$cfg[0] as $c | {
            Id: $id, Created: $created, Path: $c.process.args[0], Args: $c.process.args[1:],
            State: {Status: $state, Running: ($state == "running" or $state == "restarting"),
                    Paused: false, Restarting: ($state == "restarting"), OOMKilled: $oom, Dead: false,
                    Pid: $pid, ExitCode: $exit, Error: "", StartedAt: $started, FinishedAt: $finished},
            Image: $image, ResolvConfPath: ($dir + "/resolv.conf"), HostnamePath: ($dir + "/hostname"),
            HostsPath: ($dir + "/hosts"), LogPath: ($dir + "/container.log"), Name: $name,
            RestartCount: $restarts,
            Driver: "overlay",
            HostConfig: {NetworkMode: $network, AutoRemove: $autoremove,
                         RestartPolicy: {Name: ($restart | split(":")[0]),
                                         MaximumRetryCount: ($restart | split(":")[1] // "0" | tonumber)}, ReadonlyRootfs: ($c.root.readonly // false),
                         Memory: ($c.linux.resources.memory.limit // 0),
                         NanoCpus: ((($c.linux.resources.cpu.quota // 0) * 10000) | floor),
                         PidsLimit: ($c.linux.resources.pids.limit // null),
                         PortBindings: $ports,
                         Binds: [$c.mounts[] | select(.type == "bind" and (.source | startswith($dir) | not)) | .source + ":" + .destination]},
            Mounts: [$c.mounts[] | select(.type == "bind" and (.source | startswith($dir) | not)) |
                     {Type: "bind", Source: .source, Destination: .destination,
                      RW: ((.options // []) | index("ro") | not)}],
            Config: {Hostname: $hostname, User: ((($c.process.user.uid|tostring) + ":" + ($c.process.user.gid|tostring))),
                     Tty: ($c.process.terminal // false), Env: $c.process.env, Cmd: $c.process.args,
                     Image: $image, WorkingDir: $c.process.cwd, Labels: ($c.annotations // {}),
                     StopSignal: (if $stopsig == "" then null else $stopsig end),
                     StopTimeout: (if $stoptimeout == "" then null else ($stoptimeout | tonumber) end)},
            NetworkSettings: {IPAddress: $ip, Gateway: (if $ip == "" then "" else ($ip | sub("\\.[0-9]+$"; ".1")) end),
                              Ports: $ports}
        }'
}
