# shellcheck shell=bash
# What a container is doing: created, running, paused or exited, and docker's
# words for it (ps's STATUS, PORTS).
kd_lib record format

# created | running | paused | exited, reconciled with the runtime so that a
# container whose monitor died shows its real status.
container_state() {
    local id=$1 dir="$CONTAINERS/$1" st mon
    if [ -e "$dir/finished" ]; then
        echo exited
        return 0
    fi
    if [ ! -e "$dir/started" ]; then
        echo created
        return 0
    fi
    st=$(runtime state "$id" 2>/dev/null | jq -r .status 2>/dev/null || true)
    case "$st" in
    running | paused | created) echo "$st"; return 0 ;;
    esac
    # the container has ended: its monitor records how, unless the monitor died too
    record_get mon "$id" monitor.pid
    if [ -n "$mon" ] && kill -0 "$mon" 2>/dev/null; then
        local _
        for _ in $(seq 1 200); do
            [ ! -e "$dir/finished" ] || { echo exited; return 0; }
            kill -0 "$mon" 2>/dev/null || break
            sleep 0.01
        done
        [ ! -e "$dir/finished" ] || { echo exited; return 0; }
    fi
    record_exited "$id" 255
    echo exited
}

status_text() {
    local id=$1 state=$2 t
    case "$state" in
    running) record_get t "$id" started; echo "Up $(human_duration $(($(now) - t)))" ;;
    paused) record_get t "$id" started; echo "Up $(human_duration $(($(now) - t))) (Paused)" ;;
    created) echo "Created" ;;
    exited)
        record_get t "$id" finished
        echo "Exited ($(record_fact "$id" exit_code)) $(human_duration $(($(now) - t))) ago"
        ;;
    esac
}

ports_text() {
    local id=$1 ip host ctr proto out=()
    while read -r ip host ctr proto; do
        out+=("$ip:$host->$ctr/$proto")
    done <"$CONTAINERS/$id/ports"
    local IFS=,
    local joined="${out[*]}"
    echo "${joined//,/, }"
}
