# shellcheck shell=bash
# docker's ways of showing times and sizes, and its tables.

# human_duration VAR SECONDS: docker's HumanDuration ("Less than a second",
# "3 minutes", "About an hour", ...) into VAR, without a subshell.
human_duration() {
    local _s=$2 _t
    if [ "$_s" -lt 1 ]; then _t="Less than a second"
    elif [ "$_s" -eq 1 ]; then _t="1 second"
    elif [ "$_s" -lt 60 ]; then _t="$_s seconds"
    elif [ "$_s" -lt 120 ]; then _t="About a minute"
    elif [ "$_s" -lt 3600 ]; then _t="$((_s / 60)) minutes"
    elif [ "$_s" -lt 7200 ]; then _t="About an hour"
    elif [ "$_s" -lt 172800 ]; then _t="$((_s / 3600)) hours"
    elif [ "$_s" -lt 1209600 ]; then _t="$((_s / 86400)) days"
    elif [ "$_s" -lt 4838400 ]; then _t="$((_s / 604800)) weeks"
    elif [ "$_s" -lt 63072000 ]; then _t="$((_s / 2592000)) months"
    else _t="$((_s / 31536000)) years"
    fi
    printf -v "$1" '%s' "$_t"
}

iso_time() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%NZ; }

human_size() {
    awk -v b="$1" 'BEGIN {
        split("B kB MB GB TB", u, " "); i = 1
        while (b >= 1000 && i < 5) { b /= 1000; i++ }
        if (i == 1) printf "%dB\n", b; else printf "%.3g%s\n", b, u[i] }'
}

# Aligns tab-separated rows as docker's tables are: columns three spaces apart.
table_columns() { column -t -s $'\t' -o '   '; }

# print_inspect FORMAT JSON...: inspect's output, docker's array of the
# objects, or each through a --format template ({{json .}}, {{.A.B}}, {{json .A}}).
print_inspect() {
    local format=$1 o t
    shift
    if [ -z "$format" ]; then
        # docker's four-space indentation
        if [ $# -gt 0 ]; then printf '%s\n' "$@" | jq -s --indent 4 .; else echo '[]'; fi
        return 0
    fi
    case "$format" in '{{json .}}' | json) t='. | tojson' ;; *)
        t=${format//\\/\\\\} t=${t//\"/\\\"}
        t=$(sed -E 's/\{\{ *json +(\.[A-Za-z0-9_.]*) *\}\}/\\(\1 | tojson)/g; s/\{\{ *(\.[A-Za-z0-9_.]*) *\}\}/\\(\1)/g' <<<"$t")
        t="\"$t\"" ;;
    esac
    for o in "$@"; do jq -r "$t" <<<"$o"; done
}
