# shellcheck shell=bash
# keel-docker commit: a container's writable layer as a new image
# (keel-image commit on its bundle). The layer is read as it is: --pause is
# taken and changes nothing.
kd_lib record

USAGE='[OPTIONS] CONTAINER [REPOSITORY[:TAG]]'
ABOUT="Create a new image from a container's changes"
ALIASES='container commit, commit'
OPTS=(
    'a|author|string|Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")'
    'c|change|list|Apply Dockerfile instruction to the created image'
    'm|message|string|Commit message'
    'p|pause|bool|Pause container during commit (default true)'
)

cmd_commit() {
    opts_parse 1 "$@"
    opts_nargs range 1 2
    local id
    id=$(resolve_container "${ARGS[0]}") || exit 1
    local -a a=()
    opts_forward a author change message
    images commit "${a[@]}" "$CONTAINERS/$id/bundle" ${ARGS[1]+"${ARGS[1]}"}
}
