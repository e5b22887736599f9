# shellcheck shell=bash
# keel-docker tag: keel-image tag; the source is any image argument docker takes.
kd_lib image

USAGE='SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]'
ABOUT='Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
ALIASES='image tag, tag'
OPTS=()

cmd_tag() {
    opts_parse 1 "$@"
    opts_nargs exact 2
    local name
    if ! image_resolve "${ARGS[0]}"; then
        with_tag name "${ARGS[0]}"
        complain "Error response: No such image: $name"
        exit 1
    fi
    images tag "$IMG_REF" "${ARGS[1]}"
}
