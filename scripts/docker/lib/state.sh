# shellcheck shell=bash
# What a container is doing, from the status file its monitor keeps
# (keel-monitor writes CDIR/status: state, pid, exit_code, started_at, ...),
# and docker's words for it. Nothing here forks or writes: ps reads every
# container through it in constant time.
kd_lib record format

# container_status ID: sets ST_state (created, running, restarting, exited),
# ST_pid, ST_exit, ST_oom, ST_started, ST_finished (RFC 3339, '' for none),
# ST_restarts, ST_paused (true while pause holds it). A container whose monitor died while it ran shows as exited
# with 255: nothing is left to record its end.
container_status() {
    local dir=$CONTAINERS/$1 mon='' pass
    for pass in 1 2; do
        ST_state=created ST_pid=0 ST_exit=0 ST_oom=false ST_started='' ST_finished='' ST_restarts=0
        ST_paused=false
        [ -e "$dir/status" ] || return 0
        local k v
        while IFS='=' read -r k v; do
            case "$k" in
            state) ST_state=$v ;;
            pid) ST_pid=$v ;;
            exit_code) ST_exit=$v ;;
            oom_killed) ST_oom=$v ;;
            started_at) ST_started=$v ;;
            finished_at) ST_finished=$v ;;
            restart_count) ST_restarts=$v ;;
            esac
        done <"$dir/status"
        # docker's zero time (0001-01-01T00:00:00Z) is "never"
        case "$ST_started" in 0001-*) ST_started='' ;; esac
        case "$ST_finished" in 0001-*) ST_finished='' ;; esac
        case "$ST_state" in running | restarting) ;; *) return 0 ;; esac
        [ ! -e "$dir/paused" ] || ST_paused=true
        [ ! -e "$dir/monitor.pid" ] || IFS= read -r mon <"$dir/monitor.pid" || true
        if [ -n "$mon" ] && monitor_alive "$mon"; then
            return 0
        fi
        # read again: the monitor may have recorded the end and gone meanwhile
    done
    ST_state=exited ST_pid=0 ST_exit=255
}

# Whether keel-monitor PID runs (a zombie not yet reaped does not).
monitor_alive() {
    local _pid _comm _st
    { read -r _pid _comm _st _ <"/proc/$1/stat"; } 2>/dev/null || return 1
    [ "$_comm" = "(keel-monitor)" ] && [ "$_st" != Z ]
}

# Whether the container runs (or is between two runs of its restart policy).
container_is_up() {
    container_status "$1"
    [ "$ST_state" = running ] || [ "$ST_state" = restarting ]
}

# rfc3339_epoch VAR TIME: seconds since 1970 of TIME (2026-12-06T11:26:38.6Z),
# by the civil-from-days arithmetic, with no date(1) process.
rfc3339_epoch() {
    local _ts=$2 _y _m _d _era _yoe _doy _doe
    case "$_ts" in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*) ;;
    *) printf -v "$1" 0; return 0 ;;
    esac
    _y=$((10#${_ts:0:4})) _m=$((10#${_ts:5:2})) _d=$((10#${_ts:8:2}))
    ((_y -= _m <= 2 ? 1 : 0))
    _era=$(((_y >= 0 ? _y : _y - 399) / 400))
    _yoe=$((_y - _era * 400))
    _doy=$(((153 * (_m + (_m > 2 ? -3 : 9)) + 2) / 5 + _d - 1))
    _doe=$((_yoe * 365 + _yoe / 4 - _yoe / 100 + _doy))
    printf -v "$1" '%d' $(((_era * 146097 + _doe - 719468) * 86400 + 10#${_ts:11:2} * 3600 + 10#${_ts:14:2} * 60 + 10#${_ts:17:2}))
}

# status_text VAR ID: docker's STATUS column of the container container_status
# read last ("Up 3 seconds", "Exited (0) 2 minutes ago", "Created", ...).
status_text() {
    local _t=0 _ago _now
    printf -v _now '%(%s)T' -1
    case "$ST_state" in
    running)
        rfc3339_epoch _t "$ST_started"
        human_duration _ago $((_now - _t))
        printf -v "$1" 'Up %s' "$_ago"
        [ "$ST_paused" = false ] || printf -v "$1" 'Up %s (Paused)' "$_ago"
        ;;
    restarting | exited)
        rfc3339_epoch _t "${ST_finished:-$ST_started}"
        human_duration _ago $((_now - _t))
        if [ "$ST_state" = exited ]; then
            printf -v "$1" 'Exited (%s) %s ago' "$ST_exit" "$_ago"
        else
            printf -v "$1" 'Restarting (%s) %s ago' "$ST_exit" "$_ago"
        fi
        ;;
    *) printf -v "$1" Created ;;
    esac
}

# ports_text VAR ID: docker's PORTS column ("0.0.0.0:8080->80/tcp, ...").
ports_text() {
    local _ip _host _ctr _proto _out=''
    [ -e "$CONTAINERS/$2/ports" ] || { printf -v "$1" ''; return 0; }
    while read -r _ip _host _ctr _proto; do
        [ -n "$_ctr" ] || continue
        _out+="${_out:+, }$_ip:$_host->$_ctr/$_proto"
    done <"$CONTAINERS/$2/ports"
    printf -v "$1" '%s' "$_out"
}
