#!/usr/bin/env bash
# Runs one case (lib/runcase.sh ID) in $WORK/c/ID and cleans up after it whatever happens:
# its containers are force-deleted, mounts under its directory undone, the directory removed.
# Exit status: 0 pass, 77 skip (reason in $CDIR/skip), anything else fail.
set -eu
CASE=$1
CDIR="$WORK/c/$CASE"
export CASE CDIR

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$SUITE/lib/lib.sh"
# shellcheck source-path=SCRIPTDIR source=engines.sh
. "$SUITE/lib/engines.sh"
for f in "$SUITE"/cases/*.sh; do
    # shellcheck source=/dev/null
    . "$f"
done

cleanup() {
    set +ex
    local id m job
    # Helpers the case started (terminal receivers, seccomp agents) end with it.
    for job in $(jobs -p); do
        kill "$job" 2>/dev/null
    done
    if [ -f "$CDIR/ids" ]; then
        while read -r id; do
            rt delete -f "$id" >/dev/null 2>&1
        done <"$CDIR/ids"
    fi
    # shellcheck source=/dev/null
    [ ! -f "$CDIR/cleanup" ] || . "$CDIR/cleanup" >/dev/null 2>&1
    # Deepest first so that nested mounts come off before their parents.
    awk -v d="$CDIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    # A result file outside $CDIR survives the removal.
    [ ! -f "$CDIR/skip" ] || cp "$CDIR/skip" "$WORK/skip.$CASE"
    rm -rf "$CDIR"
}

mkdir -p "$CDIR"
cd "$CDIR"
trap cleanup EXIT
trap 'exit 143' TERM INT
PS4='+ ${LINENO}: '
set -x
"c_$CASE"
