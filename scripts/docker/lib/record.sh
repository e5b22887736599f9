# shellcheck shell=bash
# The container record: $CONTAINERS/<id>/ holds one small file per fact (name,
# image, created, network, ports, ip, hostname, hosts, resolv.conf, ...), and
# $CONTAINERS/.names/<name> holds the id a name belongs to. This module is the
# only code that writes them (the bundle is keel-bundle's, container.log and the
# state files are the monitor's); everything else reads through it.
#
# A record becomes visible to ps when `created` is written, last, by
# record_publish: facts written before that go straight to their file, later
# changes go to a temporary file renamed over the fact, so that no reader ever
# sees half a fact.


# record_get VAR ID FACT: the fact's first line into VAR ('' when missing),
# without a subshell (forks add up on the run path).
record_get() {
    printf -v "$1" '%s' ''
    [ ! -e "$CONTAINERS/$2/$3" ] || IFS= read -r "$1" <"$CONTAINERS/$2/$3" || true
}

# record_fact ID FACT: the same on stdout.
record_fact() {
    local v
    record_get v "$1" "$2"
    printf '%s\n' "$v"
}

# record_put ID FACT VALUE: the fact is VALUE (one line).
record_put() {
    local id=$1 fact=$2 value=$3
    record_fill "$id" "$fact" printf '%s\n' "$value"
}

# record_fill ID FACT COMMAND...: the fact is what COMMAND prints.
record_fill() {
    local id=$1 fact=$2 f=$CONTAINERS/$1/$2
    shift 2
    if [ ! -e "$CONTAINERS/$id/created" ]; then
        "$@" >"$f"
        return 0
    fi
    "$@" >"$f.tmp.$$"
    mv -f "$f.tmp.$$" "$f"
}

# record_drop ID FACT...: the facts are gone.
record_drop() {
    local id=$1 fact
    shift
    for fact in "$@"; do rm -f "$CONTAINERS/$id/$fact"; done
}

# record_publish ID: the record is complete; ps lists it from now on.
# `created` is the time in microseconds (seconds.micros), so that containers
# made within one second keep their order in ps, as docker's do.
record_publish() {
    printf '%s\n' "$EPOCHREALTIME" >"$CONTAINERS/$1/created"
    record_event "$1" create
}

# record_command ID: the `command` fact, the container's process.args as ps
# shows them (joined by spaces, an argument with a space in single quotes),
# read from the bundle's config.json by the shell (keel-bundle writes it one
# argument a line), so that neither run nor ps needs a jq process for it.
record_command() {
    local f=$CONTAINERS/$1/bundle/config.json line in=0 cmd=''
    while IFS= read -r line; do
        if [ "$in" = 0 ]; then
            [[ "$line" != *'"args": ['* ]] || in=1
            continue
        fi
        line=${line#"${line%%[![:space:]]*}"}
        case "$line" in ']'*) break ;; esac
        line=${line%,} line=${line#\"} line=${line%\"}
        line=${line//\\\\/$'\x01'} line=${line//\\\"/\"} line=${line//\\n/ } line=${line//\\t/ }
        line=${line//$'\x01'/\\}
        [[ "$line" != *[[:space:]]* ]] || line="'$line'"
        cmd+=${cmd:+ }$line
    done <"$f"
    record_put "$1" command "$cmd"
}

# Names: $CONTAINERS/.names/NAME holds the container's id. A name is claimed
# under noclobber, which opens with O_EXCL, so the file is the name's lock: two
# runs never get one name, and no process is forked for it. Stores made before
# kept a symlink to ../ID there instead, which name_id still reads.
claim_name() {
    local rc=0
    set -C
    { printf '%s\n' "$2" >"$1"; } 2>/dev/null || rc=$?
    set +C
    return "$rc"
}

# name_id VAR FILE: the id FILE names into VAR ('' when there is none).
name_id() {
    printf -v "$1" '%s' ''
    if [ -L "$2" ]; then
        local t
        t=$(readlink "$2")
        printf -v "$1" '%s' "${t##*/}"
    elif [ -f "$2" ]; then
        IFS= read -r "$1" <"$2" || true
    fi
}

# 64 hex digits from the kernel's random numbers (bash's SRANDOM), into VAR.
new_id() {
    printf -v "$1" '%08x%08x%08x%08x%08x%08x%08x%08x' "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM" \
        "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"
}

# record_new NAME: a new id and its directory, with NAME claimed (a random
# adjective_noun when NAME is empty); sets REC_ID and REC_NAME. A name in use
# is docker's conflict error.
record_new() {
    local name=$1 random=0 owner id
    # bash's loadable mkdir (Debian's bash-builtins) when it is installed: forking
    # /bin/mkdir costs about 1.5 ms of a run
    enable -f /usr/lib/bash/mkdir mkdir 2>/dev/null || true
    new_id id
    [ -d "$CONTAINERS/.names" ] || mkdir -p "$CONTAINERS/.names"
    # the directory before the name: a run killed in between leaves a record
    # that ps -a lists once its creator is gone and rm removes, never a name
    # without one
    mkdir -p "$CONTAINERS/$id"
    printf '%s\n' "$$" >"$CONTAINERS/$id/creator"
    if [ -z "$name" ]; then
        kd_lib names
        random=1
        random_name name
    fi
    while ! claim_name "$CONTAINERS/.names/$name" "$id"; do
        [ -e "$CONTAINERS/.names/$name" ] || [ -L "$CONTAINERS/.names/$name" ] ||
            { rm -rf "${CONTAINERS:?}/$id"; die "cannot make $CONTAINERS/.names/$name"; }
        if [ "$random" = 0 ]; then
            name_id owner "$CONTAINERS/.names/$name"
            rm -rf "${CONTAINERS:?}/$id"
            die "Error response: Conflict. The container name \"/$name\" is already in use by container \"$owner\". You have to remove (or rename) that container to be able to reuse that name."
        fi
        random_name name
    done
    printf '%s\n' "$name" >"$CONTAINERS/$id/name"
    REC_ID=$id REC_NAME=$name
}

# record_remove ID: the record, its bundle (unmounted first) and its name,
# when the name is still this container's.
record_remove() {
    local id=$1 dir=$CONTAINERS/$1 name owner=''
    local -a names=()
    record_get name "$id" name
    [ ! -e "$dir/created" ] || record_event "$id" destroy
    [ -z "$name" ] || name_id owner "$CONTAINERS/.names/$name"
    [ "$owner" != "$id" ] || names=("$CONTAINERS/.names/$name")
    # keel-bundle unbundles and removes in one process; else unbundle, then rm
    if [ "${KEEL_BUNDLE##*/}" = keel-bundle ] &&
        bundles remove "$dir/bundle" "${names[@]}" "$dir" >/dev/null 2>&1; then
        return 0
    fi
    if [ -d "$dir/bundle" ]; then
        bundles unbundle "$dir/bundle" >/dev/null 2>&1 || true
    fi
    # a bundle killed before it was complete left its overlay mounted in $dir
    local m
    awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "${names[@]}" "$dir"
}

# The ids of every published record, and of every record whose creator was
# killed before it published it (so that rm removes it); a record still being
# made is not listed.
all_ids() {
    local d pid
    for d in "$CONTAINERS"/*/; do
        d=${d%/}
        if [ ! -e "$d/created" ]; then
            pid=''
            { read -r pid <"$d/creator"; } 2>/dev/null || true
            [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || continue
        fi
        echo "${d##*/}"
    done
}

# each_container FN: FN ID OPERAND for every operand in ARGS (an id, prefix or
# name), each printed once FN has done its work, as docker's commands print
# them; status 1 when one could not be found or FN failed.
each_container() {
    local fn=$1 arg id rc=0
    for arg in "${ARGS[@]}"; do
        id=$(resolve_container "$arg") || { rc=1; continue; }
        "$fn" "$id" "$arg" || { rc=1; continue; }
        echo "$arg"
    done
    return "$rc"
}

# An id, a unique id prefix, or a name -> the full id (or status 1 with docker's message).
resolve_container() {
    local arg=$1 target='' matches
    case "$arg" in
    '' | .* | */*) ;;
    *) name_id target "$CONTAINERS/.names/$arg" ;;
    esac
    if [ -n "$target" ]; then
        echo "$target"
        return 0
    fi
    case "$arg" in
    '' | *[!0-9a-f]*) ;;
    *)
        matches=("$CONTAINERS/$arg"*)
        if [ "${#matches[@]}" -eq 1 ]; then
            echo "${matches[0]##*/}"
            return 0
        elif [ "${#matches[@]}" -gt 1 ]; then
            complain "Error response: multiple IDs found with provided prefix: $arg"
            return 1
        fi
        ;;
    esac
    complain "Error response: No such container: $arg"
    return 1
}

# record_rename ID NEW: the container's name is NEW (claimed as record_new
# claims one); the old name is freed. Status 1 with docker's message when NEW
# is its name already or another container's.
record_rename() {
    local id=$1 new=$2 old owner
    record_get old "$id" name
    if [ "$old" = "$new" ]; then
        complain "Error response: Renaming a container with the same name as its current name"
        return 1
    fi
    if ! claim_name "$CONTAINERS/.names/$new" "$id"; then
        name_id owner "$CONTAINERS/.names/$new"
        complain "Error response: Error when allocating new name: Conflict. The container name \"/$new\" is already in use by container \"$owner\". You have to remove (or rename) that container to be able to reuse that name."
        return 1
    fi
    record_put "$id" name "$new"
    name_id owner "$CONTAINERS/.names/$old"
    [ "$owner" != "$id" ] || rm -f "$CONTAINERS/.names/$old"
}

# record_event ID ACTION [ATTR=VALUE...]: a line of docker's event stream in
# $KEEL_ROOT/events (epoch.nanoseconds, "container", ACTION, ID, then the
# attributes; image and name added), one write so that lines never interleave.
record_event() {
    local id=$1 action=$2 image name t
    shift 2
    record_get image "$id" image
    record_get name "$id" name
    t=${EPOCHREALTIME/./}
    local line="${t:0:-6}.${t: -6}000 container $action $id"
    # docker prints the attributes sorted by key
    local -a kv=("$@" "image=$image" "name=$name")
    local attrs="" a i j
    for ((i = 1; i < ${#kv[@]}; i++)); do
        for ((j = i; j > 0; j--)); do
            [[ "${kv[j]%%=*}" < "${kv[j - 1]%%=*}" ]] || break
            a=${kv[j]} kv[j]=${kv[j - 1]} kv[j - 1]=$a
        done
    done
    for a in "${kv[@]}"; do attrs+="${attrs:+, }$a"; done
    printf '%s (%s)\n' "$line" "$attrs" >>"$KEEL_ROOT/events"
}
