# shellcheck shell=bash
# keel-docker top: a running container's processes, through the runtime's ps
# (ps -ef unless ps options are given).
kd_lib state

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
# column taking the rest of each line, Go's tabwriter (minimum width 20,
# padding 3) aligning them.
top_table() {
    awk 'NR == 1 { n = NF }
        { row[NR] = ""; for (i = 1; i <= n; i++) {
              c = (i < n) ? $i : $0
              if (i == n) { for (j = 1; j < n; j++) sub(/^[ \t]*[^ \t]+/, "", c); sub(/^[ \t]+/, "", c) }
              cell[NR, i] = c
              if (i < n && length(c) + 3 > w[i]) w[i] = length(c) + 3 } }
        END { for (r = 1; r <= NR; r++) { line = ""
                  for (i = 1; i < n; i++) line = line sprintf("%-*s", (w[i] < 20 ? 20 : w[i]), cell[r, i])
                  print line cell[r, n] } }'
}
