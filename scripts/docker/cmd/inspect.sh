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
    local id=$1 dir=$CONTAINERS/$1 state pid=0 started finished exit_code autoremove
    state=$(container_state "$id")
    case "$state" in running | paused) record_get pid "$id" pid ;; esac
    record_get started "$id" started
    record_get finished "$id" finished
    record_get exit_code "$id" exit_code
    record_get autoremove "$id" autoremove
    jq -n --arg id "$id" --arg name "/$(record_fact "$id" name)" --arg created "$(iso_time "$(record_fact "$id" created)")" \
        --arg image "$(record_fact "$id" image)" --arg state "$state" --argjson pid "${pid:-0}" \
        --arg started "$(time_or_zero "$started")" --arg finished "$(time_or_zero "$finished")" \
        --argjson exit "${exit_code:-0}" --arg network "$(record_fact "$id" network)" --arg ip "$(record_fact "$id" ip)" \
        --arg hostname "$(record_fact "$id" hostname)" --arg dir "$dir" \
        --argjson autoremove "$([ "$autoremove" = 1 ] && echo true || echo false)" \
        --argjson ports "$(jq -Rn '[inputs | split(" ") | {key: (.[2] + "/" + .[3]), value: [{HostIp: .[0], HostPort: .[1]}]}] | from_entries' <"$dir/ports")" \
        --slurpfile cfg "$dir/bundle/config.json" \
        '$cfg[0] as $c | {
            Id: $id, Created: $created, Path: $c.process.args[0], Args: $c.process.args[1:],
            State: {Status: $state, Running: ($state == "running" or $state == "paused"),
                    Paused: ($state == "paused"), Restarting: false, OOMKilled: false, Dead: false,
                    Pid: $pid, ExitCode: $exit, Error: "", StartedAt: $started, FinishedAt: $finished},
            Image: $image, ResolvConfPath: ($dir + "/resolv.conf"), HostnamePath: ($dir + "/hostname"),
            HostsPath: ($dir + "/hosts"), LogPath: ($dir + "/container.log"), Name: $name,
            Driver: "overlay",
            HostConfig: {NetworkMode: $network, AutoRemove: $autoremove, ReadonlyRootfs: ($c.root.readonly // false),
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
                     Image: $image, WorkingDir: $c.process.cwd, Labels: ($c.annotations // {})},
            NetworkSettings: {IPAddress: $ip, Gateway: (if $ip == "" then "" else ($ip | sub("\\.[0-9]+$"; ".1")) end),
                              Ports: $ports}
        }'
}
