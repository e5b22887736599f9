# shellcheck shell=bash
# The one option parser of every keel-docker command, with docker's (pflag's)
# forms: --x v, --x=v, -x v, -xv, -x=v, combined shorts (-itd, -dp 80:80),
# --rm=true|false, `--` ending the options, and docker's messages and exit
# status (125) for a missing value, an unknown flag or a bad boolean/integer.
#
# A command file sets USAGE (what follows the command's name in docker's
# usage line), ABOUT (its one-line description), ALIASES (docker's other names
# of the command, when it has some) and OPTS, one row per option:
#     "SHORT|LONG|TYPE|HELP"     e.g. "p|publish|list|Publish a container's port(s) to the host"
# SHORT may be empty; TYPE is bool, int, list or a word naming a string value
# as --help shows it (string, bytes, decimal, duration), or =OTHER for a hidden
# second name of option OTHER (docker's --net for --network). opts_parse sets
# OPT_<long> (dashes as _) for each: 0/1 for bool, the value for int and
# strings, an array for list (each use appends); OPT_GIVEN[long] for those
# given; ARGS to the operands.

# opts_parse INTERSPERSED ARGS...: INTERSPERSED 0 stops at the first operand
# (run and exec: what follows is the container's command), 1 takes options
# anywhere (rm a -f).
opts_parse() {
    local interspersed=$1 row short long type a name cluster c
    shift
    declare -gA OPT_GIVEN=() OPT_TYPE_=() OPT_SHORT_=()
    ARGS=()
    for row in "${OPTS[@]}"; do
        short=${row%%|*} row=${row#*|}
        long=${row%%|*} row=${row#*|}
        type=${row%%|*}
        OPT_TYPE_[$long]=$type
        [ -z "$short" ] || OPT_SHORT_[$short]=$long
        case "$type" in
        =*) ;;
        bool) printf -v "OPT_${long//-/_}" 0 ;;
        list) eval "OPT_${long//-/_}=()" ;;
        *) printf -v "OPT_${long//-/_}" '' ;;
        esac
    done
    while [ $# -gt 0 ]; do
        a=$1
        shift
        case "$a" in
        --) ARGS+=("$@"); break ;;
        --help) opts_help; exit 0 ;;
        --*=*) name=${a%%=*} name=${name#--}; opts_take "$name" "--$name" "${a#*=}" ;;
        --*)
            name=${a#--}
            [ -n "${OPT_TYPE_[$name]:-}" ] || opts_fail "unknown flag: $a"
            if [ "${OPT_TYPE_[$name]}" = bool ]; then
                opts_take "$name" "$a" true
            else
                [ $# -gt 0 ] || opts_fail "flag needs an argument: $a"
                opts_take "$name" "$a" "$1"
                shift
            fi
            ;;
        -?*)
            cluster=${a#-}
            while [ -n "$cluster" ]; do
                c=${cluster:0:1} cluster=${cluster:1}
                name=${OPT_SHORT_[$c]:-}
                if [ -z "$name" ]; then
                    [ "$c" != h ] || { opts_help; exit 0; }
                    opts_fail "unknown shorthand flag: '$c' in -$c$cluster"
                fi
                if [ "${OPT_TYPE_[$name]}" = bool ]; then
                    case "$cluster" in
                    =*) opts_take "$name" "-$c" "${cluster#=}"; cluster= ;;
                    *) opts_take "$name" "-$c" true ;;
                    esac
                elif [ -n "$cluster" ]; then
                    opts_take "$name" "-$c" "${cluster#=}"
                    cluster=
                else
                    [ $# -gt 0 ] || opts_fail "flag needs an argument: '$c' in -$c"
                    opts_take "$name" "-$c" "$1"
                    shift
                fi
            done
            ;;
        *)
            if [ "$interspersed" = 1 ]; then
                ARGS+=("$a")
            else
                ARGS+=("$a" "$@")
                break
            fi
            ;;
        esac
    done
}

# opts_take LONG SPELLED VALUE: stores VALUE for option LONG (given as SPELLED).
opts_take() {
    local long=$1 type=${OPT_TYPE_[$1]:-}
    [ -n "$type" ] || opts_fail "unknown flag: --$long"
    case "$type" in =*) long=${type#=} type=${OPT_TYPE_[${type#=}]} ;; esac
    local var=OPT_${long//-/_}
    OPT_GIVEN[$long]=1
    case "$type" in
    bool)
        case "$3" in
        1 | t | T | true | TRUE | True) printf -v "$var" 1 ;;
        0 | f | F | false | FALSE | False) printf -v "$var" 0 ;;
        *) opts_fail "invalid argument \"$3\" for \"$(opts_flag_name "$long")\" flag: strconv.ParseBool: parsing \"$3\": invalid syntax" ;;
        esac
        ;;
    int)
        [[ "$3" =~ ^[+-]?[0-9]+$ ]] ||
            opts_fail "invalid argument \"$3\" for \"$(opts_flag_name "$long")\" flag: strconv.ParseInt: parsing \"$3\": invalid syntax"
        printf -v "$var" '%s' "$3"
        ;;
    list)
        local -n list_=$var
        list_+=("$3")
        ;;
    *) printf -v "$var" '%s' "$3" ;;
    esac
}

# opts_forward ARRAY LONG...: appends the given options among LONG to ARRAY
# as another program takes them: --LONG VALUE for a string or an int, once per
# value for a list, --LONG for a bool set to true.
opts_forward() {
    local -n out_=$1
    local long var
    shift
    for long in "$@"; do
        var=OPT_${long//-/_}
        [ -n "${OPT_GIVEN[$long]:-}" ] || continue
        case "${OPT_TYPE_[$long]}" in
        bool) [ "${!var}" = 0 ] || out_+=("--$long") ;;
        list)
            local -n vals_=$var
            local v
            for v in "${vals_[@]}"; do out_+=("--$long" "$v"); done
            unset -n vals_
            ;;
        *) out_+=("--$long" "${!var}") ;;
        esac
    done
}

# "-d, --detach" or "--rm", as docker names a flag in its messages.
opts_flag_name() {
    local s
    for s in "${!OPT_SHORT_[@]}"; do
        [ "${OPT_SHORT_[$s]}" != "$1" ] || { echo "-$s, --$1"; return 0; }
    done
    echo "--$1"
}

# A bad option: docker's message, its usage line, exit 125.
opts_fail() {
    printf '%s\n\nUsage:  keel-docker %s%s\n\nRun '\''keel-docker %s --help'\'' for more information\n' \
        "$1" "$CMD" "${USAGE:+ $USAGE}" "$CMD" >&2
    exit 125
}

# The wrong number of operands: docker says so with its usage line and exits 1.
# opts_nargs min|exact|max N, opts_nargs range MIN MAX, opts_nargs none
opts_nargs() {
    local n=${#ARGS[@]} what word=See
    case "$1" in
    min) [ "$n" -lt "$2" ] || return 0; what="requires at least $2 argument" ;;
    exact) [ "$n" -ne "$2" ] || return 0; what="requires $2 argument" word=Run ;;
    max) [ "$n" -gt "$2" ] || return 0; what="requires at most $2 argument" word=Run ;;
    range)
        [ "$n" -lt "$2" ] || [ "$n" -gt "$3" ] || return 0
        what="requires at least $2 and at most $3 argument" word=Run
        set -- "$1" "$3"
        ;;
    none) [ "$n" -ne 0 ] || return 0; what="accepts no arguments" word=Run ;;
    esac
    [ "$1" = none ] || [ "$2" = 1 ] || what=${what}s
    printf "keel-docker: 'keel-docker %s' %s\n\nUsage:  keel-docker %s%s\n\n%s 'keel-docker %s --help' for more information\n" \
        "$CMD" "$what" "$CMD" "${USAGE:+ $USAGE}" "$word" "$CMD" >&2
    exit 1
}

# --help: docker's usage line, the description and the options table.
opts_help() {
    local row short long type help left width=0 i
    local -a lefts=() helps=()
    for row in "${OPTS[@]}"; do
        short=${row%%|*} row=${row#*|}
        long=${row%%|*} row=${row#*|}
        type=${row%%|*} help=${row#*|}
        case "$type" in =*) continue ;; esac
        if [ -n "$short" ]; then left="  -$short, --$long"; else left="      --$long"; fi
        [ "$type" = bool ] || left+=" $type"
        lefts+=("$left") helps+=("$help")
        [ "${#left}" -le "$width" ] || width=${#left}
    done
    printf 'Usage:  keel-docker %s%s\n\n%s\n' "$CMD" "${USAGE:+ $USAGE}" "$ABOUT"
    if [ -n "${ALIASES:-}" ]; then
        local a names out=''
        IFS=, read -ra names <<<"$ALIASES"
        for a in "${names[@]}"; do out+="${out:+, }keel-docker ${a# }"; done
        printf '\nAliases:\n  %s\n' "$out"
    fi
    [ "${#lefts[@]}" -eq 0 ] || printf '\nOptions:\n'
    # pflag's wrapping for an 80-column terminal: the descriptions' column is
    # 71 - width wide (a line may run 5 over rather than leave a short last one)
    local wrap=$((71 - width)) text cut line
    for i in "${!lefts[@]}"; do
        text=${helps[i]} line=${lefts[i]}
        while [ $((wrap + 5)) -le "${#text}" ]; do
            cut=${text:0:wrap}
            cut=${cut% *}
            # no space to break at: the line stays whole
            if [ "$cut" = "${text:0:wrap}" ] || [ -z "$cut" ]; then break; fi
            printf '%-*s   %s\n' "$width" "$line" "$cut"
            text=${text:${#cut}+1} line=''
        done
        printf '%-*s   %s\n' "$width" "$line" "$text"
    done
}
