# shellcheck shell=bash
# Whether a container's command can run, checked in its root filesystem
# before the runtime is asked, so that run and exec fail as docker's do: 127
# for a command that is not there, 126 for one that cannot be executed.

# check_command ROOTFS CMD PATH WHAT: WHAT prefixes the message ("failed to
# create task", "exec failed").
check_command() {
    local rootfs=$1 cmd=$2 path=$3 what=$4 d f=''
    if [[ "$cmd" == */* ]]; then
        f=$rootfs/$cmd
        [ -e "$f" ] || [ -L "$f" ] || {
            complain "Error response: $what: exec: \"$cmd\": stat $cmd: no such file or directory"
            exit 127
        }
    else
        local IFS=:
        for d in $path; do
            if [ -e "$rootfs/$d/$cmd" ] || [ -L "$rootfs/$d/$cmd" ]; then
                f=$rootfs/$d/$cmd
                break
            fi
        done
        [ -n "$f" ] || {
            complain "Error response: $what: exec: \"$cmd\": executable file not found in \$PATH"
            exit 127
        }
    fi
    # a symbolic link may point anywhere in the container's tree; the runtime judges it
    if [ ! -L "$f" ] && { [ -d "$f" ] || [ ! -x "$f" ]; }; then
        complain "Error response: $what: exec: \"$cmd\": permission denied"
        exit 126
    fi
    return 0
}

# read_env_file FILE: its K=V lines (not blank, not comments) appended to envs
# (the caller's array), as docker's --env-file reads them.
read_env_file() {
    local line
    [ -r "$1" ] || die "open $1: no such file or directory"
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in '' | '#'*) continue ;; esac
        envs+=("$line")
    done <"$1"
}
