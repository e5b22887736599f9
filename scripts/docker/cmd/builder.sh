# shellcheck shell=bash
# keel-docker builder: build (keel-docker build), prune (keel-image builder
# prune behind docker's prompt) and du (the build cache's size, as buildx du).
kd_lib group

USAGE='COMMAND'
ABOUT='Manage builds'
OPTS=()

cmd_builder() { group_run builder '' "$@"; }

builder_prune() {
    kd_lib prune
    USAGE=''
    ABOUT='Remove build cache'
    OPTS=(
        'a|all|bool|Remove all unused build cache, not just dangling ones'
        'f|force|bool|Do not prompt for confirmation'
    )
    opts_parse 1 "$@"
    opts_nargs none
    if [ "$OPT_force" = 0 ]; then
        local what="WARNING! This will remove all dangling build cache."
        [ "$OPT_all" = 0 ] || what="WARNING! This will remove all build cache."
        confirm "$what" || return 0
    fi
    # keel's cache has no dangling records apart from the others: all of it goes
    images builder prune -a -f
}

builder_du() {
    USAGE=''
    ABOUT='Disk usage'
    OPTS=()
    opts_parse 1 "$@"
    opts_nargs none
    images builder du
}
