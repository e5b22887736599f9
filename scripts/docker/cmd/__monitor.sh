# shellcheck shell=bash
# keel-docker __monitor ID (hidden): a detached container's watcher. It runs
# the container, writes its output to the log and records how it ended.
kd_lib lifecycle

USAGE='ID'
ABOUT='Watch a detached container (internal)'
OPTS=()

cmd___monitor() {
    local id=$1 dir=$CONTAINERS/$1 rc=0
    record_put "$id" monitor.pid "$$"
    runtime run --bundle "$dir/bundle" --pid-file "$dir/pid" "$id" </dev/null \
        > >(log_stream stdout "$dir/container.log") \
        2> >(log_stream stderr "$dir/container.log") || rc=$?
    wait
    record_exit "$id" "$rc"
}
