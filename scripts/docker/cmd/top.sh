# shellcheck shell=bash
# keel-docker top: a running container's processes, through the runtime's ps
# (ps -ef unless ps options are given).
kd_lib state tabwriter

USAGE='CONTAINER [ps OPTIONS]'
ABOUT='Display the running processes of a container'
ALIASES='container top, top'
OPTS=()

cmd_top() {
    opts_parse 0 "$@"
    opts_nargs min 1
    local id
    id=$(resolve_container "${ARGS[0]}") || exit 1
    container_is_up "$id" || fail "Error response: Container $id is not running"
    local -a ps=("${ARGS[@]:1}")
    [ "${#ps[@]}" -gt 0 ] || ps=(-ef)
    local out
    out=$(runtime ps "$id" "${ps[@]}" 2>&1) || {
        case "$out" in *"no PID column"*) fail "Error response: Couldn't find PID field in ps output" ;; esac
        fail "Error response: $out"
    }
    top_table <<<"$out"
}

# ps's output as docker prints it: the header's words as columns, the last
# column taking the rest of each line, in a table at least 20 wide a column.
top_table() {
    awk 'NR == 1 { n = NF }
        { line = $0; out = ""
          for (i = 1; i < n; i++) {
              sub(/^[ \t]+/, "", line); f = line; sub(/[ \t].*$/, "", f)
              out = out f "\t"; line = substr(line, length(f) + 1)
          }
          sub(/^[ \t]+/, "", line); print out line }' | tabwriter 20
}
