# shellcheck shell=bash
# Images as docker names them: keel-image resolves an argument (a name,
# name:tag, name@digest, the ID or a unique prefix of it) in C; here are the
# familiar spellings and the containers that use an image.
kd_lib record state

# familiar VAR REF: REF as docker prints it (docker.io/library/busybox:latest
# is busybox:latest, docker.io/x/y is x/y).
familiar() {
    local _r=$2
    _r=${_r#docker.io/library/}
    _r=${_r#docker.io/}
    printf -v "$1" '%s' "$_r"
}

# with_tag VAR ARG: ARG as docker's "No such image" names it: a name without
# a tag or digest gets :latest.
with_tag() {
    local _a=$2
    case "${_a##*/}" in
    *:* | *@*) ;;
    *) _a=$_a:latest ;;
    esac
    printf -v "$1" '%s' "$_a"
}

# image_resolve ARG: sets IMG_ID (sha256:...), IMG_BY_ID (true when ARG was
# the ID or a prefix), IMG_REF (the reference named, or the first one) and
# IMG_REFS (every reference to the image); status 1 when there is none.
image_resolve() {
    local json
    json=$(images resolve "$1" 2>/dev/null) || return 1
    IMG_REFS=()
    { read -r IMG_ID; read -r IMG_BY_ID; read -r IMG_REF; mapfile -t IMG_REFS; } < <(
        jq -r '.id, .by_id, .reference, .references[]' <<<"$json")
}

# image_users ID: sets IMG_RUNNING and IMG_STOPPED to a container made from
# image ID that runs and one that does not ('' for none).
image_users() {
    local id image_id
    IMG_RUNNING='' IMG_STOPPED=''
    for id in $(all_ids); do
        record_get image_id "$id" image_id
        [ "$image_id" = "$1" ] || continue
        if container_is_up "$id"; then
            IMG_RUNNING=${IMG_RUNNING:-$id}
        else
            IMG_STOPPED=${IMG_STOPPED:-$id}
        fi
    done
}
