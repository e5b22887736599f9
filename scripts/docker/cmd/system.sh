# shellcheck shell=bash
# keel-docker system: prune.
kd_lib group

USAGE='COMMAND'
ABOUT='Manage keel-docker'
OPTS=()

cmd_system() { group_run system '' "$@"; }

system_prune() {
    kd_lib prune
    USAGE='[OPTIONS]'
    ABOUT='Remove unused data'
    OPTS=(
        'a|all|bool|Remove all unused images not just dangling ones'
        'f|force|bool|Do not prompt for confirmation'
        '|volumes|bool|Prune anonymous volumes'
    )
    opts_parse 1 "$@"
    opts_nargs none
    if [ "$OPT_force" = 0 ]; then
        local what="WARNING! This will remove:
  - all stopped containers
  - all networks not used by at least one container"
        [ "$OPT_volumes" = 0 ] || what="$what
  - all anonymous volumes not used by at least one container"
        if [ "$OPT_all" = 1 ]; then what="$what
  - all images without at least one container associated to them"
        else what="$what
  - all dangling images"
        fi
        what="$what
  - all build cache"
        confirm "$what" || return 0
    fi
    local c i v=0
    c=$(prune_containers 2>/dev/null)
    prune_networks 2>/dev/null
    [ "$OPT_volumes" = 0 ] || v=$(prune_volumes 0 2>/dev/null)
    i=$(prune_images "$OPT_all" 2>/dev/null)
    echo "Total reclaimed space: $(human_size $((c + i + v)))"
}
