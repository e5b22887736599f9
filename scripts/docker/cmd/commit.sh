# shellcheck shell=bash
# keel-docker commit: a container's writable layer as a new image
# (keel-image commit on its bundle).
# the modular keel-docker loads helpers on demand (kd_lib); the single script has them all
! declare -F kd_lib >/dev/null || kd_lib record

cmd_commit() {
    local -a a=()
    local -a ops=()
    while [ $# -gt 0 ]; do
        case "$1" in
        -c | --change | -m | --message | -a | --author)
            [ $# -ge 2 ] || die "flag needs an argument: $1"
            a+=("$1" "$2")
            shift
            ;;
        --change=* | --message=* | --author=*) a+=("${1%%=*}" "${1#*=}") ;;
        # the writable layer is read as it is; docker's pause only makes it consistent
        -p | --pause | --pause=true | --pause=false) ;;
        -?*) die "unknown flag: $1" ;;
        *) ops+=("$1") ;;
        esac
        shift
    done
    case "${#ops[@]}" in 1 | 2) ;; *) die "\"commit\" requires at least 1 and at most 2 arguments.
Usage:  keel-docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]" ;;
    esac
    local id
    id=$(resolve_container "${ops[0]}") || exit 1
    images commit "${a[@]}" "$CONTAINERS/$id/bundle" ${ops[1]+"${ops[1]}"}
}
