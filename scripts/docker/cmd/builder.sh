# shellcheck shell=bash
# keel-docker builder prune: keel-image builder prune behind docker's prompt;
# builder du: the cache's size.
# the modular keel-docker loads helpers on demand (kd_lib); the single script has them all
! declare -F kd_lib >/dev/null || kd_lib prune

cmd_builder() {
    if [ "${1:-}" = du ]; then
        images builder du
        return
    fi
    [ "${1:-}" = prune ] || die "usage: keel-docker builder prune [-a] [-f] | builder du"
    shift
    local all=0 force=0
    while [ $# -gt 0 ]; do
        case "$1" in
        -a | --all) all=1 ;;
        -f | --force) force=1 ;;
        -af | -fa) all=1 force=1 ;;
        *) die "unknown flag: $1" ;;
        esac
        shift
    done
    if [ "$force" = 0 ]; then
        local what="WARNING! This will remove all dangling build cache."
        [ "$all" = 0 ] || what="WARNING! This will remove all build cache."
        confirm "$what" || return 0
    fi
    images builder prune -a -f
}
