# shellcheck shell=bash
# docker's size syntax read into bytes: 512, 64k, 1.5g, 2GiB, 300MB (units
# b k m g t p, binary multiples, an optional i and b, any case; fractions
# rounded down as docker's RAMInBytes does).

# parse_bytes VAR SIZE: the bytes of SIZE into VAR, or docker's error (125).
parse_bytes() {
    local _v=${2,,} _int _frac='' _unit _mult=1 _scale=1
    [[ "$_v" =~ ^([0-9]+)(\.([0-9]+))?\ ?([kmgtp])?i?b?$ ]] || die "invalid size: '$2'"
    _int=${BASH_REMATCH[1]} _frac=${BASH_REMATCH[3]} _unit=${BASH_REMATCH[4]}
    case "$_unit" in
    k) _mult=1024 ;;
    m) _mult=$((1024 ** 2)) ;;
    g) _mult=$((1024 ** 3)) ;;
    t) _mult=$((1024 ** 4)) ;;
    p) _mult=$((1024 ** 5)) ;;
    esac
    _frac=${_frac:0:9}
    [ -z "$_frac" ] || _scale=$((10 ** ${#_frac}))
    printf -v "$1" '%d' $((10#$_int * _mult + 10#${_frac:-0} * _mult / _scale))
}
