# shellcheck shell=bash
# keel-docker login: keel-image login (credentials checked with the registry,
# kept in ${DOCKER_CONFIG:-~/.docker}/config.json or its credential helper).

USAGE='[OPTIONS] [SERVER]'
ABOUT="Authenticate to a registry.
Defaults to Docker Hub if no server is specified."
OPTS=(
    'p|password|string|Password or Personal Access Token (PAT)'
    '|password-stdin|bool|Take the Password or Personal Access Token (PAT) from stdin'
    'u|username|string|Username'
)

cmd_login() {
    opts_parse 1 "$@"
    opts_nargs max 1
    local -a a=()
    [ -z "${OPT_GIVEN[username]:-}" ] || a+=(-u "$OPT_username")
    [ -z "${OPT_GIVEN[password]:-}" ] || a+=(-p "$OPT_password")
    [ "$OPT_password_stdin" = 0 ] || a+=(--password-stdin)
    "$KEEL_IMAGE" login "${a[@]}" "${ARGS[@]}"
}
