# shellcheck shell=bash
# keel-docker image: docker's management form of the image commands, and prune.
kd_lib group

USAGE='COMMAND'
ABOUT='Manage images'
OPTS=()

cmd_image() { group_run image 'ls=images list=images rm=rmi remove=rmi' "$@"; }

# image inspect: inspect of images only
image_inspect() {
    # shellcheck source=scripts/docker/cmd/inspect.sh
    . "$KD_LIB/cmd/inspect.sh"
    cmd_inspect --type image "$@"
}

image_prune() {
    kd_lib prune
    USAGE='[OPTIONS]'
    ABOUT='Remove unused images'
    OPTS=(
        'a|all|bool|Remove all unused images, not just dangling ones'
        'f|force|bool|Do not prompt for confirmation'
    )
    opts_parse 1 "$@"
    opts_nargs none
    if [ "$OPT_force" = 0 ]; then
        if [ "$OPT_all" = 1 ]; then
            confirm "WARNING! This will remove all images without at least one container associated to them." || return 0
        else
            confirm "WARNING! This will remove all dangling images." || return 0
        fi
    fi
    prune_images "$OPT_all"
    prune_report
}
