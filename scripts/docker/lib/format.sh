# shellcheck shell=bash
# docker's ways of showing times and sizes, and the template its list commands
# format with (keel-format aligns the tables).

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

# list_format VAR DEFAULT: the template a list command (ps, images) runs, into
# VAR: {{.ID}} for -q, {{json .}} for "json", DEFAULT for none or "table",
# else --format's own.
list_format() {
    local _f=$OPT_format
    if [ "$OPT_quiet" = 1 ]; then
        _f='{{.ID}}'
    elif [ "$_f" = json ]; then
        _f='{{json .}}'
    elif [ -z "$_f" ] || [ "$_f" = table ]; then
        _f=$2
    fi
    printf -v "$1" '%s' "$_f"
}

# json_str VAR TEXT: TEXT as a JSON string (quotes, backslashes, tabs, newlines
# and carriage returns escaped) into VAR, without a process.
json_str() {
    local _s=$2
    _s=${_s//\\/\\\\} _s=${_s//\"/\\\"}
    _s=${_s//$'\t'/\\t} _s=${_s//$'\n'/\\n} _s=${_s//$'\r'/\\r}
    printf -v "$1" '"%s"' "$_s"
}

# inspect_print JSON...: inspect's output (containers, images, networks,
# volumes): docker's array (4-space indent), or each through -f (OPT_format).
inspect_print() {
    if [ -n "$OPT_format" ]; then
        [ $# -gt 0 ] || return 0
        local out rc=0
        # the dot keeps the text's trailing newlines through $( )
        out=$(printf '%s\n' "$@" | jq -s . | "$KEEL_FORMAT" "$OPT_format" 2>&1 && printf .) || rc=$?
        if [ "$rc" != 0 ]; then
            # docker's words and status: 64 when it does not parse, 1 when it fails to run
            echo "template parsing error: $out" >&2
            return "$rc"
        fi
        printf '%s' "${out%.}"
        return 0
    fi
    if [ $# -eq 0 ]; then
        echo "[]"
        return 0
    fi
    printf '%s\n' "$@" | jq -s --indent 4 .
}
