# shellcheck shell=bash
# Volumes as docker's local driver keeps them: $VOLUMES/NAME/_data holds the
# data; beside it one file per fact: created, labels (K=V lines), options
# (type, device, o), anonymous. A container's `volumes` fact lists the
# volumes it uses ("NAME DESTINATION ANONYMOUS" lines): a volume no record
# lists is dangling. This module is the only writer of $VOLUMES.

VOLUME_NAME_RE='^[a-zA-Z0-9][a-zA-Z0-9_.-]+$'

vol_exists() { [ -d "$VOLUMES/$1/_data" ]; }

# vol_create NAME ANONYMOUS [OPT...] -- [LABEL...]: a new volume (an existing
# one is left as it is, as docker's create does).
vol_create() {
    local name=$1 anon=$2 d=$VOLUMES/$1 o
    shift 2
    local -a opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
    [ $# -eq 0 ] || shift
    vol_exists "$name" && return 0
    [[ "$name" =~ $VOLUME_NAME_RE ]] ||
        die "Error response: create $name: \"$name\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path"
    for o in "${opts[@]}"; do
        case "${o%%=*}" in
        type | device | o) ;;
        *) die "Error response: create $name: invalid option key: \"${o%%=*}\"" ;;
        esac
    done
    mkdir -p "$d.new/_data"
    now >"$d.new/created"
    printf '%s\n' "$anon" >"$d.new/anonymous"
    { [ "${#opts[@]}" = 0 ] || printf '%s\n' "${opts[@]}"; } >"$d.new/options"
    { [ $# = 0 ] || printf '%s\n' "$@"; } >"$d.new/labels"
    mv "$d.new" "$d"
}

# vol_option NAME KEY: the value of a driver option ('' when not given).
vol_option() {
    local line
    [ -s "$VOLUMES/$1/options" ] || return 0
    while IFS= read -r line; do
        [ "${line%%=*}" != "$2" ] || { printf '%s\n' "${line#*=}"; return 0; }
    done <"$VOLUMES/$1/options"
}

# vol_mountpoint NAME: the volume's _data, with its driver options mounted on
# it first when it has some (type=tmpfs, type=none,o=bind,device=/x, ...).
vol_mountpoint() {
    local d=$VOLUMES/$1/_data type dev o
    type=$(vol_option "$1" type)
    if [ -n "$type" ] && ! mountpoint -q "$d"; then
        dev=$(vol_option "$1" device) o=$(vol_option "$1" o)
        [ "$type" != none ] || type=''
        mount ${type:+-t "$type"} ${o:+-o "$o"} "${dev:-$type}" "$d" ||
            die "Error response: error while mounting volume '$d': failed to mount local volume"
    fi
    printf '%s\n' "$d"
}

# vol_users NAME: the ids of the containers that use the volume.
vol_users() {
    local f
    for f in "$CONTAINERS"/*/volumes; do
        awk -v n="$1" '$1 == n { f = 1 } END { exit !f }' "$f" && { f=${f%/volumes}; echo "${f##*/}"; }
    done
    return 0
}

# vol_bytes NAME: what the volume's files hold, as docker counts it.
vol_bytes() { find "$VOLUMES/$1/_data" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

# vol_remove NAME FORCE: docker's volume rm (a volume in use only with FORCE... never, as docker).
vol_remove() {
    local name=$1 users
    vol_exists "$name" || { complain "Error response: get $name: no such volume"; return 1; }
    users=$(vol_users "$name" | head -c 12 || true)
    if [ -n "$users" ]; then
        complain "Error response: remove $name: volume is in use - [$(vol_users "$name" | paste -sd' ')]"
        return 1
    fi
    ! mountpoint -q "$VOLUMES/$name/_data" || umount "$VOLUMES/$name/_data" 2>/dev/null || true
    rm -rf "${VOLUMES:?}/$name"
}

# copy_up ROOTFS DST VOLUME: docker's copy of the image's files at DST into a
# new (empty) volume.
copy_up() {
    local src=$1$2 data
    data=$VOLUMES/$3/_data
    [ -d "$src" ] || return 0
    [ -z "$(ls -A "$data" 2>/dev/null)" ] || return 0
    cp -a "$src/." "$data/"
}

# Docker's -v modes: ro, rw, z, Z, nocopy and the private propagation the
# runtime applies; sets VM_RO and VM_NOCOPY.
vol_modes() {
    local spec=$1 m
    VM_RO=0 VM_NOCOPY=0
    local IFS=,
    for m in $2; do
        case "$m" in
        ro) VM_RO=1 ;;
        rw | z | Z | private | rprivate) ;;
        nocopy) VM_NOCOPY=1 ;;
        shared | rshared | slave | rslave) die "invalid volume specification: '$spec': propagation $m is not supported (the runtime makes every mount rprivate)" ;;
        *) die "invalid mode: $m" ;;
        esac
    done
}

# vol_host_path PATH: docker's CLI resolution of ./rel, ../rel and ~/x.
# shellcheck disable=SC2088 # a literal ~ given to -v, resolved here as docker's CLI does
vol_host_path() {
    case "$1" in
    '~') printf '%s\n' "$HOME" ;;
    '~/'*) printf '%s\n' "$HOME/${1#\~/}" ;;
    .) printf '%s\n' "$PWD" ;;
    ./* | ../* | ..) printf '%s\n' "$(realpath -m "$PWD/$1")" ;;
    *) printf '%s\n' "$1" ;;
    esac
}

# vol_use ID SRC DST RO NOCOPY: SRC (a volume name, '' for a new anonymous
# volume, or an absolute host path) at DST.
vol_use() {
    local id=$1 src=$2 dst=$3 ro=$4 nocopy=$5 anon=0 path mode=rw
    [ "$ro" = 0 ] || mode=ro
    case "$dst" in /*) ;; *) die "invalid volume specification: '$src:$dst': invalid mount config for type \"volume\": invalid mount path: '$dst' mount path must be absolute" ;; esac
    case "$src" in
    /*) VOL_BINDS+=("$src:$dst:$mode"); return 0 ;;
    '') new_id src; anon=1 ;;
    esac
    vol_exists "$src" || vol_create "$src" "$anon" --
    # an empty volume is filled from the image, as docker does
    [ "$nocopy" = 1 ] || VOL_COPY+=("$dst $src")
    path=$(vol_mountpoint "$src")
    VOL_BINDS+=("$path:$dst:$mode")
    VOL_USED+=("$src $dst $anon")
}

# --mount's comma-separated KEY=VALUE list.
vol_mount_flag() {
    local id=$1 spec=$2 kv k v type=volume src='' dst='' ro=0 nocopy=0 tmpopts=()
    local IFS=,
    for kv in $spec; do
        k=${kv%%=*} v=${kv#*=}
        [ "$kv" != "$k" ] || v=true
        case "$k" in
        type) type=$v ;;
        source | src) src=$v ;;
        target | destination | dst) dst=$v ;;
        readonly | ro) [ "$v" = true ] || [ "$v" = 1 ] && ro=1 ;;
        volume-nocopy) [ "$v" = true ] || [ "$v" = 1 ] && nocopy=1 ;;
        tmpfs-size) tmpopts+=("size=$v") ;;
        tmpfs-mode) tmpopts+=("mode=$v") ;;
        bind-propagation) [ "$v" = rprivate ] || [ "$v" = private ] || die "invalid argument \"$spec\" for \"--mount\" flag: bind-propagation $v is not supported (the runtime makes every mount rprivate)" ;;
        consistency | z | Z) ;;
        *) die "invalid argument \"$spec\" for \"--mount\" flag: unexpected key '$k' in '$kv'" ;;
        esac
    done
    unset IFS
    [ -n "$dst" ] || die "invalid argument \"$spec\" for \"--mount\" flag: target is required"
    case "$type" in
    bind)
        [ -n "$src" ] || die "invalid argument \"$spec\" for \"--mount\" flag: source is required when type is bind"
        src=$(vol_host_path "$src")
        [ -e "$src" ] || die "Error response: invalid mount config for type \"bind\": bind source path does not exist: $src"
        vol_use "$id" "$src" "$dst" "$ro" 0
        ;;
    volume) vol_use "$id" "$src" "$dst" "$ro" "$nocopy" ;;
    tmpfs)
        [ -z "$src" ] || die "Error response: invalid mount config for type \"tmpfs\": source must not be specified"
        [ "$ro" = 0 ] || tmpopts+=(ro)
        VOL_TMPFS+=("$dst:$(IFS=,; echo "${tmpopts[*]}")")
        ;;
    *) die "Error response: invalid mount config for type \"$type\": mount type unknown" ;;
    esac
}

# The -v flag: [SRC:]DST[:MODE].
vol_volume_flag() {
    local id=$1 spec=$2 a b c rest src dst mode=''
    IFS=: read -r a b c rest <<<"$spec"
    if [ -n "$rest" ] || [ -z "$a" ]; then die "invalid volume specification: '$spec'"; fi
    if [ -z "$b" ]; then dst=$a src=''
    elif [ -n "$c" ]; then src=$a dst=$b mode=$c
    elif [[ "$b" == /* ]]; then src=$a dst=$b
    else dst=$a src='' mode=$b
    fi
    vol_modes "$spec" "$mode"
    # shellcheck disable=SC2088 # a literal ~, as docker's CLI takes it
    case "$src" in
    '~' | '~/'* | . | ./* | ..*) src=$(vol_host_path "$src") ;;
    esac
    case "$src" in /*) mkdir -p "$src" ;; esac
    vol_use "$id" "$src" "$dst" "$VM_RO" "$VM_NOCOPY"
}

# volumes_parse ID: -v, --mount and --tmpfs into VOL_BINDS (keel-image's
# --mount SRC:DST:MODE), VOL_TMPFS (DST:OPTIONS), VOL_COPY ("DST VOLUME" to
# fill from the image) and the container's `volumes` fact.
volumes_parse() {
    local id=$1 v
    VOL_BINDS=() VOL_TMPFS=() VOL_COPY=() VOL_USED=()
    for v in "${OPT_volume[@]}"; do vol_volume_flag "$id" "$v"; done
    for v in "${OPT_mount[@]}"; do vol_mount_flag "$id" "$v"; done
    for v in "${OPT_tmpfs[@]}"; do
        case "$v" in /*) ;; *) die "invalid mount path: '${v%%:*}' mount path must be absolute" ;; esac
        VOL_TMPFS+=("${v%%:*}:$([[ "$v" == *:* ]] && echo "${v#*:}")")
    done
    vol_record "$id"
}

vol_record() {
    [ "${#VOL_USED[@]}" = 0 ] || record_fill "$1" volumes printf '%s\n' "${VOL_USED[@]}"
}

# volumes_finish ID: the image's VOLUMEs that no mount covers as anonymous
# volumes, the tmpfs mounts, then docker's copy-up into the new volumes.
volumes_finish() {
    local id=$1 dir=$CONTAINERS/$1 line vols='' d m covered
    while IFS= read -r line; do
        case "$line" in *'"io.keel.image.volumes":'*) vols=${line#*: \"} vols=${vols%\"*}; break ;; esac
    done <"$dir/bundle/config.json"
    local -a extra=()
    local IFS=,
    for d in $vols; do
        covered=0
        for m in "${VOL_BINDS[@]}" "${VOL_TMPFS[@]}"; do
            [[ "$m" != *":$d:"* && "$m" != "$d:"* ]] || covered=1
        done
        [ "$covered" = 1 ] && continue
        local before=${#VOL_BINDS[@]}
        vol_use "$id" '' "$d" 0 0
        extra+=("${VOL_BINDS[before]}")
    done
    unset IFS
    [ "${#extra[@]}" = 0 ] || vol_record "$id"
    if [ "${#extra[@]}" -gt 0 ] || [ "${#VOL_TMPFS[@]}" -gt 0 ]; then
        local binds tmpfs
        binds=$(printf '%s\n' "${extra[@]}" | jq -R 'select(. != "") | split(":") | {destination: .[1], type: "bind", source: .[0], options: ["rbind", .[2], "rprivate"]}' | jq -s .)
        tmpfs=$(printf '%s\n' "${VOL_TMPFS[@]}" | jq -R 'select(. != "") | (index(":")) as $i | {destination: .[:$i], type: "tmpfs", source: "tmpfs", options: (["rw", "nosuid", "nodev", "noexec"] + (.[$i + 1:] | split(",") | map(select(. != ""))))}' | jq -s .)
        local cfg
        # shellcheck disable=SC2016 # a jq program
        cfg=$(jq --argjson b "$binds" --argjson t "$tmpfs" \
            '.mounts = ([.mounts[] | select(.destination as $d | ($b + $t) | map(.destination) | index($d) | not)] + $b + $t)' \
            "$dir/bundle/config.json") || die "cannot add the mounts to $dir/bundle/config.json"
        record_fill "$id" bundle/config.json printf '%s\n' "$cfg"
    fi
    for m in "${VOL_COPY[@]}"; do copy_up "$dir/bundle/rootfs" "${m%% *}" "${m#* }"; done
}

# vol_remove_anonymous ID: the container's anonymous volumes (rm -v, --rm).
vol_remove_anonymous() {
    local name dst anon
    [ -e "$CONTAINERS/$1/volumes" ] || return 0
    while read -r name dst anon; do
        [ "$anon" = 1 ] || continue
        [ "$(vol_users "$name")" = "$1" ] || continue
        ! mountpoint -q "$VOLUMES/$name/_data" || umount "$VOLUMES/$name/_data" 2>/dev/null || true
        rm -rf "${VOLUMES:?}/$name"
    done <"$CONTAINERS/$1/volumes"
}
