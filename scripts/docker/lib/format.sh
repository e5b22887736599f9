# shellcheck shell=bash
# docker's ways of showing times and sizes, and its tables.

# docker's HumanDuration: "Less than a second", "3 minutes", "About an hour", ...
human_duration() {
    local s=$1
    if [ "$s" -lt 1 ]; then echo "Less than a second"
    elif [ "$s" -eq 1 ]; then echo "1 second"
    elif [ "$s" -lt 60 ]; then echo "$s seconds"
    elif [ "$s" -lt 120 ]; then echo "About a minute"
    elif [ "$s" -lt 3600 ]; then echo "$((s / 60)) minutes"
    elif [ "$s" -lt 7200 ]; then echo "About an hour"
    elif [ "$s" -lt 172800 ]; then echo "$((s / 3600)) hours"
    elif [ "$s" -lt 1209600 ]; then echo "$((s / 86400)) days"
    elif [ "$s" -lt 4838400 ]; then echo "$((s / 604800)) weeks"
    elif [ "$s" -lt 63072000 ]; then echo "$((s / 2592000)) months"
    else echo "$((s / 31536000)) years"
    fi
}

iso_time() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%NZ; }

# docker's zero time for a moment that has not happened.
time_or_zero() {
    if [ -z "$1" ]; then echo 0001-01-01T00:00:00Z; else iso_time "$1"; fi
}

human_size() {
    awk -v b="$1" 'BEGIN {
        split("B kB MB GB TB", u, " "); i = 1
        while (b >= 1000 && i < 5) { b /= 1000; i++ }
        if (i == 1) printf "%dB\n", b; else printf "%.3g%s\n", b, u[i] }'
}

# Aligns tab-separated rows as docker's tables are: columns three spaces apart.
table_columns() { column -t -s $'\t' -o '   '; }
