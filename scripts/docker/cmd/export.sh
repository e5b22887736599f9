# shellcheck shell=bash
# keel-docker export: a container's filesystem (its rootfs as the container
# sees it, without the mounts the runtime adds) as a tar stream.
kd_lib record

USAGE='[OPTIONS] CONTAINER'
ABOUT="Export a container's filesystem as a tar archive"
ALIASES='container export, export'
OPTS=('o|output|string|Write to a file, instead of STDOUT')

cmd_export() {
    opts_parse 1 "$@"
    opts_nargs exact 1
    local id root
    id=$(resolve_container "${ARGS[0]}") || exit 1
    root=$CONTAINERS/$id/bundle/rootfs
    [ -d "$root" ] || fail "Error response: container $id has no filesystem"
    if [ -z "$OPT_output" ]; then
        [ ! -t 1 ] || fail "cowardly refusing to save to a terminal. Use the -o flag or redirect"
        rootfs_tar "$root"
        return 0
    fi
    # written beside the file and renamed: no half archive under its name
    local tmp="$OPT_output.tmp.$$"
    rootfs_tar "$root" >"$tmp" || { rm -f "$tmp"; fail "failed to export container $id"; }
    mv -f "$tmp" "$OPT_output"
}

# rootfs_tar DIR: DIR's entries at the archive's top (no ./ prefix), owners numeric.
rootfs_tar() {
    local -a top=()
    (
        cd "$1" || exit 1
        top=(* .[!.]* ..?*)
        [ "${#top[@]}" -gt 0 ] || top=(.)
        tar --numeric-owner --format=gnu -cf - -- "${top[@]}"
    )
}
