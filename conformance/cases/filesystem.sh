# Root, mounts, /dev, masked and read-only paths, sysctl: config.md#root, #mounts and
# config-linux.md's filesystem sections, runtime-linux.md's /dev symlinks.
# shellcheck shell=bash disable=SC2016

# addmount JSON: append a mount entry to $B's config.
addmount() {
    cfg --argjson m "$1" '.mounts += [$m]'
}

# mnt_opts PATH: "<per-mount options> <super options>" of PATH in the container's mountinfo.
MNTOPTS='mnt_opts() { awk -v m="$1" '\''$5 == m { for (i = 7; $i != "-"; i++); print $6, $(i + 3) }'\'' /proc/self/mountinfo | tail -n 1; }'

tcase root_readonly 'config.md#root' 'root.readonly true makes the root filesystem read-only'
c_root_readonly() {
    mkbundle sh -c 'if touch /x 2>/dev/null; then echo writable; else echo readonly; fi'
    cfg '.root.readonly = true'
    newid
    runok
    eq "$OUT" readonly "root"
}

tcase root_writable 'config.md#root' 'root.readonly false leaves the root filesystem writable'
c_root_writable() {
    mkbundle sh -c 'touch /x && echo writable'
    newid
    runok
    eq "$OUT" writable root
    [ -e "$B/rootfs/x" ] || fail "write did not reach the rootfs"
}

tcase root_is_bundle_rootfs 'config.md#root' 'the container sees root.path as its /'
c_root_is_bundle_rootfs() {
    mkbundle cat /marker
    echo inside >"$B/rootfs/marker"
    newid
    runok
    eq "$OUT" inside content
}

tcase mount_default_fs 'config-linux.md#default-filesystems' '/proc, /sys, /dev/pts, /dev/shm and /dev/mqueue are available with their types'
c_mount_default_fs() {
    mkbundle sh -c 'awk '\''{ print $5, $(NF - 2) }'\'' /proc/self/mountinfo'
    newid
    runok
    contains "$OUT" "/proc proc"
    contains "$OUT" "/sys sysfs"
    contains "$OUT" "/dev/pts devpts"
    contains "$OUT" "/dev/shm tmpfs"
    contains "$OUT" "/dev/mqueue mqueue"
}

tcase mount_order 'config.md#mounts' 'mounts are applied in the listed order (the later of two at one place is on top)'
c_mount_order() {
    mkbundle sh -c 'cat /m/which'
    mkdir -p "$CDIR/one" "$CDIR/two"
    echo one >"$CDIR/one/which"
    echo two >"$CDIR/two/which"
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/one\", \"options\": [\"bind\"]}"
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/two\", \"options\": [\"bind\"]}"
    newid
    runok
    eq "$OUT" two "top mount"
}

tcase mount_nested_order 'config.md#mounts' 'a mount inside an earlier mount lands on it'
c_mount_nested_order() {
    mkbundle sh -c 'cat /m/sub/f'
    mkdir -p "$CDIR/sub"
    echo nested >"$CDIR/sub/f"
    addmount '{"destination": "/m", "type": "tmpfs", "source": "tmpfs"}'
    addmount "{\"destination\": \"/m/sub\", \"type\": \"bind\", \"source\": \"$CDIR/sub\", \"options\": [\"rbind\"]}"
    newid
    runok
    eq "$OUT" nested content
}

tcase mount_tmpfs_size 'config.md#mounts' 'tmpfs data options (size, mode) are passed to the filesystem'
c_mount_tmpfs_size() {
    mkbundle sh -c 'df -k /t | tail -n 1 | awk "{ print \$2 }"; stat -c %a /t'
    addmount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["size=2m", "mode=710"]}'
    newid
    runok
    eq "$OUT" "2048
710" "size and mode"
}

# mount_flag OPTION FLAG: a tmpfs with OPTION shows FLAG in its mount options.
mount_flag() {
    mkbundle sh -c "$MNTOPTS; mnt_opts /t"
    addmount "{\"destination\": \"/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"$1\"]}"
    newid
    runok
    case ",${OUT// /,}," in
    *",$2,"*) ;;
    *) fail "options of /t: $OUT, want $2" ;;
    esac
}

tcase mount_opt_ro 'config.md#mounts' 'mount option ro'
c_mount_opt_ro() { mount_flag ro ro; }
tcase mount_opt_nosuid 'config.md#mounts' 'mount option nosuid'
c_mount_opt_nosuid() { mount_flag nosuid nosuid; }
tcase mount_opt_nodev 'config.md#mounts' 'mount option nodev'
c_mount_opt_nodev() { mount_flag nodev nodev; }
tcase mount_opt_noexec 'config.md#mounts' 'mount option noexec'
c_mount_opt_noexec() { mount_flag noexec noexec; }
tcase mount_opt_noatime 'config.md#mounts' 'mount option noatime'
c_mount_opt_noatime() { mount_flag noatime noatime; }
tcase mount_opt_nodiratime 'config.md#mounts' 'mount option nodiratime'
c_mount_opt_nodiratime() { mount_flag nodiratime nodiratime; }
tcase mount_opt_sync 'config.md#mounts' 'mount option sync'
c_mount_opt_sync() { mount_flag sync sync; }
tcase mount_opt_nosymfollow 'config.md#mounts' 'mount option nosymfollow (SHOULD)'
c_mount_opt_nosymfollow() { mount_flag nosymfollow nosymfollow; }

tcase mount_noexec_enforced 'config.md#mounts' 'a program on a noexec mount cannot run'
c_mount_noexec_enforced() {
    mkbundle sh -c 'cp /bin/busybox /t/bb && if /t/bb true 2>/dev/null; then echo ran; else echo refused; fi'
    addmount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["noexec"]}'
    newid
    runok
    eq "$OUT" refused exec
}

tcase mount_bind 'config.md#mounts' 'a bind mount shows the host directory, writes go through'
c_mount_bind() {
    mkbundle sh -c 'cat /h/in && echo out >/h/out'
    mkdir "$CDIR/host"
    echo in >"$CDIR/host/in"
    addmount "{\"destination\": \"/h\", \"type\": \"bind\", \"source\": \"$CDIR/host\", \"options\": [\"bind\"]}"
    newid
    runok
    eq "$OUT" in content
    eq "$(cat "$CDIR/host/out")" out "write to the host"
}

tcase mount_bind_file 'config.md#mounts' 'a file can be bind-mounted onto a file'
c_mount_bind_file() {
    mkbundle cat /etc/conf-file
    echo filebind >"$CDIR/file"
    addmount "{\"destination\": \"/etc/conf-file\", \"type\": \"none\", \"source\": \"$CDIR/file\", \"options\": [\"bind\"]}"
    newid
    runok
    eq "$OUT" filebind content
}

tcase mount_bind_ro 'config.md#mounts' 'a bind mount with ro is read-only'
c_mount_bind_ro() {
    mkbundle sh -c 'if touch /h/x 2>/dev/null; then echo writable; else echo readonly; fi'
    mkdir "$CDIR/host"
    addmount "{\"destination\": \"/h\", \"type\": \"bind\", \"source\": \"$CDIR/host\", \"options\": [\"bind\", \"ro\"]}"
    newid
    runok
    eq "$OUT" readonly "bind ro"
    [ ! -e "$CDIR/host/x" ] || fail "write reached the host"
}

tcase mount_rbind 'config.md#mounts' 'rbind carries submounts, bind does not'
c_mount_rbind() {
    mkbundle sh -c 'ls /r/sub; echo -; ls /b/sub'
    mkdir -p "$CDIR/host/sub"
    mount -t tmpfs sub "$CDIR/host/sub"
    echo 'umount -l "$CDIR/host/sub"' >>"$CDIR/cleanup"
    touch "$CDIR/host/sub/in-submount"
    addmount "{\"destination\": \"/r\", \"type\": \"bind\", \"source\": \"$CDIR/host\", \"options\": [\"rbind\"]}"
    addmount "{\"destination\": \"/b\", \"type\": \"bind\", \"source\": \"$CDIR/host\", \"options\": [\"bind\"]}"
    newid
    runok
    eq "$OUT" "in-submount
-" "listing"
}

# prop_source: $CDIR/shared, a shared mount on the host.
prop_source() {
    mkdir -p "$CDIR/shared"
    mount -t tmpfs shared "$CDIR/shared"
    mount --make-shared "$CDIR/shared"
}

tcase mount_prop_rslave 'config.md#mounts' 'bind propagation rslave: a host mount under the source appears in the container'
c_mount_prop_rslave() {
    prop_source
    mkdir "$CDIR/shared/late"
    mkbundle sh -c 'while [ ! -e /s/late/f ]; do busybox sleep 0.05; done; echo seen'
    addmount "{\"destination\": \"/s\", \"type\": \"bind\", \"source\": \"$CDIR/shared\", \"options\": [\"rbind\", \"rslave\"]}"
    newid
    startok
    mount -t tmpfs late "$CDIR/shared/late"
    touch "$CDIR/shared/late/f"
    wait_status stopped
    eq "$(cat "$CDIR/out.$ID")" seen "propagated mount"
}

tcase mount_prop_rprivate 'config.md#mounts' 'bind propagation rprivate: a later host mount under the source stays invisible'
c_mount_prop_rprivate() {
    prop_source
    mkdir "$CDIR/shared/late"
    mkbundle sh -c 'while [ ! -e /s/go ]; do busybox sleep 0.05; done; ls /s/late'
    addmount "{\"destination\": \"/s\", \"type\": \"bind\", \"source\": \"$CDIR/shared\", \"options\": [\"rbind\", \"rprivate\"]}"
    newid
    startok
    mount -t tmpfs late "$CDIR/shared/late"
    touch "$CDIR/shared/late/f"
    touch "$CDIR/shared/go"
    wait_status stopped
    eq "$(cat "$CDIR/out.$ID")" "" "listing of the private copy"
}

tcase mount_prop_shared 'config.md#mounts' 'bind propagation rshared: the container mount is shared (mountinfo shared:N)'
c_mount_prop_shared() {
    prop_source
    mkbundle sh -c 'awk '\''$5 == "/s"'\'' /proc/self/mountinfo'
    addmount "{\"destination\": \"/s\", \"type\": \"bind\", \"source\": \"$CDIR/shared\", \"options\": [\"rbind\", \"rshared\"]}"
    newid
    runok
    contains "$OUT" "shared:" mountinfo
}

tcase mount_relative_dest 'config.md#mounts' 'a relative destination is taken relative to / (MAY, then MUST)'
c_mount_relative_dest() {
    mkbundle cat /rel/dir/f
    mkdir "$CDIR/host"
    echo relative >"$CDIR/host/f"
    addmount "{\"destination\": \"rel/dir\", \"type\": \"bind\", \"source\": \"$CDIR/host\", \"options\": [\"bind\"]}"
    newid
    runok
    eq "$OUT" relative content
}

tcase mount_symlink_escape 'config.md#mounts' 'a symlink in the rootfs cannot point a mount destination outside the rootfs'
c_mount_symlink_escape() {
    mkdir -p "$CDIR/outside" "$CDIR/src"
    echo from-src >"$CDIR/src/f"
    mkbundle cat /evil/f
    ln -s "../../../../../../../../..$CDIR/outside" "$B/rootfs/evil"
    addmount "{\"destination\": \"/evil\", \"type\": \"bind\", \"source\": \"$CDIR/src\", \"options\": [\"bind\"]}"
    newid
    run_
    if grep -F " $CDIR/outside " /proc/self/mountinfo; then
        fail "mount landed on the host's $CDIR/outside"
    fi
    [ -z "$(ls -A "$CDIR/outside")" ] || fail "host directory outside the rootfs changed"
    eq "$RC" 0 "exit status"
    eq "$OUT" from-src "content through the symlink"
}

tcase mount_symlink_escape_abs 'config.md#mounts' 'an absolute symlink in the rootfs resolves inside the rootfs for a mount'
c_mount_symlink_escape_abs() {
    mkdir -p "$CDIR/outside"
    mkbundle sh -c "cat $CDIR/outside/f"
    ln -s "$CDIR/outside" "$B/rootfs/evil"
    addmount '{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}'
    cfg --arg d "$CDIR/outside" '.process.args = ["sh", "-c", "echo in-tmpfs >/evil/f && cat \($d)/f"]'
    newid
    run_
    [ -z "$(ls -A "$CDIR/outside")" ] || fail "host directory outside the rootfs changed"
    eq "$RC" 0 "exit status"
    eq "$OUT" in-tmpfs "the mount is at the symlink target inside the rootfs"
}

tcase mount_bad_source 'runtime.md#errors' 'a mount that cannot be made fails create and leaves no state, mount or process behind'
c_mount_bad_source() {
    mkbundle
    addmount "{\"destination\": \"/h\", \"type\": \"bind\", \"source\": \"$CDIR/does-not-exist\", \"options\": [\"bind\"]}"
    newid
    must_fail create_
    gone
    no_leftovers
}

tcase mount_bad_type 'runtime.md#errors' 'a mount of an unknown filesystem type fails create and leaves nothing behind'
c_mount_bad_type() {
    mkbundle
    addmount '{"destination": "/x", "type": "nosuchfs", "source": "none"}'
    newid
    must_fail create_
    gone
    no_leftovers
}

# devinfo PATH...: "path type major:minor mode uid:gid" for each device, in the container.
DEVINFO='for d in "$@"; do stat -c "%n %F %t:%T %a %u:%g" "$d"; done'

tcase dev_defaults 'config-linux.md#default-devices' 'the default devices exist with their numbers: null zero full random urandom tty'
c_dev_defaults() {
    mkbundle sh -c "$DEVINFO" sh /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
    newid
    runok
    contains "$OUT" "/dev/null character special file 1:3"
    contains "$OUT" "/dev/zero character special file 1:5"
    contains "$OUT" "/dev/full character special file 1:7"
    contains "$OUT" "/dev/random character special file 1:8"
    contains "$OUT" "/dev/urandom character special file 1:9"
    contains "$OUT" "/dev/tty character special file 5:0"
}

tcase dev_ptmx 'config-linux.md#default-devices' '/dev/ptmx is usable (a link to pts/ptmx or the device)'
c_dev_ptmx() {
    mkbundle sh -c 'if [ -L /dev/ptmx ]; then readlink /dev/ptmx; else stat -c "%t:%T" /dev/ptmx; fi'
    newid
    runok
    case "$OUT" in
    pts/ptmx | /dev/pts/ptmx | 5:2) ;;
    *) fail "ptmx: $OUT" ;;
    esac
}

tcase dev_null_works 'config-linux.md#default-devices' '/dev/null and /dev/zero work (device cgroup allows them)'
c_dev_null_works() {
    mkbundle sh -c 'echo x >/dev/null && head -c 3 /dev/zero | od -An -tx1 | tr -d " "'
    newid
    runok
    eq "$OUT" 000000 "bytes from /dev/zero"
}

tcase dev_symlinks 'runtime-linux.md#dev-symbolic-links' '/dev/fd, /dev/stdin, /dev/stdout and /dev/stderr link to /proc/self/fd'
c_dev_symlinks() {
    mkbundle sh -c 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done'
    newid
    runok
    eq "$OUT" "fd /proc/self/fd
stdin /proc/self/fd/0
stdout /proc/self/fd/1
stderr /proc/self/fd/2" links
}

tcase dev_linux_devices 'config-linux.md#devices' 'linux.devices creates the device with type, numbers, fileMode, uid and gid'
c_dev_linux_devices() {
    mkbundle sh -c "$DEVINFO" sh /dev/conf-fuse /dev/conf-loop
    cfg '.linux.devices = [
        {"path": "/dev/conf-fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 432, "uid": 1000, "gid": 1001},
        {"path": "/dev/conf-loop", "type": "b", "major": 7, "minor": 0, "fileMode": 384, "uid": 0, "gid": 0}]'
    newid
    runok
    contains "$OUT" "/dev/conf-fuse character special file a:e5 660 1000:1001"
    contains "$OUT" "/dev/conf-loop block special file 7:0 600 0:0"
}

tcase dev_existing_mismatch 'config-linux.md#devices' 'a file at a device path that does not match the device MUST fail'
c_dev_existing_mismatch() {
    mkbundle true
    cfg '.mounts |= map(select(.destination | startswith("/dev") | not))
        | .linux.devices = [{"path": "/dev/conf-dev", "type": "c", "major": 1, "minor": 3}]'
    mkdir -p "$B/rootfs/dev"
    echo regular >"$B/rootfs/dev/conf-dev"
    newid
    must_fail create_
    gone
}

tcase masked_file 'config-linux.md#masked-paths' 'a masked file reads as empty (covered by /dev/null)'
c_masked_file() {
    mkbundle sh -c 'wc -c </etc/secret'
    echo secret >"$B/rootfs/etc/secret"
    cfg '.linux.maskedPaths += ["/etc/secret"]'
    newid
    runok
    eq "$OUT" 0 "bytes readable"
}

tcase masked_dir 'config-linux.md#masked-paths' 'a masked directory reads as empty and cannot be written'
c_masked_dir() {
    mkbundle sh -c 'ls -A /secretdir | wc -l; if touch /secretdir/x 2>/dev/null; then echo writable; else echo readonly; fi'
    mkdir "$B/rootfs/secretdir"
    echo secret >"$B/rootfs/secretdir/key"
    cfg '.linux.maskedPaths += ["/secretdir"]'
    newid
    runok
    eq "$OUT" "0
readonly" "masked dir"
}

tcase masked_proc 'config-linux.md#masked-paths' 'masked /proc/kcore and /proc/keys are not readable'
c_masked_proc() {
    mkbundle sh -c 'wc -c </proc/keys; head -c 1 /proc/kcore | wc -c'
    newid
    runok
    eq "$OUT" "0
0" "bytes readable"
}

tcase readonly_paths 'config-linux.md#readonly-paths' 'readonlyPaths are read-only: /proc/sys and a rootfs directory'
c_readonly_paths() {
    mkbundle sh -c 'if echo x >/rodir/f 2>/dev/null; then echo dir-writable; else echo dir-ro; fi
        if echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null; then echo sys-writable; else echo sys-ro; fi'
    mkdir "$B/rootfs/rodir"
    cfg '.linux.readonlyPaths += ["/rodir"]'
    newid
    runok
    eq "$OUT" "dir-ro
sys-ro" "writes"
}

tcase sysctl_net 'config-linux.md#sysctl' 'sysctl sets namespaced kernel parameters (net.ipv4.ip_forward, kernel.shmmax)'
c_sysctl_net() {
    mkbundle cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax
    cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"}'
    newid
    runok
    eq "$OUT" "1
12345678" "sysctl values"
}

# rootprop VALUE: the container's / mountinfo line with rootfsPropagation VALUE, bundle on a
# shared mount.
rootprop() {
    prop_source
    mkbundle sh -c 'awk '\''$5 == "/"'\'' /proc/self/mountinfo'
    mv "$B" "$CDIR/shared/b"
    B="$CDIR/shared/b"
    cfg --arg p "$1" '.linux.rootfsPropagation = $p'
    newid
    runok
}

tcase rootfs_prop_slave 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation slave makes / a slave (master:N) of the host mount'
c_rootfs_prop_slave() {
    rootprop slave
    contains "$OUT" "master:" "mountinfo of /"
}

tcase rootfs_prop_private 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation private makes / private (no shared:/master:)'
c_rootfs_prop_private() {
    rootprop private
    not_contains "$OUT" "master:" "mountinfo of /"
    not_contains "$OUT" "shared:" "mountinfo of /"
}

tcase rootfs_prop_shared 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation shared makes / shared'
c_rootfs_prop_shared() {
    rootprop shared
    contains "$OUT" "shared:" "mountinfo of /"
}

tcase rootfs_prop_unbindable 'config-linux.md#rootfs-mount-propagation' 'rootfsPropagation unbindable makes / unbindable'
c_rootfs_prop_unbindable() {
    rootprop unbindable
    contains "$OUT" "unbindable" "mountinfo of /"
}

tcase root_absolute 'config.md#root' 'root.path may be an absolute path outside the bundle'
c_root_absolute() {
    mkbundle cat /marker
    mv "$B/rootfs" "$CDIR/elsewhere"
    echo absolute >"$CDIR/elsewhere/marker"
    cfg --arg p "$CDIR/elsewhere" '.root.path = $p'
    newid
    runok
    eq "$OUT" absolute content
}

tcase mount_opt_rro 'config.md#mounts' 'mount option rro makes an rbind mount and its submounts read-only (SHOULD)'
c_mount_opt_rro() {
    mkbundle sh -c 'for f in /r/top /r/sub/inner; do if touch $f 2>/dev/null; then echo writable; else echo readonly; fi; done'
    mkdir -p "$CDIR/host/sub"
    mount -t tmpfs sub "$CDIR/host/sub"
    echo 'umount -l "$CDIR/host/sub"' >>"$CDIR/cleanup"
    addmount "{\"destination\": \"/r\", \"type\": \"bind\", \"source\": \"$CDIR/host\", \"options\": [\"rbind\", \"rro\"]}"
    newid
    runok
    eq "$OUT" "readonly
readonly" "writes to the mount and its submount"
}

tcase masked_fake_devnull 'config-linux.md#masked-paths' 'masking uses the real /dev/null, not a file the rootfs put there (CVE-2025-31133)'
c_masked_fake_devnull() {
    mkbundle sh -c 'cat /etc/secret 2>&1'
    cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) | .linux.maskedPaths = ["/etc/secret"]'
    mkdir -p "$B/rootfs/dev"
    echo not-masked >"$B/rootfs/fake"
    ln -s /fake "$B/rootfs/dev/null"
    echo secret >"$B/rootfs/etc/secret"
    newid
    run_
    if [ "$RC" -eq 0 ]; then
        not_contains "$OUT" not-masked "masked file"
        not_contains "$OUT" secret "masked file"
    fi
    eq "$(cat "$B/rootfs/fake")" not-masked "the rootfs file /dev/null pointed to"
}

# idmapsrc: $CDIR/src owned by host root, with f owned by 5:6, for the idmapped mount cases.
idmapsrc() {
    mkdir -p "$CDIR/src"
    touch "$CDIR/src/f"
    chown 5:6 "$CDIR/src/f"
}

# The ownership idmapped mounts show: "owner-of-/m owner-of-/m/f idmapped-flag".
IDMAPSHOW='echo "$(stat -c %u:%g /m) $(stat -c %u:%g /m/f) $(awk '\''$5 == "/m" && $6 ~ /idmapped/ { print "idmapped" }'\'' /proc/self/mountinfo)"'

tcase mount_idmap_own 'config.md#mounts' 'a bind mount with idmap and its own uidMappings/gidMappings shows the source ids through them'
c_mount_idmap_own() {
    userns_bundle sh -c "$IDMAPSHOW"
    idmapsrc
    # on-disk 0 -> host 101000 -> 1000 in the container; on-disk 5 -> 1005
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/src\", \"options\": [\"bind\", \"idmap\"],
        \"uidMappings\": [{\"containerID\": 0, \"hostID\": 101000, \"size\": 1000}],
        \"gidMappings\": [{\"containerID\": 0, \"hostID\": 201000, \"size\": 1000}]}"
    newid
    runok
    eq "$OUT" "1000:1000 1005:1006 idmapped" "owners seen inside"
}

tcase mount_idmap_userns 'config.md#mounts' 'idmap without its own mappings takes the container user namespace: host files keep their ids inside, writes land as them'
c_mount_idmap_userns() {
    userns_bundle sh -c "$IDMAPSHOW; touch /m/new"
    idmapsrc
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/src\", \"options\": [\"bind\", \"idmap\"]}"
    newid
    runok
    eq "$OUT" "0:0 5:6 idmapped" "owners seen inside"
    eq "$(stat -c %u:%g "$CDIR/src/new")" 0:0 "owner on the host of a file the container root made"
}

tcase mount_ridmap 'config.md#mounts' 'ridmap on an rbind mount idmaps its submounts too'
c_mount_ridmap() {
    userns_bundle sh -c 'stat -c %u:%g /m/sub/g'
    idmapsrc
    mkdir "$CDIR/src/sub"
    mount -t tmpfs tmpfs "$CDIR/src/sub"
    touch "$CDIR/src/sub/g"
    chown 7:8 "$CDIR/src/sub/g"
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/src\", \"options\": [\"rbind\", \"ridmap\"]}"
    newid
    runok
    eq "$OUT" 7:8 "owner in the submount"
}

tcase mount_idmap_tmpfs 'config.md#mounts' 'idmap works on a filesystem that supports it (tmpfs), not only on bind mounts'
c_mount_idmap_tmpfs() {
    userns_bundle sh -c 'touch /t/x && stat -c %u:%g /t/x && awk '\''$5 == "/t" { print $6 }'\'' /proc/self/mountinfo'
    addmount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap", "size=1m"]}'
    newid
    runok
    contains "$OUT" "0:0" "owner of a new file"
    contains "$OUT" "idmapped" "mount options"
}

tcase mount_idmap_no_userns 'config.md#mounts' 'idmap without mappings in a container without a user namespace MUST fail'
c_mount_idmap_no_userns() {
    mkbundle true
    idmapsrc
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/src\", \"options\": [\"bind\", \"idmap\"]}"
    newid
    run_
    [ "$RC" -ne 0 ] || fail "run succeeded"
    contains "$(cat "$CDIR/err")" "mounts[" "error names the mount"
}

tcase mount_idmap_tmpfs_opts 'config.md#mounts' 'an idmapped tmpfs keeps its options: ro, nosuid, sync and the filesystem data (size)'
c_mount_idmap_tmpfs_opts() {
    userns_bundle sh -c "$MNTOPTS"'; mnt_opts /t; df -k /t | tail -n 1 | awk "{ print \$2 }"'
    addmount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap", "ro", "nosuid", "size=2m", "sync"]}'
    newid
    runok
    contains "$OUT" "ro," "per-mount options"
    contains "$OUT" "nosuid" "per-mount options"
    contains "$OUT" "idmapped" "per-mount options"
    contains "$OUT" "sync," "superblock options"
    contains "$OUT" "2048" "size"
}

tcase mount_idmap_joined_userns 'config.md#mounts' 'idmap without its own mappings takes a user namespace the container joins by path'
c_mount_idmap_joined_userns() {
    # the namespace to join: a created container's
    userns_bundle
    newid -holder
    createok
    local holder=$PID
    userns_bundle sh -c "$IDMAPSHOW"
    idmapsrc
    cfg --arg p "/proc/$holder/ns/user" '.linux.namespaces |= map(if .type == "user" then .path = $p else . end)
        | del(.linux.uidMappings, .linux.gidMappings)'
    addmount "{\"destination\": \"/m\", \"type\": \"bind\", \"source\": \"$CDIR/src\", \"options\": [\"bind\", \"idmap\"]}"
    newid
    runok
    eq "$OUT" "0:0 5:6 idmapped" "owners seen inside"
}
