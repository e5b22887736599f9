# shellcheck shell=bash
# keel-docker rm: containers and everything they made.
kd_lib lifecycle

USAGE='[OPTIONS] CONTAINER [CONTAINER...]'
ABOUT='Remove one or more containers'
ALIASES='container rm, container remove, rm'
OPTS=(
    'f|force|bool|Force the removal of a running container (uses SIGKILL)'
    'v|volumes|bool|Remove anonymous volumes associated with the container'
)

cmd_rm() {
    opts_parse 1 "$@"
    opts_nargs min 1
    each_container rm_one
}

rm_one() { remove_container "$1" "$OPT_force" "$OPT_volumes"; }
