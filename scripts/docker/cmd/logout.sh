# shellcheck shell=bash
# keel-docker logout: keel-image logout.

USAGE='[SERVER]'
ABOUT="Log out from a registry.
If no server is specified, the default is defined by the daemon."
OPTS=()

cmd_logout() {
    opts_parse 1 "$@"
    opts_nargs max 1
    "$KEEL_IMAGE" logout "${ARGS[@]}"
}
