# shellcheck shell=bash
# keel-docker tag: keel-image tag.

USAGE='SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]'
ABOUT='Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
ALIASES='image tag, tag'
OPTS=()

cmd_tag() {
    opts_parse 1 "$@"
    opts_nargs exact 2
    images tag "${ARGS[@]}"
}
