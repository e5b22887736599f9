# shellcheck shell=bash
# --format of the commands that print one document (version, info) or a
# stream (events): their JSON through keel-format, the Go-template engine
# (specs/), when it is installed; without it their default output stands.

# template_apply FORMAT JSON...: each JSON document through FORMAT, a line
# each; status 2 when keel-format is not there, keel-format's own else.
template_apply() {
    local tool=${KEEL_FORMAT:-} fmt=$1
    shift
    [ -n "$tool" ] || find_tool tool keel-format
    command -v "$tool" >/dev/null || return 2
    printf '%s\n' "$@" | jq -cs . | "$tool" "$fmt"
}
