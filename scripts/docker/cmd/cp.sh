# shellcheck shell=bash
# keel-docker cp: files between a container's root filesystem (running or
# stopped) and the host, or a tar stream on stdin/stdout with `-`, with
# docker's rules for files, directories, trailing `/` and `/.`. Container
# paths are resolved inside its root (lib/scope.sh); a running container is
# frozen while its tree is read or written, as docker does, so that it cannot
# swap a checked directory for a link meanwhile.
kd_lib state scope lifecycle

USAGE='[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-
	keel-docker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH'
ABOUT='Copy files/folders between a container and the local filesystem'
ALIASES='container cp, cp'
OPTS=(
    'a|archive|bool|Archive mode (copy all uid/gid information)'
    'L|follow-link|bool|Always follow symbol link in SRC_PATH'
)

cmd_cp() {
    opts_parse 1 "$@"
    opts_nargs exact 2
    local src=${ARGS[0]} dst=${ARGS[1]} sc='' dc=''
    cp_split sc src
    cp_split dc dst
    [ -n "$sc" ] || [ -n "$dc" ] || fail "must specify at least one container source"
    [ -z "$sc" ] || [ -z "$dc" ] || fail "copying between containers is not supported"
    local id arg=${sc:-$dc}
    id=$(resolve_container "$arg") || exit 1
    CP_ROOT=$CONTAINERS/$id/bundle/rootfs
    [ -d "$CP_ROOT" ] || fail "Error response: container $id has no filesystem"
    CP_ID=$id CP_FROZEN=0
    trap cp_thaw EXIT
    cp_freeze
    if [ -n "$sc" ]; then cp_out "$sc" "$src" "$dst"; else cp_in "$dc" "$src" "$dst"; fi
}

# cp_split CVAR PVAR: "NAME:PATH" -> CVAR=NAME, PVAR=PATH; a local path (one
# starting with / or ., or with no colon) leaves CVAR empty.
cp_split() {
    local -n c_=$1 p_=$2
    case "$p_" in
    /* | .* | -) return 0 ;;
    *:*) c_=${p_%%:*} p_=${p_#*:} ;;
    esac
}

# A running container stands still while cp works in its tree (docker pauses it too).
cp_freeze() {
    container_status "$CP_ID"
    [ "$ST_state" = running ] && [ "$ST_paused" = false ] || return 0
    runtime pause "$CP_ID" >/dev/null 2>&1 && CP_FROZEN=1
    return 0
}
cp_thaw() { [ "$CP_FROZEN" = 0 ] || runtime resume "$CP_ID" >/dev/null 2>&1 || true; }

# The container's path PATH, resolved inside its root, into VAR.
cp_in_root() {
    scoped_path "$1" "$CP_ROOT" "$2" "$3" ||
        fail "Error response: $2: too many levels of symbolic links"
}

# container -> host (or a tar stream on stdout)
cp_out() {
    local c=$1 sp=$2 dp=$3 s follow=$OPT_follow_link
    # a trailing / or /. names what a link points to
    case "$sp" in */ | */.) follow=1 ;; esac
    cp_in_root s "$sp" "$follow"
    [ -e "$s" ] || [ -L "$s" ] || fail "Error response: Could not find the file $sp in container $c"
    if [[ "$sp" == */ ]] && [ ! -d "$s" ]; then fail "Error response: not a directory"; fi
    if [ "$dp" = - ]; then
        cp_tar_of "$s" "$sp"
        return 0
    fi
    cp_place "$s" "$sp" "$dp" --no-same-owner
}

# host (or a tar stream on stdin) -> container
cp_in() {
    local c=$1 sp=$2 dp=$3 d owner=--no-same-owner
    [ "$OPT_archive" = 0 ] || owner=--same-owner
    cp_in_root d "$dp" 1
    if [ "$sp" = - ]; then
        [ -d "$d" ] || fail "Error response: extraction point is not a directory"
        tar -C "$d" -xf - "$owner" --numeric-owner --no-overwrite-dir ||
            fail "Error response: cannot extract the archive into $c:$dp"
        return 0
    fi
    local s=$sp
    [ "$OPT_follow_link" = 0 ] || s=$(readlink -f -- "$sp") || s=$sp
    [ -e "$s" ] || [ -L "$s" ] || fail "lstat $sp: no such file or directory"
    if [[ "$sp" == */ ]] && [ ! -d "$s" ]; then fail "not a directory"; fi
    local parent
    cp_in_root parent "$(cp_dirname "$dp")" 1
    [ -d "$parent" ] || fail "Error response: Could not find the file $(cp_dirname "$dp") in container $c"
    cp_place "$s" "$sp" "$d" "$owner" --numeric-owner
}

# cp_place SRC SRC-AS-GIVEN DEST TAR-OPTION...: docker's rules. A file goes to
# DEST, or into it when it is a directory; a directory becomes DEST, or goes
# into it when it exists (its contents only when SRC ends with /.).
cp_place() {
    local s=$1 sp=$2 d=$3 target base
    shift 3
    base=${s##*/}
    if [ -d "$s" ] && [ ! -L "$s" ]; then
        if [ -d "$d" ]; then
            target=$d/$base
            case "$sp" in */. | */./) target=$d ;; esac
        elif [ -e "$d" ]; then
            fail "Error response: cannot copy directory"
        else
            [ -d "$(cp_dirname "$d")" ] || fail "Error response: no such directory"
            target=$d
        fi
        mkdir -p -- "$target"
        tar -C "$s" -cf - . | tar -C "$target" -xf - --no-overwrite-dir "$@" || fail "Error response: copy to $target failed"
        return 0
    fi
    if [ -d "$d" ]; then
        target=$d/$base
    else
        if [[ "${ARGS[1]}" == */ ]]; then fail "no such directory"; fi
        [ -d "$(cp_dirname "$d")" ] || fail "Error response: no such directory"
        target=$d
    fi
    # a file or link, renamed to the target's name on the way through tar, which
    # replaces whatever is there (a link included) instead of writing through it
    local name=${target##*/}
    name=${name//\\/\\\\} name=${name//&/\\&} name=${name//|/\\|}
    tar -C "$(cp_dirname "$s")" -cf - --transform "s|.*|$name|SH" -- "$base" |
        tar -C "$(cp_dirname "$target")" -xf - "$@" || fail "Error response: copy to $target failed"
}

# SRC as docker's stdout archive: one top entry named after the source.
cp_tar_of() {
    local s=$1 sp=$2
    case "$sp" in
    */. | */./) tar -C "$s" -cf - . ;;
    *) tar -C "$(cp_dirname "$s")" -cf - -- "${s##*/}" ;;
    esac
}

cp_dirname() {
    local p=${1%/}
    case "$p" in */*) p=${p%/*} ;; *) p=. ;; esac
    printf '%s\n' "${p:-/}"
}
