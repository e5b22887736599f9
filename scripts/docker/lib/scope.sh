# shellcheck shell=bash
# Paths inside a container's root filesystem, resolved as the container would
# see them: every symbolic link is followed within ROOT (an absolute target
# starts again at ROOT, `..` stops at ROOT), so that a path never leads out of
# the container, whatever its links say (docker's FollowSymlinkInScope).

# scoped_path VAR ROOT PATH FOLLOW: the host path of PATH inside ROOT into
# VAR; its last component is followed only when FOLLOW is 1. Status 1 (with
# VAR set to ROOT) when links nest deeper than the kernel allows (40).
scoped_path() {
    local _var=$1 _root=${2%/} _rest=$3 _follow=$4 _done='' _c _t _links=0
    while [ -n "$_rest" ]; do
        _c=${_rest%%/*}
        if [ "$_c" = "$_rest" ]; then _rest=''; else _rest=${_rest#*/}; fi
        case "$_c" in
        '' | .) continue ;;
        ..) _done=${_done%/*}; continue ;;
        esac
        if [ -L "$_root$_done/$_c" ] && { [ -n "$_rest" ] || [ "$_follow" = 1 ]; }; then
            _links=$((_links + 1))
            [ "$_links" -le 40 ] || { printf -v "$_var" '%s' "$_root"; return 1; }
            _t=$(readlink -- "$_root$_done/$_c")
            case "$_t" in /*) _done='' ;; esac
            _rest=$_t${_rest:+/$_rest}
            continue
        fi
        _done+=/$_c
    done
    printf -v "$_var" '%s' "$_root$_done"
}
