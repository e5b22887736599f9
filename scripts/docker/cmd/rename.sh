# shellcheck shell=bash
# keel-docker rename: a container's new name, in its record and in the
# resolvers of its networks.
kd_lib record

USAGE='CONTAINER NEW_NAME'
ABOUT='Rename a container'
ALIASES='container rename, rename'
OPTS=()

cmd_rename() {
    opts_parse 1 "$@"
    opts_nargs exact 2
    local id new=${ARGS[1]} old
    [[ "$new" =~ ^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] ||
        fail "Error response: Invalid container name ($new), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    new=${new#/}
    # docker's CLI follows the daemon's error with its own line
    if ! id=$(resolve_container "${ARGS[0]}") || ! record_get old "$id" name ||
        ! record_rename "$id" "$new"; then
        echo "Error: failed to rename container named ${ARGS[0]}" >&2
        exit 1
    fi
    record_event "$id" rename "oldName=/$old"
    "$KEEL_NET" rename "$id" "$new" >/dev/null 2>&1 || true
}
