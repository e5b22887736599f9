# shellcheck shell=bash
# Shared by runtime/tests/e2e/*.t: keel on this run's state root, busybox
# bundles, waiting for a file. The sourcing script sets KEEL and ROOT.

keel() {
    "$KEEL" --root "$ROOT" "$@"
}

# Force-deletes every container under this run's ROOT.
delete_all_containers() {
    local id
    for id in $("$KEEL" --root "$ROOT" list -q 2>/dev/null); do
        "$KEEL" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
    done
}

# busybox_bundle DIR [PYTHON-EDIT [ARG...]]: a bundle from `keel spec` with the
# host's busybox, process `sleep 1000` without a terminal; the edit (python on
# the config `c`, with the ARGs as `argv`) goes last.
busybox_bundle() {
    local dir=$1 edit=${2:-} applet
    shift $(($# < 2 ? $# : 2))
    mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" "$dir/rootfs/etc" "$dir/rootfs/proc" \
        "$dir/rootfs/dev" "$dir/rootfs/sys"
    cp /bin/busybox "$dir/rootfs/bin/"
    for applet in sh sleep hostname echo cat mkdir id pwd grep true ls readlink test stty tty read; do
        ln -sf busybox "$dir/rootfs/bin/$applet"
    done
    (cd "$dir" && "$KEEL" spec)
    python3 - "$dir/config.json" "$edit" "$@" <<'EOF'
import json, sys
path, edit, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(path))
c["process"]["args"] = ["sleep", "1000"]
c["process"]["terminal"] = False
exec(edit)
json.dump(c, open(path, "w"))
EOF
}

# wait_for FILE: up to 10 s.
wait_for() {
    for _ in $(seq 100); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
