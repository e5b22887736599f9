# shellcheck shell=bash
# keel-docker push: keel-image push, a tag or every tag of a repository.

USAGE='[OPTIONS] NAME[:TAG]'
ABOUT='Upload an image to a registry'
OPTS=(
    'a|all-tags|bool|Push all tags of an image to the repository'
    '|disable-content-trust|bool|Skip image signing (default true)'
    'q|quiet|bool|Suppress verbose output'
)

# docker's normalization of a repository name: busybox -> docker.io/library/busybox.
push_repository() {
    local name=$1 first=${1%%/*}
    if [ "$first" = "$name" ]; then
        name=docker.io/library/$name
    elif [[ "$first" != *[.:]* && "$first" != localhost ]]; then
        name=docker.io/$name
    fi
    printf '%s\n' "$name"
}

# push_one REF: the image's layers and its digest line, as docker prints them.
push_one() {
    local ref=$1 quiet=$2
    if ! images inspect "$ref" >/dev/null 2>&1; then
        echo "An image does not exist locally with the tag: $ref" >&2
        return 1
    fi
    if [ "$quiet" = 1 ]; then
        images push -q "$ref" >/dev/null && printf '%s\n' "$ref"
    else
        images push "$ref"
    fi
}

cmd_push() {
    local all=0 quiet=0 name tag repo ref rc=0
    local -a args=()
    while [ $# -gt 0 ]; do
        case "$1" in
        --help) printf 'Usage:  keel-docker push %s\n\n%s\n' "$USAGE" "$ABOUT"; return 0 ;;
        -a | --all-tags) all=1 ;;
        -q | --quiet) quiet=1 ;;
        --disable-content-trust | --disable-content-trust=*) ;;
        --) shift; args+=("$@"); break ;;
        -*) echo "unknown flag: $1
See 'keel-docker push --help'." >&2; return 125 ;;
        *) args+=("$1") ;;
        esac
        shift
    done
    if [ "${#args[@]}" -ne 1 ]; then
        printf "keel-docker: 'keel-docker push' requires 1 argument\n\nUsage:  keel-docker push %s\n\n%s\n" \
            "$USAGE" "$ABOUT" >&2
        return 1
    fi
    name=${args[0]}
    if [ "$all" = 0 ]; then
        push_one "$name" "$quiet"
        return
    fi
    # NAME[:TAG]: a tag after the last slash, not a registry's port
    tag=${name##*/}
    if [[ "$tag" == *:* || "$name" == *@* ]]; then
        echo "tag can't be used with --all-tags/-a" >&2
        return 1
    fi
    repo=$(push_repository "$name")
    local found=0
    while read -r ref; do
        [ "${ref%:*}" = "$repo" ] || continue
        found=1
        push_one "$ref" "$quiet" || rc=$?
    done < <(images ls -q)
    if [ "$found" = 0 ]; then
        echo "An image does not exist locally with the tag: $repo" >&2
        return 1
    fi
    return "$rc"
}
