# shellcheck shell=bash
# keel-docker unpause: paused containers run again.
kd_lib lifecycle

USAGE='CONTAINER [CONTAINER...]'
ABOUT='Unpause all processes within one or more containers'
ALIASES='container unpause, unpause'
OPTS=()

cmd_unpause() {
    opts_parse 1 "$@"
    opts_nargs min 1
    each_container unpause_one
}

unpause_one() {
    container_status "$1"
    [ "$ST_paused" = true ] || { complain "Error response: Container $1 is not paused"; return 1; }
    container_thaw "$1"
}
