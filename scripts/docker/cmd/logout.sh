# shellcheck shell=bash
# keel-docker logout: keel-image logout.

USAGE='[SERVER]'
ABOUT="Log out from a registry.
If no server is specified, the default is defined by the daemon."
OPTS=()

cmd_logout() {
    case "${1:-}" in
    --help) printf 'Usage:  keel-docker logout %s\n\n%s\n' "$USAGE" "$ABOUT"; return 0 ;;
    -*) echo "unknown flag: $1
See 'keel-docker logout --help'." >&2; return 125 ;;
    esac
    if [ $# -gt 1 ]; then
        printf "keel-docker: 'keel-docker logout' requires at most 1 argument\n\nUsage:  keel-docker logout %s\n" "$USAGE" >&2
        return 1
    fi
    "$KEEL_IMAGE" logout "$@"
}
