# shellcheck shell=bash
# keel-docker build: keel-image build (docker build's flags; the image ID on
# stdout with -q, exit 1 on a failed step).

cmd_build() {
    local -a a=()
    while [ $# -gt 0 ]; do
        case "$1" in
        -t | --tag | -f | --file | --build-arg | --target | --network | --label | --progress | --iidfile)
            [ $# -ge 2 ] || die "flag needs an argument: $1"
            a+=("$1" "$2")
            shift
            ;;
        --tag=* | --file=* | --build-arg=* | --target=* | --network=* | --label=* | --progress=* | --iidfile=*)
            a+=("${1%%=*}" "${1#*=}") ;;
        -q | --quiet | --no-cache | --pull) a+=("$1") ;;
        # the classic builder's container cleanup flags: there is no container to keep
        --rm | --rm=true | --force-rm | --force-rm=true) ;;
        -h | --help)
            echo "Usage:  keel-docker build [OPTIONS] PATH | -"
            return 0
            ;;
        -?*) die "unknown flag: $1" ;;
        *) a+=("$1") ;;
        esac
        shift
    done
    images build "${a[@]}" || exit 1
}
