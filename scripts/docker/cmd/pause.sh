# shellcheck shell=bash
# keel-docker pause: every process of running containers suspended (the
# runtime's freezer cgroup).
kd_lib lifecycle

USAGE='CONTAINER [CONTAINER...]'
ABOUT='Pause all processes within one or more containers'
ALIASES='container pause, pause'
OPTS=()

cmd_pause() {
    opts_parse 1 "$@"
    opts_nargs min 1
    each_container pause_one
}

pause_one() {
    container_is_up "$1" || { complain "Error response: Container $1 is not running"; return 1; }
    [ "$ST_paused" = false ] || { complain "Error response: Container $1 is already paused"; return 1; }
    container_pause "$1"
}
