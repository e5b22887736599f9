# shellcheck shell=bash
# keel-docker login: keel-image login (credentials checked with the registry,
# kept in ${DOCKER_CONFIG:-~/.docker}/config.json or its credential helper).

USAGE='[OPTIONS] [SERVER]'
ABOUT="Log in to a registry.
If no server is specified, the default is defined by the daemon."
OPTS=(
    'p|password|string|Password'
    '|password-stdin|bool|Take the password from stdin'
    'u|username|string|Username'
)

cmd_login() {
    local -a pass=()
    while [ $# -gt 0 ]; do
        case "$1" in
        -u | --username | -p | --password)
            [ $# -ge 2 ] || { echo "flag needs an argument: $1
See 'keel-docker login --help'." >&2; return 125; }
            pass+=("$1" "$2")
            shift ;;
        --username=* | --password=* | -u?* | -p?* | --password-stdin) pass+=("$1") ;;
        --help) printf 'Usage:  keel-docker login %s\n\n%s\n' "$USAGE" "$ABOUT"; return 0 ;;
        --) shift; break ;;
        -*) echo "unknown flag: $1
See 'keel-docker login --help'." >&2; return 125 ;;
        *) break ;;
        esac
        shift
    done
    if [ $# -gt 1 ]; then
        printf "keel-docker: 'keel-docker login' requires at most 1 argument\n\nUsage:  keel-docker login %s\n" "$USAGE" >&2
        return 1
    fi
    "$KEEL_IMAGE" login "${pass[@]}" "$@"
}
