# shellcheck shell=bash
# keel-docker version: its own and the runtime's.

USAGE='[OPTIONS]'
ABOUT='Show the keel-docker version information'
OPTS=()

cmd_version() {
    opts_parse 1 "$@"
    opts_nargs none
    local v
    v=$("$KEEL" --version | head -1)
    echo "keel-docker version 0.1.0 ($v)"
}
