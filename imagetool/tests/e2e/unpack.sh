#!/bin/bash
# End-to-end test of keel-image's unpack, bundle, unbundle, load and save (as
# root): an image built with umoci from busybox-static plus a layer with a
# whiteout and an opaque directory, loaded as an OCI archive and as a
# docker-archive, compared with umoci unpack, run under runc.
set -eu

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
KEEL_IMAGE=${KEEL_IMAGE:-$TOP/bin/keel-image}
KEEL=${KEEL:-$TOP/bin/keel}
WORK=$(mktemp -d /tmp/keel-image-unpack-e2e-XXXXXX)
ROOT=$WORK/store
ID=image-unpack-$$
failures=0
tests=0

cleanup() {
    runc delete -f "$ID-1" >/dev/null 2>&1 || true
    runc delete -f "$ID-2" >/dev/null 2>&1 || true
    "$KEEL" --root "$WORK/keel-state" delete -f "$ID-3" >/dev/null 2>&1 || true
    grep -o "${WORK}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() {
    tests=$((tests + 1))
    echo "ok $tests - $1"
}
not_ok() {
    tests=$((tests + 1))
    failures=$((failures + 1))
    echo "not ok $tests - $1"
}
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}

ki() {
    "$KEEL_IMAGE" --root "$ROOT" "$@"
}

# diff -r without the special files it cannot compare (listing covers them)
same_tree() {
    diff -r -x fifo -x null "$1" "$2"
}

# ls -lR-like listing with ownership, modes, sizes, link targets, device
# numbers and file mtimes (directories' too), for comparing two trees.
listing() {
    (cd "$1" && find . -mindepth 1 -printf '%p %y %m %U:%G %s %l %T@\n' -o -true | sort)
    (cd "$1" && find . -mindepth 1 \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + | sort)
}

build_image() {
    cd "$WORK"
    umoci init --layout oci
    umoci new --image oci:e2e
    umoci unpack --image oci:e2e b1 >/dev/null
    local r=b1/rootfs
    mkdir -p "$r/bin" "$r/etc" "$r/opq/sub" "$r/data" "$r/dev" "$r/home/alice"
    cp /bin/busybox "$r/bin/"
    for t in sh echo cat ls id touch; do ln -s busybox "$r/bin/$t"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >"$r/etc/passwd"
    printf 'root:x:0:\nalice:x:1000:\nstaff:x:50:alice\nwheel:x:10:alice\n' >"$r/etc/group"
    echo old >"$r/opq/old"
    echo subold >"$r/opq/sub/f"
    echo gone >"$r/data/gone"
    echo keep >"$r/data/keep"
    chown 1000:50 "$r/data/keep"
    chmod 4755 "$r/data/keep"
    ln "$r/data/keep" "$r/data/hardlink"
    mknod "$r/dev/null" c 1 3
    mkfifo "$r/data/fifo"
    python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.keel", b"e2e")' "$r/data/keep"
    umoci repack --image oci:e2e b1 >/dev/null
    # shellcheck disable=SC2016 # expanded by the container's shell
    umoci config --image oci:e2e --config.user=alice \
        --config.cmd=/bin/sh --config.cmd=-c \
        --config.cmd='id; cat /data/keep; ls /opq; ls /data; pwd; echo $FOO $HOME' \
        --config.env=FOO=bar --config.workingdir=/data \
        --config.exposedports=80/tcp --config.label=org.example=yes
    python3 - <<'PY'
import io, tarfile
with tarfile.open('l2.tar', 'w', format=tarfile.PAX_FORMAT) as t:
    def add(name, data=None, mode=0o644):
        ti = tarfile.TarInfo(name)
        ti.mtime = 1700000000
        if data is None:
            ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            t.addfile(ti)
        else:
            ti.size, ti.mode = len(data), mode
            t.addfile(ti, io.BytesIO(data))
    add('data')
    add('data/.wh.gone', b'')
    add('opq')
    add('opq/.wh..wh..opq', b'')
    add('opq/new', b'new\n')
PY
    umoci raw add-layer --image oci:e2e l2.tar
    umoci unpack --image oci:e2e umoci-bundle >/dev/null
    tar -C oci -cf oci.tar .
    skopeo copy -q oci:oci:e2e docker-archive:docker.tar:keeltest/e2e:docker
}

build_image >/dev/null

# --- load ---------------------------------------------------------------
check "load an OCI archive" sh -c "'$KEEL_IMAGE' --root '$ROOT' load -i '$WORK/oci.tar' >/dev/null"
check "load a docker-archive from stdin" sh -c "'$KEEL_IMAGE' --root '$ROOT' load <'$WORK/docker.tar' | grep -q 'Loaded image: docker.io/keeltest/e2e:docker'"
check "skopeo reads the store" sh -c "skopeo inspect 'oci:$ROOT/oci:docker.io/keeltest/e2e:docker' >/dev/null"

# --- unpack -------------------------------------------------------------
check "unpack" ki unpack e2e "$WORK/flat"
check "unpack equals umoci unpack (diff -r)" same_tree "$WORK/umoci-bundle/rootfs" "$WORK/flat"
check "unpack equals umoci unpack (owners, modes, devices, mtimes)" \
    diff <(listing "$WORK/umoci-bundle/rootfs") <(listing "$WORK/flat")
# unpack_same STORE REF DIR: unpacks REF from STORE into DIR, equal to flat/
unpack_same() {
    "$KEEL_IMAGE" --root "$1" unpack "$2" "$3" && same_tree "$WORK/flat" "$3"
}
check "the docker-archive unpacks the same" unpack_same "$ROOT" keeltest/e2e:docker "$WORK/flat2"
check "unpack into a non-empty directory is refused" sh -c "! '$KEEL_IMAGE' --root '$ROOT' unpack e2e '$WORK/flat' 2>/dev/null"
check "unpack leaves the layer store alone" test "$(find "$ROOT/layers/sha256" -mindepth 1 -maxdepth 1 | wc -l)" = 0

# --- bundle -------------------------------------------------------------
B1=$WORK/bundle1
B2=$WORK/bundle2
check "bundle" ki bundle e2e "$B1"
check "bundle's rootfs is an overlay" grep -q " $B1/rootfs .* overlay " /proc/self/mountinfo
check "each layer unpacked once into the store" test "$(find "$ROOT/layers/sha256" -mindepth 1 -maxdepth 1 | wc -l)" = 2
check "overlay whiteout in the store layer" sh -c "find '$ROOT/layers/sha256' -path '*/data/gone' -type c | grep -q ."
has_opaque_layer() {
    local d
    for d in "$ROOT"/layers/sha256/*/opq; do
        python3 -c 'import os, sys; sys.exit(os.getxattr(sys.argv[1], "trusted.overlay.opaque") != b"y")' "$d" 2>/dev/null && return 0
    done
    return 1
}
check "overlay opaque xattr in the store layer" has_opaque_layer
check "bundle rootfs equals unpack (diff -r)" same_tree "$WORK/flat" "$B1/rootfs"
check "bundle rootfs equals unpack (owners, modes, devices)" \
    diff <(listing "$WORK/flat" | cut -d' ' -f1-6) <(listing "$B1/rootfs" | cut -d' ' -f1-6)
check "xattrs restored" python3 -c 'import os, sys; sys.exit(os.getxattr(sys.argv[1], "user.keel") != b"e2e")' "$WORK/flat/data/keep"
out=$(cd "$B1" && runc run "$ID-1" </dev/null 2>&1) || true
check "runc runs the bundle as alice with her groups" grep -q 'uid=1000(alice) gid=1000(alice) groups=10(wheel),50(staff)' <<<"$out"
check "the container sees the layers merged" grep -q '^new$' <<<"$out"
check "whiteout hides data/gone" sh -c "! grep -q '^gone$' <<'X'
$out
X"
check "cwd, env and HOME from the image" grep -q '^bar /home/alice$' <<<"$out"
check "config.json annotations" sh -c "grep -q '\"org.opencontainers.image.exposedPorts\": \"80/tcp\"' '$B1/config.json' && grep -q '\"org.example\": \"yes\"' '$B1/config.json'"
if [ -x "$KEEL" ]; then
    out=$(cd "$B1" && "$KEEL" --root "$WORK/keel-state" run "$ID-3" </dev/null 2>&1) || true
    check "keel runs the bundle too" grep -q 'uid=1000(alice) gid=1000(alice) groups=10(wheel),50(staff)' <<<"$out"
fi
check "second bundle" ki bundle e2e "$B2"
echo written >"$B1/rootfs/data/mine"
check "a write in one bundle is invisible to the other" test ! -e "$B2/rootfs/data/mine"
check "and lands in its own upper dir" test -e "$B1/upper/data/mine"
check "and not in the shared layers" sh -c "! find '$ROOT/layers' -name mine | grep -q ."
check "rm refuses an image a bundle uses" sh -c "! '$KEEL_IMAGE' --root '$ROOT' rm e2e 2>/dev/null"
check "unbundle" ki unbundle "$B1"
check "unbundle leaves no mount" sh -c "! grep -q ' $B1/rootfs ' /proc/self/mountinfo"
check "unbundle removes the directory" test ! -e "$B1"
check "the other bundle still works" test -e "$B2/rootfs/bin/busybox"
check "unbundle the second" ki unbundle "$B2"
check "bundle --copy" ki bundle --copy e2e "$WORK/copy"
out=$(cd "$WORK/copy" && runc run "$ID-2" </dev/null 2>&1) || true
check "runc runs the copied bundle" grep -q '^keep$' <<<"$out"
check "a copy bundle is not a mount" sh -c "! grep -q ' $WORK/copy/rootfs ' /proc/self/mountinfo"
check "unbundle the copy" ki unbundle "$WORK/copy"

# --- two bundles at once on a fresh store: each layer made once, both work --
"$KEEL_IMAGE" --root "$WORK/store3" load -i "$WORK/oci.tar" >/dev/null
"$KEEL_IMAGE" --root "$WORK/store3" bundle e2e "$WORK/par1" & p1=$!
"$KEEL_IMAGE" --root "$WORK/store3" bundle e2e "$WORK/par2" & p2=$!
check "concurrent bundles both succeed" wait "$p1" "$p2"
check "and both see the image" test -x "$WORK/par1/rootfs/bin/busybox" -a -x "$WORK/par2/rootfs/bin/busybox"
check "with one copy of each layer" test "$(find "$WORK/store3/layers/sha256" -mindepth 1 -maxdepth 1 | wc -l)" = 2
check "and nothing left in tmp" test -z "$(ls -A "$WORK/store3/tmp")"
"$KEEL_IMAGE" --root "$WORK/store3" unbundle "$WORK/par1" && "$KEEL_IMAGE" --root "$WORK/store3" unbundle "$WORK/par2"

# --- many layers: more than mount(2)'s one page of overlay options -------
many_layers() {
    cd "$WORK"
    umoci new --image oci:many
    local i
    for i in $(seq 1 60); do
        python3 - "$i" <<'PY'
import io, sys, tarfile
i = int(sys.argv[1])
with tarfile.open('many.tar', 'w', format=tarfile.PAX_FORMAT) as t:
    def add(name, data):
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode, ti.mtime = len(data), 0o644, 1700000000
        t.addfile(ti, io.BytesIO(data))
    add('layer%d' % i, b'%d\n' % i)
    if i == 60:
        add('.wh.layer1', b'')
PY
        umoci raw add-layer --image oci:many many.tar
    done
    umoci config --image oci:many --config.cmd=/layer60
    rm -rf many-oci.tar && tar -C oci -cf many-oci.tar .
}
many_layers >/dev/null
"$KEEL_IMAGE" --root "$WORK/store3" load -i "$WORK/many-oci.tar" >/dev/null
check "a 60-layer image bundles" "$KEEL_IMAGE" --root "$WORK/store3" bundle many "$WORK/many"
check "its top and bottom layers are both there" test -e "$WORK/many/rootfs/layer60" -a -e "$WORK/many/rootfs/layer2"
check "and the top layer's whiteout hides the bottom one's file" test ! -e "$WORK/many/rootfs/layer1"
check "unbundle the 60-layer bundle" "$KEEL_IMAGE" --root "$WORK/store3" unbundle "$WORK/many"

# --- a later layer writing through a lower layer's symlink ----------------
# (lib -> usr/lib, then lib/new; and a chain of 100 links, past the kernel's
# 40): unpack and bundle give the same tree, or the same error.
through_links() {
    cd "$WORK"
    python3 <<'PY'
import io, tarfile
def add(t, name, kind, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname, ti.mtime = kind, link, 1700000000
    ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open('links1.tar', 'w', format=tarfile.PAX_FORMAT) as t:
    add(t, 'usr', tarfile.DIRTYPE)
    add(t, 'usr/lib', tarfile.DIRTYPE)
    add(t, 'usr/lib/old', tarfile.REGTYPE, b'old\n')
    add(t, 'lib', tarfile.SYMTYPE, link='usr/lib')
    add(t, 'd', tarfile.DIRTYPE)
    for i in range(1, 101):
        add(t, 'l%d' % i, tarfile.SYMTYPE, link='l%d' % (i + 1) if i < 100 else 'd')
with tarfile.open('links2.tar', 'w', format=tarfile.PAX_FORMAT) as t:
    add(t, 'lib/new', tarfile.REGTYPE, b'new\n')
with tarfile.open('links3.tar', 'w', format=tarfile.PAX_FORMAT) as t:
    add(t, 'l1/f', tarfile.REGTYPE, b'far\n')
PY
    umoci new --image oci:lib
    umoci raw add-layer --image oci:lib links1.tar
    umoci raw add-layer --image oci:lib links2.tar
    umoci config --image oci:lib --config.cmd=/x
    umoci new --image oci:chain
    umoci raw add-layer --image oci:chain links1.tar
    umoci raw add-layer --image oci:chain links3.tar
    umoci config --image oci:chain --config.cmd=/x
    rm -rf links-oci.tar && tar -C oci -cf links-oci.tar .
}
through_links >/dev/null
"$KEEL_IMAGE" --root "$WORK/store3" load -i "$WORK/links-oci.tar" >/dev/null
"$KEEL_IMAGE" --root "$WORK/store3" unpack lib "$WORK/lib-flat"
check "a file written through a lower layer's symlink: bundle makes unpack's tree" \
    "$KEEL_IMAGE" --root "$WORK/store3" bundle lib "$WORK/lib-bundle"
# (the times of usr/lib, written to while unpacking, are each run's own)
shape() { (cd "$1" && find . -mindepth 1 -printf '%p %y %m %U:%G %s %l\n' | sort); }
check "the same tree (lib stays a link, usr/lib has both files)" \
    diff <(shape "$WORK/lib-flat") <(shape "$WORK/lib-bundle/rootfs")
check "unbundle it" "$KEEL_IMAGE" --root "$WORK/store3" unbundle "$WORK/lib-bundle"
flat_err=$("$KEEL_IMAGE" --root "$WORK/store3" unpack chain "$WORK/chain-flat" 2>&1) || true
bundle_err=$("$KEEL_IMAGE" --root "$WORK/store3" bundle chain "$WORK/chain-bundle" 2>&1) || true
check "through a chain of 100 links: unpack and bundle both fail with ELOOP" \
    sh -c "case '$flat_err|$bundle_err' in *'entry l1/f: open l1 in the target: Too many levels of symbolic links'*'|'*'entry l1/f: open l1 in the target: Too many levels of symbolic links'*) true ;; *) false ;; esac"
check "and the failed bundle leaves nothing" test ! -e "$WORK/chain-bundle"

# --- save / load round trip ----------------------------------------------
check "save" ki save -o "$WORK/saved.tar" e2e keeltest/e2e:docker
check "skopeo inspect docker-archive reads the saved file" sh -c "skopeo inspect 'docker-archive:$WORK/saved.tar:docker.io/library/e2e:latest' >/dev/null"
check "skopeo copies the saved file to an OCI layout" skopeo copy -q docker-archive:"$WORK/saved.tar:docker.io/keeltest/e2e:docker" oci:"$WORK/copied:x"
check "load the saved file into a fresh store" sh -c "'$KEEL_IMAGE' --root '$WORK/store2' load -i '$WORK/saved.tar' >/dev/null"
digest_of() {
    grep -o "\"digest\":\"[^\"]*\",\"size\":[0-9]*,\"annotations\":{\"org.opencontainers.image.ref.name\":\"$2\"" "$1/oci/index.json" | cut -d'"' -f4
}
d1=$(digest_of "$ROOT" docker.io/library/e2e:latest)
d2=$(digest_of "$WORK/store2" docker.io/library/e2e:latest)
check "round trip keeps the manifest digest ($d1)" test -n "$d1" -a "$d1" = "$d2"
check "unpack after the round trip" unpack_same "$WORK/store2" e2e "$WORK/flat3"

echo "1..$tests"
[ "$failures" -eq 0 ]
