#!/usr/bin/env bash
# cond && ok || not_ok is meant (ok never fails); OPT_* are set by the parser by name;
# each case runs the parser in a subshell of its own, its variables meant to stay there.
# shellcheck disable=SC2015,SC2154,SC2030,SC2031
# Unit tests of keel-docker's option parser (scripts/docker/lib/options.sh):
# docker's forms, messages and exit statuses, with no container and no root.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

# parse ARGS...: opts_parse on run's table in a subshell; prints what it set,
# or its message and status.
parse() {
    (
        set -eu
        CMD=run
        # shellcheck source=scripts/docker/lib/options.sh
        . scripts/docker/lib/options.sh
        USAGE='[OPTIONS] IMAGE [COMMAND] [ARG...]'
        ABOUT='Create and run a new container from an image'
        ALIASES='container run, run'
        OPTS=('d|detach|bool|Run in the background' 'i|interactive|bool|Keep STDIN open'
            't|tty|bool|Allocate a pseudo-TTY' '|rm|bool|Remove when it exits'
            'e|env|list|Set environment variables' 'p|publish|list|Publish a port'
            '|name|string|Assign a name to the container, which every other command takes in place of its ID' 'h|hostname|string|Host name' '|network|network|Network'
            '|net|=network|' '|stop-timeout|int|Timeout')
        opts_parse "${INTERSPERSED:-0}" "$@"
        echo "d=$OPT_detach i=$OPT_interactive t=$OPT_tty rm=$OPT_rm name=$OPT_name h=$OPT_hostname" \
            "net=$OPT_network st=$OPT_stop_timeout e=${OPT_env[*]:-} p=${OPT_publish[*]:-} args=${ARGS[*]:-}"
    ) 2>&1
}

expect_eq "combined shorts" "d=1 i=1 t=1 rm=0 name= h= net= st= e= p= args=img" "$(parse -itd img)"
expect_eq "combined shorts ending with a value flag" "d=1 i=0 t=0 rm=0 name= h= net= st= e= p=80:80 args=img" \
    "$(parse -dp 80:80 img)"
expect_eq "a value glued to a short flag, and -e=V" "d=0 i=0 t=0 rm=0 name= h= net= st= e=K=V A=1 p= args=img" \
    "$(parse -eK=V -e=A=1 img)"
expect_eq "--x=v and --x v" "d=0 i=0 t=0 rm=0 name=a h=b net= st= e= p= args=img" "$(parse --name=a --hostname b img)"
expect_eq "--rm=true, --rm=false, -d=false" "d=0 i=0 t=0 rm=0 name= h= net= st= e= p= args=img" \
    "$(parse --rm=true --rm=false -d=false img)"
expect_eq "a hidden second name (--net)" "d=0 i=0 t=0 rm=0 name= h= net=none st= e= p= args=img" "$(parse --net none img)"
expect_eq "operands end the options of run" "d=0 i=0 t=0 rm=0 name= h= net= st= e= p= args=img sh -d --rm" \
    "$(parse img sh -d --rm)"
expect_eq "-- ends them" "d=1 i=0 t=0 rm=0 name= h= net= st= e= p= args=-x" "$(parse -d -- -x)"
expect_eq "interspersed commands take flags after operands" "d=1 i=0 t=0 rm=0 name= h= net= st= e= p= args=a b" \
    "$(INTERSPERSED=1 parse a -d b)"
out=$(parse -p)
expect_eq "a missing value: docker's message" "flag needs an argument: 'p' in -p" "$(head -n1 <<<"$out")"
expect_eq "a missing value: the usage line" "Usage:  keel-docker run [OPTIONS] IMAGE [COMMAND] [ARG...]" "$(sed -n 3p <<<"$out")"
expect_eq "a missing value exits 125" 125 "$(parse -p >/dev/null; echo $?)"
expect_eq "a missing long value" "flag needs an argument: --name" "$(parse --name | head -n1)"
expect_eq "an unknown flag" "unknown flag: --bogus" "$(parse --bogus img | head -n1)"
expect_eq "an unknown short flag in a cluster" "unknown shorthand flag: 'x' in -x" "$(parse -dx img | head -n1)"
expect_eq "a bad boolean" 'invalid argument "maybe" for "-d, --detach" flag: strconv.ParseBool: parsing "maybe": invalid syntax' \
    "$(parse -d=maybe img | head -n1)"
expect_eq "a bad integer" 'invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax' \
    "$(parse --stop-timeout x img | head -n1)"
out=$(parse --help)
expect_eq "--help starts with docker's usage line" "Usage:  keel-docker run [OPTIONS] IMAGE [COMMAND] [ARG...]" "$(head -n1 <<<"$out")"
grep -q '^  -p, --publish list       Publish a port$' <<<"$out" && ok "--help lists the options as docker does" ||
    not_ok "--help options" "$out"
expect_eq "--help shows docker's other names" "  keel-docker container run, keel-docker run" "$(sed -n 6p <<<"$out")"
expect_eq "--help wraps long descriptions as docker does" "      --name string        Assign a name to the container, which every
                           other command takes in place of its ID" "$(grep -A1 -- '--name' <<<"$out")"
grep -q -- '--net ' <<<"$out" && not_ok "--help hides second names" "$out" || ok "--help hides second names"
expect_eq "-h is an option where the command has one" "d=0 i=0 t=0 rm=0 name= h=box net= st= e= p= args=img" "$(parse -h box img)"


# nargs KIND N... -- OPERANDS...: opts_nargs on commit's usage; its message and status.
nargs() {
    (
        set -eu
        CMD=$1 USAGE=$2
        shift 2
        # shellcheck source=scripts/docker/lib/options.sh
        . scripts/docker/lib/options.sh
        local -a spec=()
        while [ "$1" != -- ]; do spec+=("$1"); shift; done
        shift
        ARGS=("$@")
        opts_nargs "${spec[@]}"
        echo fine
    ) 2>&1
}
expect_eq "at most N: docker's message" "keel-docker: 'keel-docker login' requires at most 1 argument" \
    "$(nargs login '[OPTIONS] [SERVER]' max 1 -- a b | head -n1)"
expect_eq "at most N: exit 1" 1 "$(nargs login '' max 1 -- a b >/dev/null; echo $?)"
expect_eq "at most N: fewer is fine" fine "$(nargs login '' max 1 --)"
expect_eq "a range: docker's message" "keel-docker: 'keel-docker commit' requires at least 1 and at most 2 arguments" \
    "$(nargs commit 'CONTAINER' range 1 2 -- | head -n1)"
expect_eq "a range: within it" "fine fine" "$(nargs commit x range 1 2 -- a) $(nargs commit x range 1 2 -- a b)"
expect_eq "a range: above it" 1 "$(nargs commit x range 1 2 -- a b c >/dev/null; echo $?)"
expect_eq "an empty USAGE: no space after the name" "Usage:  keel-docker builder prune" \
    "$(nargs 'builder prune' '' none -- x | sed -n 3p)"

# forward ARGS...: opts_forward of build-like options after parsing ARGS.
forward() {
    (
        set -eu
        CMD=build USAGE=PATH
        # shellcheck source=scripts/docker/lib/options.sh
        . scripts/docker/lib/options.sh
        OPTS=('t|tag|list|Tag' 'f|file|string|File' 'q|quiet|bool|Quiet' '|pull|bool|Pull' '|n|int|N')
        opts_parse 1 "$@"
        local -a a=()
        opts_forward a tag file quiet pull n
        printf '<%s>' "${a[@]}"
    ) 2>&1
}
expect_eq "opts_forward: each value of a list, strings, true bools" "<--tag><a b><--tag><c><--file><-><--quiet><--n><0>" \
    "$(forward -qt 'a b' --tag=c -f - --pull=false --n 0 ctx)"
expect_eq "opts_forward: nothing for options not given" "<>" "$(forward ctx)"

tap_finish
