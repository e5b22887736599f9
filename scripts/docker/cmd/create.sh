# shellcheck shell=bash
# keel-docker create: a container made from an image but not started (start
# runs it); prints its id.
kd_lib create

USAGE='[OPTIONS] IMAGE [COMMAND] [ARG...]'
ABOUT='Create a new container'
ALIASES='container create, create'
OPTS=("${CREATE_OPTS[@]}")

cmd_create() {
    opts_parse 0 "$@"
    opts_nargs min 1
    create_container "${ARGS[@]}"
    trap - EXIT
    echo "$CREATED_ID"
}
