# shellcheck shell=bash
# The management commands (system, container, image): docker's usage when no
# subcommand is given, else the subcommand's own file.

# group_run GROUP "ALIAS=FILE..." ARGS...: runs subcommand ARGS[0]: the
# function GROUP_SUB when the group defines one, else cmd/FILE.sh (FILE is the
# subcommand itself unless an alias maps it).
group_run() {
    local group=$1 aliases=$2 sub=${3:-} file
    shift 2
    case "$sub" in
    '' | --help | -h) opts_help; [ -n "$sub" ] || return 0; exit 0 ;;
    esac
    shift
    if declare -F "${group}_$sub" >/dev/null; then
        CMD="$CMD $sub"
        "${group}_$sub" "$@"
        return 0
    fi
    file=$sub
    local a
    for a in $aliases; do
        [ "${a%%=*}" != "$sub" ] || file=${a#*=}
    done
    case "$file" in
    '' | *[!a-z_-]* | -*) group_unknown "$sub" ;;
    esac
    [ -r "$KD_LIB/cmd/$file.sh" ] || group_unknown "$sub"
    CMD="$CMD $sub"
    # shellcheck source=/dev/null
    . "$KD_LIB/cmd/$file.sh"
    "cmd_${file//-/_}" "$@"
}

group_unknown() {
    printf "keel-docker: unknown command: keel-docker %s %s\n\nUsage:  keel-docker %s\n\nRun 'keel-docker %s --help' for more information\n" \
        "$CMD" "$1" "$CMD" "$CMD" >&2
    exit 1
}
