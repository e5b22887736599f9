#!/bin/bash
# The e2e harness for keel-image, sourced by the *_test.sh suites: a real
# docker-registry on 127.0.0.1 (plain, htpasswd or token auth), the test
# doubles in fakes.py, test images built with umoci and pushed with skopeo,
# and TAP output. Everything lives under $E2E_DIR and goes at exit.
set -eu

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KEEL_IMAGE=${KEEL_IMAGE:-$(cd "$E2E_HERE/../../.." && pwd)/bin/keel-image}
E2E_DIR=$(mktemp -d /tmp/keel-image-e2e.XXXXXX)
E2E_PIDS=()
TAP_N=0
TAP_FAILED=0

e2e_cleanup() {
	local pid
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${E2E_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$E2E_DIR"
}
trap e2e_cleanup EXIT

# --- TAP ---------------------------------------------------------------------
ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	if [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | sed 's/^/# /'
	fi
}

# check DESCRIPTION COMMAND...: one test from a command's exit status.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "$out"
	fi
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# --- processes ---------------------------------------------------------------
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL: until something answers there.
wait_http() {
	for _ in $(seq 200); do
		if curl -sk -o /dev/null "$1"; then
			return 0
		fi
		sleep 0.05
	done
	echo "nothing answers at $1" >&2
	return 1
}

# start_registry NAME STORAGE [AUTH_YAML]: a docker-registry on a free port
# serving STORAGE; sets REG_PORT. It listens on $REG_HOST (default 127.0.0.1)
# and speaks TLS with $REG_TLS.crt and $REG_TLS.key when REG_TLS is set.
start_registry() {
	local name=$1 storage=$2 auth=${3:-} host=${REG_HOST:-127.0.0.1} scheme=http
	REG_PORT=$(free_port)
	{
		printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
		printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$storage"
		printf '  delete:\n    enabled: true\n'
		printf 'http:\n  addr: %s:%s\n  secret: keel-e2e\n' "$host" "$REG_PORT"
		if [ -n "${REG_TLS:-}" ]; then
			printf '  tls:\n    certificate: %s.crt\n    key: %s.key\n' "$REG_TLS" "$REG_TLS"
			scheme=https
		fi
		if [ -n "$auth" ]; then
			printf 'auth:\n%s\n' "$auth"
		fi
	} >"$E2E_DIR/$name.yml"
	docker-registry serve "$E2E_DIR/$name.yml" >"$E2E_DIR/$name.log" 2>&1 &
	E2E_PIDS+=("$!")
	wait_http "$scheme://$host:$REG_PORT/"
}

# start_token_registry STORAGE: a registry with docker's token auth, its
# tokens from fakes.py's token server (alice:secret; see fakes.py); sets REG_PORT.
start_token_registry() {
	local tp
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$E2E_DIR/token.key" -out "$E2E_DIR/token.crt" \
		-days 1 -subj /CN=keel-e2e-token 2>/dev/null
	tp=$(free_port)
	start_fake token token "$tp" keel-issuer keel-registry "$E2E_DIR/token.key" "$E2E_DIR/token.crt" alice:secret
	start_registry token "$1" "  token:
    realm: http://127.0.0.1:$tp/token
    service: keel-registry
    issuer: keel-issuer
    rootcertbundle: $E2E_DIR/token.crt"
}

# start_fake NAME ARGS...: fakes.py in the background, once it is listening.
start_fake() {
	local name=$1
	shift
	python3 "$E2E_HERE/fakes.py" "$@" >"$E2E_DIR/$name.out" 2>"$E2E_DIR/$name.err" &
	E2E_PIDS+=("$!")
	for _ in $(seq 200); do
		if grep -q ready "$E2E_DIR/$name.out" 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	echo "fakes.py $name did not start: $(cat "$E2E_DIR/$name.err")" >&2
	return 1
}

# --- images ------------------------------------------------------------------
# build_image LAYOUT TAG ARCH [EXTRA_MB]: an umoci image of busybox (and EXTRA_MB
# of random data in a second layer) whose config says linux/ARCH.
build_image() {
	local layout=$1 tag=$2 arch=$3 extra=${4:-0} root
	root=$(mktemp -d "$E2E_DIR/rootfs.XXXXXX")
	mkdir -p "$root/bin" "$root/etc"
	cp /bin/busybox "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	echo "$tag $arch" >"$root/etc/keel-test"
	[ -e "$layout/index.json" ] || umoci init --layout "$layout"
	umoci new --image "$layout:$tag"
	umoci insert --image "$layout:$tag" "$root/bin" /bin
	umoci insert --image "$layout:$tag" "$root/etc" /etc
	if [ "$extra" -gt 0 ]; then
		head -c "$((extra << 20))" /dev/urandom >"$root/data.bin"
		umoci insert --image "$layout:$tag" "$root/data.bin" /data.bin
	fi
	umoci config --image "$layout:$tag" --os linux --architecture "$arch" --config.cmd /bin/sh
}

# push LAYOUT:TAG PORT REPO:TAG [gzip|zstd|none|v2s2]: to a registry without
# auth, layers compressed as asked (gzip is what umoci made).
push() {
	local layout=${1%%:*} tag=${1#*:} port=$2 dst=$3 form=${4:-gzip} tmp
	case $form in
	gzip)
		python3 "$E2E_HERE/fakes.py" push "$layout" "$tag" "$port" "$dst"
		;;
	v2s2)
		skopeo copy -q --dest-tls-verify=false --format v2s2 "oci:$1" "docker://127.0.0.1:$port/$dst" >/dev/null
		;;
	none)
		python3 "$E2E_HERE/fakes.py" push "$layout" "$tag" "$port" "$dst" --decompress
		;;
	zstd)
		tmp=$(mktemp -d "$E2E_DIR/layout.XXXXXX")
		skopeo copy -q --dest-compress --dest-compress-format zstd "oci:$1" "oci:$tmp/zstd:x" >/dev/null
		python3 "$E2E_HERE/fakes.py" push "$tmp/zstd" x "$port" "$dst"
		;;
	esac
}

# push_index PORT REPO TAG ARCH...: an OCI index of REPO:ARCH's manifests
# (one per ARCH, already in the registry) put as REPO:TAG.
push_index() {
	local port=$1 repo=$2 tag=$3 arch f entries=
	shift 3
	for arch in "$@"; do
		f=$E2E_DIR/m-$repo-$arch
		mkdir -p "${f%/*}"
		curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" -o "$f" "http://127.0.0.1:$port/v2/$repo/manifests/$arch"
		entries+="${entries:+,}$(printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"linux","architecture":"%s"}}' \
			"$(sha256sum <"$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$arch")"
	done
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$entries" >"$E2E_DIR/index.json"
	curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' \
		--data-binary "@$E2E_DIR/index.json" "http://127.0.0.1:$port/v2/$repo/manifests/$tag"
}

# registry_digest PORT REPO REFERENCE: the digest the registry gives a manifest.
registry_digest() {
	curl -sf -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json' \
		"http://127.0.0.1:$1/v2/$2/manifests/$3" | sha256sum | sed 's/^\([0-9a-f]*\).*/sha256:\1/'
}

# registry_blob_file STORAGE DIGEST: where docker-registry keeps a blob.
registry_blob_file() {
	local hex=${2#sha256:}
	echo "$1/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# check_store ROOT [--no-garbage]: see check_store.py.
check_store() {
	python3 "$E2E_HERE/check_store.py" "$@"
}
