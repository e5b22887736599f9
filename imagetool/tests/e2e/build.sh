#!/bin/bash
# End-to-end test of keel-image build and commit (as root): busybox-static
# images built from Dockerfiles with every instruction form, the cache
# (CACHED steps, one changed file, --no-cache, .dockerignore), multi-stage
# with --target and COPY --from, failures and interruptions leaving nothing,
# parse errors with their line, SOURCE_DATE_EPOCH reproducibility, gc and
# builder prune, commit, the same Dockerfile built by buildah, and the result
# run by podman.
set -eu

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
KEEL_IMAGE=${KEEL_IMAGE:-$TOP/bin/keel-image}
KEEL=${KEEL:-$TOP/bin/keel}
WORK=$(mktemp -d /tmp/keel-image-build-e2e-XXXXXX)
[ -n "$WORK" ] && [ -d "$WORK" ]
ROOT=$WORK/store
export KEEL_RUNTIME=$KEEL
BUILDAH=(buildah --root "$WORK/buildah" --runroot "$WORK/buildah-run" --storage-driver vfs)
PODMAN=(podman --root "$WORK/podman" --runroot "$WORK/podman-run" --tmpdir "$WORK/podman-tmp"
    --storage-driver vfs --cgroup-manager cgroupfs --runtime runc)

cleanup() {
    [ -z "${KEEP_WORK:-}" ] || return 0
    if command -v buildah >/dev/null && [ -d "$WORK/buildah" ]; then
        "${BUILDAH[@]}" rm -a >/dev/null 2>&1 || true
        "${BUILDAH[@]}" rmi -af >/dev/null 2>&1 || true
    fi
    [ ! -d "$WORK/podman" ] || "${PODMAN[@]}" system reset -f >/dev/null 2>&1 || true
    [ -z "${web_pid:-}" ] || kill "$web_pid" 2>/dev/null || true
    # keel-docker's cgroup parent for this run (its containers' own are gone)
    find /sys/fs/cgroup/*/keel-build-e2e-$$ -maxdepth 0 -type d -exec rmdir {} + 2>/dev/null || true
    grep -o "${WORK}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
        umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=scripts/tests/lib.sh
. "$TOP/scripts/tests/lib.sh"

not() {
    ! "$@"
}

ki() {
    "$KEEL_IMAGE" --root "$ROOT" "$@"
}

# build [ARGS...] CONTEXT: the progress output in $WORK/out, the status in $rc.
build() {
    rc=0
    ki build "$@" >"$WORK/out" 2>&1 || rc=$?
}

# steps_cached N: the last build printed N CACHED steps.
steps_cached() {
    [ "$(grep -c ' CACHED$' "$WORK/out")" = "$1" ]
}

config() {
    ki inspect "$1" | jq -c ".config.config | $2"
}

# Nothing of a build stays: no temp dir, no mount of the store.
nothing_left() {
    [ -z "$(ls -A "$ROOT/tmp")" ] && ! grep -q "$ROOT" /proc/self/mountinfo
}

# The base: busybox-static from scratch, its applets installed by a RUN.
mkdir -p "$WORK/base"
cp "$(command -v busybox)" "$WORK/base/busybox"
printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' \
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]' 'CMD ["sh"]' >"$WORK/base/Dockerfile"
build -t bb "$WORK/base"
check "a base image from scratch with busybox" [ "$rc" = 0 ]
ki unpack bb "$WORK/bb"
check "the RUN's mount points (/proc, /dev, /sys) are not in its layer" \
    [ "$(ls "$WORK/bb")" = bin ]
check "its config has docker's default PATH and CMD" \
    [ "$(config bb '[.Env, .Cmd]')" = '[["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],["sh"]]' ]

# Every instruction form.
C=$WORK/ctx
mkdir -p "$C/sub/deep" "$C/tarsrc"
echo hello >"$C/a.txt"
echo b >"$C/sub/b.txt"
echo d >"$C/sub/deep/d.txt"
echo secret >"$C/sub/secret.key"
echo x >"$C/tarsrc/inside"
tar -czf "$C/arch.tgz" -C "$C/tarsrc" .
printf 'sub/*.key\ntarsrc\n' >"$C/.dockerignore"
cp "$TOP/imagetool/tests/e2e/build-every.Dockerfile" "$C/Dockerfile"
build --build-arg VERSION=2.0 --label built=yes -t final "$C"
check "a multi-stage build of every instruction" [ "$rc" = 0 ]
check "RUN output is streamed under its step" grep -q '^#[0-9]* [0-9.]* heredoc in /app$' "$WORK/out"
check "the stage the target does not need is not built" not grep -q 'RUN false' "$WORK/out"
ki unpack final "$WORK/final"
check "COPY --from and --build-arg" [ "$(cat "$WORK/final/out.txt")" = "version 2.0 hello world" ]
check "config: Entrypoint, Cmd, User, ExposedPorts, Volumes, StopSignal" \
    [ "$(config final '{Entrypoint,Cmd,User,ExposedPorts,Volumes,StopSignal}')" = \
      '{"Entrypoint":["cat"],"Cmd":["/out.txt"],"User":"1000:1000","ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}},"StopSignal":"SIGTERM"}' ]
check "config: Labels (and --label), Healthcheck, OnBuild, Shell" \
    [ "$(config final '{Labels,Healthcheck,OnBuild,Shell}')" = \
      '{"Labels":{"org.example.a":"yes","org.example.b":"two words","built":"yes"},"Healthcheck":{"Test":["CMD","true"],"Interval":30000000000,"Retries":3},"OnBuild":["RUN echo triggered"],"Shell":["/bin/sh","-ec"]}' ]
check "history: docker's created_by and empty_layer" \
    [ "$(ki inspect final | jq -c '[.config.history[-2:][] | [.created_by, .empty_layer]]')" = \
      '[["ENTRYPOINT [\"cat\"]",true],["CMD [\"/out.txt\"]",true]]' ]
check "one layer per history entry that is not empty_layer" \
    [ "$(ki inspect final | jq '[.config.history[] | select(.empty_layer != true)] | length')" = \
      "$(ki inspect final | jq '.config.rootfs.diff_ids | length')" ]

build --target build -t stage "$C"
ki unpack stage "$WORK/stage"
S=$WORK/stage
check "--target builds that stage" [ -f "$S/app/out.txt" ]
check "... and not the stages after it" [ ! -e "$S/out.txt" ]
check "WORKDIR is created, COPY . lands in it" [ "$(cat "$S/app/a.txt")" = hello ]
check "a directory copies its contents" [ -f "$S/app/sub/deep/d.txt" ]
check "... not itself" [ ! -e "$S/app/sub/sub" ]
check ".dockerignore excludes from COPY" [ ! -e "$S/app/sub/secret.key" ]
check "--chown and --chmod" [ "$(stat -c '%u:%g %a' "$S/owned")" = "1:2 600" ]
check "wildcards into a directory" [ -f "$S/glob/a.txt" ]
check "ADD extracts a local tar" [ "$(cat "$S/extracted/inside")" = x ]
check "COPY heredoc with substitution" [ "$(cat "$S/etc/conf")" = "app=/app" ]
check "ENV both forms" [ "$(config stage .Env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","APP=/app","GREETING=hello world"]' ]

# ONBUILD triggers run in the image built on top.
printf 'FROM final\nRUN echo after\n' | ki build -t onb - >"$WORK/out" 2>&1
check "ONBUILD runs in the child image" grep -q 'triggered' "$WORK/out"
check "... then is gone from its config" [ "$(config onb .OnBuild)" = null ]

# EXPOSE ranges, --iidfile, docker's warning for unconsumed build args.
printf 'FROM bb\nARG USED\nEXPOSE 7000-7001/udp\n' |
    ki build --build-arg USED=1 --build-arg UNUSED=2 --iidfile "$WORK/iid" -t exp - >"$WORK/out" 2>&1
check "EXPOSE of a range exposes each port" \
    [ "$(config exp '.ExposedPorts | keys')" = '["7000/udp","7001/udp"]' ]
check "--iidfile holds the image ID" [ "$(cat "$WORK/iid")" = "$(ki inspect exp | jq -r .manifest.config.digest)" ]
check "unconsumed build args are warned about" \
    grep -qx '\[Warning\] One or more build-args \[UNUSED\] were not consumed' "$WORK/out"

# The cache.
build --build-arg VERSION=2.0 -t final "$C"
check "a rebuild is all CACHED" steps_cached 10
check "CACHED steps run nothing" not grep -q '^#[0-9]* [0-9.]* heredoc' "$WORK/out"
echo changed >"$C/sub/b.txt"
build --build-arg VERSION=2.0 -t final "$C"
check "one changed file rebuilds from its step" steps_cached 3
check "... and the steps after it run" grep -q 'heredoc in /app' "$WORK/out"
build --build-arg VERSION=3.0 -t final "$C"
check "a changed build arg reruns the RUN that uses it" steps_cached 6
touch "$C/a.txt"
build --build-arg VERSION=3.0 -t final "$C"
check "mtimes are not in the key" steps_cached 10
echo 'sub/deep' >>"$C/.dockerignore"
build --build-arg VERSION=3.0 -t final "$C"
check "a .dockerignore change rebuilds the COPY it affects" steps_cached 3
build --no-cache --build-arg VERSION=3.0 -t final "$C"
check "--no-cache runs every step" steps_cached 0
check "nothing is left after builds" nothing_left

# gc keeps what the cache holds; builder prune drops it.
ki rm final stage onb >/dev/null
ki gc >/dev/null
build --build-arg VERSION=3.0 -t final "$C"
check "gc keeps the cached layers" steps_cached 10
ki builder du >"$WORK/du"
check "builder du counts the cache" [ "$(awk '/^Records:/ { print $2 }' "$WORK/du")" -gt 10 ]
check "... and its size" grep -Eq '^Total:.[0-9.]+[kMG]B$' "$WORK/du"
ki builder prune -a -f >"$WORK/prune"
check "builder prune reports docker's total" grep -q "^Total reclaimed space: " "$WORK/prune"
build --build-arg VERSION=3.0 -t final "$C"
check "after builder prune nothing is cached" steps_cached 0

# Failures.
printf 'FROM bb\nRUN echo before\nRUN false\n' >"$WORK/fail.Dockerfile"
build -f "$WORK/fail.Dockerfile" "$C"
check "a failed step exits 1" [ "$rc" = 1 ]
check "... with docker's message" \
    grep -q "The command '/bin/sh -c false' returned a non-zero code: 1" "$WORK/out"
check "a failed step leaves nothing behind" nothing_left
build -f "$WORK/fail.Dockerfile" "$C"
check "the steps before the failure stay cached" steps_cached 1
printf 'FROM bb\nRUN sleep 60\n' >"$WORK/sleep.Dockerfile"
# (a background job ignores SIGINT, as keel-image then does too: SIGTERM takes its path)
"$KEEL_IMAGE" --root "$ROOT" build --no-cache -f "$WORK/sleep.Dockerfile" "$C" >"$WORK/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'RUN sleep' "$WORK/out" && break; sleep 0.1; done
sleep 0.5
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
check "Ctrl-C stops the build at once" [ "$rc" = 1 ]
check "... in its RUN" grep -q "was interrupted" "$WORK/out"
check "an interrupted build leaves nothing behind" nothing_left
printf 'FROM bb\n\nFOO bar\n' >"$WORK/bad.Dockerfile"
build -f "$WORK/bad.Dockerfile" "$C"
check "a parse error names the line" grep -q "^keel-image: bad.Dockerfile:3: unknown instruction: FOO$" "$WORK/out"
printf 'FROM bb\nCOPY ../etc/passwd /x\n' | ki build -f - "$C" >"$WORK/out" 2>&1 || true
check "a source outside the context is refused" grep -q "forbidden path outside the build context" "$WORK/out"
printf 'FROM bb\nCOPY nothere /x\n' | ki build -f - "$C" >"$WORK/out" 2>&1 || true
check "a missing source is docker's not found" grep -q '"/nothere": not found' "$WORK/out"

# The context as a tar on stdin, as docker build - takes it.
mkdir -p "$WORK/tctx"
echo tarred >"$WORK/tctx/f"
printf 'FROM bb\nCOPY f /f\nRUN cat /f\n' >"$WORK/tctx/ctx.Dockerfile"
tar -C "$WORK/tctx" -czf - . | ki build --no-cache -f ctx.Dockerfile - >"$WORK/out" 2>&1
check "a gzip tar on stdin is the context (-f names its Dockerfile)" \
    grep -q '^#3 [0-9.]* tarred$' "$WORK/out"
check "... and its temp copy is gone" nothing_left

# ADD of a URL (a local web server), COPY of a heredoc with no context.
mkdir -p "$WORK/www"
echo "from the web" >"$WORK/www/page.txt"
port=$(free_port)
(cd "$WORK/www" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
web_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/page.txt" >/dev/null && break; sleep 0.1; done
printf 'FROM bb\nADD http://127.0.0.1:%s/page.txt /dl/\nCOPY <<EOF /here\nno context\nEOF\n' "$port" |
    ki build -t web - >"$WORK/out" 2>&1
ki unpack web "$WORK/web"
check "ADD of a URL: the body, named by the URL, mode 0600" \
    [ "$(cat "$WORK/web/dl/page.txt") $(stat -c %a "$WORK/web/dl/page.txt")" = "from the web 600" ]
check "COPY of a heredoc needs no context" [ "$(cat "$WORK/web/here")" = "no context" ]
printf 'FROM bb\nADD http://127.0.0.1:%s/nothere /x\n' "$port" | ki build - >"$WORK/out" 2>&1 || true
check "ADD of a URL that fails names it" grep -q "ADD http://127.0.0.1:$port/nothere: HTTP 404" "$WORK/out"

printf 'FROM bb\nRUN <<EOF\n#!/bin/awk -f\nBEGIN { print "awk says", 6 * 7 }\nEOF\n' |
    ki build --no-cache - >"$WORK/out" 2>&1
check "RUN <<EOF with a #! line runs as that program" grep -q '^#2 [0-9.]* awk says 42$' "$WORK/out"

printf 'FROM --platform=linux/s390x bb\n' | ki build - >"$WORK/out" 2>&1 || true
check "FROM --platform of another platform is refused" grep -q "only this host's platform" "$WORK/out"

# RUN --mount and --network.
cat >"$WORK/mount.Dockerfile" <<'DF'
FROM bb
RUN --mount=type=cache,target=/cache,sharing=locked echo run >>/cache/log && wc -l </cache/log
RUN --mount=type=bind,from=final,source=/out.txt,target=/x cat /x
RUN --network=none cat /proc/net/dev | tail -n +3 | wc -l
DF
build --no-cache -f "$WORK/mount.Dockerfile" "$C"
build --no-cache -f "$WORK/mount.Dockerfile" "$C"
check "RUN --mount=type=cache keeps its directory between builds" grep -q '^#2 [0-9.]* 2$' "$WORK/out"
check "RUN --mount=type=bind,from= mounts another image's file" \
    grep -q '^#3 [0-9.]* version 3.0 hello world$' "$WORK/out"
check "RUN --network=none has only lo" grep -q '^#4 [0-9.]* 1$' "$WORK/out"

# SOURCE_DATE_EPOCH: two builds, the same digest.
id1=$(SOURCE_DATE_EPOCH=1700000000 ki build -q --no-cache "$C")
sleep 1
id2=$(SOURCE_DATE_EPOCH=1700000000 ki build -q --no-cache "$C")
check "SOURCE_DATE_EPOCH builds are reproducible" [ "$id1" = "$id2" ]
id_re='^sha256:[0-9a-f]{64}$'
check "-q prints only the image ID" grep -Eq "$id_re" <<<"$id1"

# commit: a bundle's writable layer becomes a layer.
ki bundle bb "$WORK/bundle" >/dev/null
mkdir -p "$WORK/bundle/rootfs/made"
echo in-container >"$WORK/bundle/rootfs/made/file"
rm "$WORK/bundle/rootfs/bin/vi"
ki commit -c 'CMD ["cat", "/made/file"]' -m "a message" "$WORK/bundle" committed >/dev/null
ki unbundle "$WORK/bundle"
ki unpack committed "$WORK/committed"
check "commit keeps the container's new files" [ "$(cat "$WORK/committed/made/file")" = in-container ]
check "... and its deletions" [ ! -e "$WORK/committed/bin/vi" ]
check "commit's --change and message" \
    [ "$(config committed .Cmd)$(ki inspect committed | jq -r '.config.history[-1].comment')" = '["cat","/made/file"]a message' ]

# keel-docker's build, history, diff, commit and builder prune on the same store.
kd() {
    KEEL_ROOT=$ROOT KEEL_RUN_ROOT=$WORK/kd-run KEEL_CGROUP_PARENT=keel-build-e2e-$$ \
        "$TOP/scripts/keel-docker" "$@"
}
printf 'FROM bb\nRUN echo hi >/hi\nCMD ["cat", "/hi"]\n' >"$WORK/kd.Dockerfile"
kid=$(kd build -q -t kdimg -f "$WORK/kd.Dockerfile" "$C")
check "keel-docker build -q prints the image ID" grep -Eq "$id_re" <<<"$kid"
kd history kdimg >"$WORK/out"
check "keel-docker history: newest first, the ID on top" \
    [ "$(awk 'NR == 2 { print $1 }' "$WORK/out")" = "${kid:7:12}" ]
check "... with BuildKit's created_by" grep -q 'RUN /bin/sh -c echo hi >/hi # buildkit' "$WORK/out"
kd run --network none --name kd-diff-$$ kdimg sh -c 'echo x >/new; rm /hi; echo y >/bin/y' >/dev/null
check "keel-docker diff: docker's A/C/D lines" \
    [ "$(kd diff kd-diff-$$ | tr '\n' ' ')" = "C /bin A /bin/y D /hi A /new " ]
kd commit -c 'CMD ["cat", "/new"]' kd-diff-$$ kdcommit >/dev/null
check "keel-docker commit: the container's changes in a new image" \
    [ "$(kd run --rm --network none kdcommit)" = x ]
ki unpack kdcommit "$WORK/kdcommit"
check "... without keel-docker's /etc files or the runtime's mount points" \
    [ "$(cd "$WORK/kdcommit" && echo *)" = "bin new" ]
kd rm kd-diff-$$ >/dev/null
kd builder prune -f >"$WORK/out"
check "keel-docker builder prune" grep -q "^Total reclaimed space: " "$WORK/out"

# The same Dockerfile built by buildah gives the same rootfs and config.
if command -v buildah >/dev/null; then
    ki save -o "$WORK/bb.tar" bb
    "${BUILDAH[@]}" pull -q "docker-archive:$WORK/bb.tar" >/dev/null 2>&1
    "${BUILDAH[@]}" tag "$("${BUILDAH[@]}" images -q | head -1)" localhost/bb >/dev/null
    sed 's|^FROM bb$|FROM localhost/bb|' "$TOP/imagetool/tests/e2e/build-interop.Dockerfile" \
        >"$WORK/interop.Dockerfile"
    "${BUILDAH[@]}" bud --layers -q --runtime runc -f "$WORK/interop.Dockerfile" -t interop "$C" \
        >/dev/null 2>&1
    "${BUILDAH[@]}" push -q interop "oci:$WORK/interop-oci:interop" >/dev/null 2>&1
    umoci unpack --image "$WORK/interop-oci:interop" "$WORK/bah" >/dev/null 2>&1
    build -f "$TOP/imagetool/tests/e2e/build-interop.Dockerfile" -t interop "$C"
    ki unpack interop "$WORK/keel-interop"
    # buildah leaves the mount points of its RUN containers in the image
    # (keel removes them, as BuildKit does)
    listing() {
        (cd "$1" && find . -mindepth 1 -printf '%p %y %m %U:%G %s %l\n' | sort |
            grep -Ev '^\./(run|dev|proc|sys|etc|etc/hosts|etc/hostname|etc/resolv\.conf) ')
    }
    check "buildah bud: the same root filesystem" \
        diff <(listing "$WORK/bah/rootfs") <(listing "$WORK/keel-interop")
    fields='{Cmd,Entrypoint,Env,WorkingDir,User,ExposedPorts,Labels,Volumes,StopSignal}'
    bah=$(skopeo inspect --config "oci:$WORK/interop-oci:interop" |
        jq -c ".config | $fields | .Labels |= with_entries(select(.key != \"io.buildah.version\"))")
    check "buildah bud: the same config fields" [ "$bah" = "$(config interop "$fields")" ]
    ki save -o "$WORK/interop.tar" interop
    "${PODMAN[@]}" load -q -i "$WORK/interop.tar" >/dev/null 2>&1
    check "the built image, saved and loaded into podman, runs there" \
        [ "$("${PODMAN[@]}" run --rm --network none --ulimit nofile=1024:1024 \
            --ulimit nproc=1024:1024 docker.io/library/interop 2>&1)" = ran ]
else
    skip "buildah bud interop" "buildah not installed"
fi

tap_finish
