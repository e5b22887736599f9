# shellcheck shell=bash
# keel-docker save: keel-image save.

USAGE='[OPTIONS] IMAGE [IMAGE...]'
ABOUT='Save one or more images to a tar archive (streamed to STDOUT by default)'
ALIASES='image save, save'
OPTS=(
    'o|output|string|Write to a file, instead of STDOUT'
)

cmd_save() {
    opts_parse 1 "$@"
    opts_nargs min 1
    local -a f=()
    [ -z "$OPT_output" ] || f+=(-o "$OPT_output")
    images save "${f[@]}" "${ARGS[@]}"
}
