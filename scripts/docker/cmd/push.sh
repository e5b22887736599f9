# shellcheck shell=bash
# keel-docker push: keel-image push, a tag or every tag of a repository.

USAGE='[OPTIONS] NAME[:TAG]'
ABOUT='Upload an image to a registry'
ALIASES='image push, push'
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
    opts_parse 1 "$@"
    opts_nargs exact 1
    local name=${ARGS[0]} tag repo ref rc=0
    if [ "$OPT_all_tags" = 0 ]; then
        push_one "$name" "$OPT_quiet"
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
        push_one "$ref" "$OPT_quiet" || rc=$?
    done < <(images ls -q)
    if [ "$found" = 0 ]; then
        echo "An image does not exist locally with the tag: $repo" >&2
        return 1
    fi
    return "$rc"
}
