# shellcheck shell=bash
# keel-docker container: docker's management form of the container commands,
# and prune.
kd_lib group

USAGE='COMMAND'
ABOUT='Manage containers'
OPTS=()

cmd_container() { group_run container 'ls=ps list=ps remove=rm' "$@"; }

# container inspect: inspect of containers only
container_inspect() {
    # shellcheck source=scripts/docker/cmd/inspect.sh
    . "$KD_LIB/cmd/inspect.sh"
    cmd_inspect --type container "$@"
}

container_prune() {
    kd_lib prune
    USAGE='[OPTIONS]'
    ABOUT='Remove all stopped containers'
    OPTS=('f|force|bool|Do not prompt for confirmation')
    opts_parse 1 "$@"
    opts_nargs none
    [ "$OPT_force" = 1 ] || confirm "WARNING! This will remove all stopped containers." || return 0
    prune_containers
    prune_report
}
