#!/bin/bash
# keel-image pull against a real docker-registry: OCI, Docker v2s2, zstd and
# uncompressed images, a two-platform index, digests, schema 1, a corrupted
# blob, Basic and token auth, redirects, retries and SIGKILL. TAP output.
# shellcheck source-path=SCRIPTDIR
set -eu
# shellcheck source=registry.sh
. "$(dirname "$0")/registry.sh"

STORAGE=$E2E_DIR/storage
LAYOUT=$E2E_DIR/layout
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json

pull() {
	"$KEEL_IMAGE" --root "$1" pull "${@:2}"
}

# fails_with STORE MESSAGE PULL-ARGS...: the pull fails and says MESSAGE.
fails_with() {
	local store=$1 msg=$2 out
	shift 2
	if out=$(pull "$store" "$@" 2>&1); then
		echo "pull succeeded: $out"
		return 1
	fi
	echo "$out"
	[[ "$out" == *"$msg"* ]]
}

# --- fixtures ------------------------------------------------------------------
start_registry plain "$STORAGE"
PLAIN=$REG_PORT
R=127.0.0.1:$PLAIN
for t in amd64 arm64 corrupt public private; do
	build_image "$LAYOUT" "$t" "${t/[cp]*/amd64}"
done
build_image "$LAYOUT" big amd64 4
push "$LAYOUT:amd64" "$PLAIN" test/oci:v1
push "$LAYOUT:amd64" "$PLAIN" test/docker:v1 v2s2
push "$LAYOUT:amd64" "$PLAIN" test/zstd:v1 zstd
push "$LAYOUT:amd64" "$PLAIN" test/plain:v1 none
push "$LAYOUT:amd64" "$PLAIN" test/multi:amd64
push "$LAYOUT:arm64" "$PLAIN" test/multi:arm64
push "$LAYOUT:corrupt" "$PLAIN" test/corrupt:v1
push "$LAYOUT:public" "$PLAIN" public/img:v1
push "$LAYOUT:private" "$PLAIN" private/img:v1
push "$LAYOUT:amd64" "$PLAIN" redirect/img:v1
push "$LAYOUT:amd64" "$PLAIN" flaky/img:v1
push "$LAYOUT:amd64" "$PLAIN" norange/img:v1
push "$LAYOUT:big" "$PLAIN" slow/big:v1

# The two-platform index, assembled from the two manifests.
push_index "$PLAIN" test/multi v1 amd64 arm64
AMD64=$(registry_digest "$PLAIN" test/multi amd64)
ARM64=$(registry_digest "$PLAIN" test/multi arm64)

# --- formats -----------------------------------------------------------------
S=$E2E_DIR/store
layer_types() {
	curl -sf -H "Accept: $OCI_MANIFEST, application/vnd.docker.distribution.manifest.v2+json" \
		"http://$R/v2/test/$1/manifests/v1" | python3 -c 'import json,sys; print(" ".join(l["mediaType"] for l in json.load(sys.stdin)["layers"]))'
}
pulled_is() {
	local got want
	got=$(pull "$S" -q "$R/test/$1:v1")
	want=$(registry_digest "$PLAIN" "test/$1" v1)
	[ "$got" = "$want" ] || { echo "pulled $got, registry has $want"; return 1; }
	check_store "$S"
	if [ "$1" = docker ]; then
		# skopeo's oci: transport only lists OCI media types; the entry keeps docker's
		grep -q '"application/vnd.docker.distribution.manifest.v2+json","digest":"'"$want" "$S/oci/index.json"
	else
		[ "$(skopeo inspect --format '{{.Digest}}' "oci:$S/oci:$R/test/$1:v1")" = "$want" ]
	fi
}
types_ok() {
	[[ "$(layer_types zstd)" == *+zstd* && "$(layer_types plain)" == *v1.tar && "$(layer_types docker)" == *docker* ]]
}
check "test images have the layer types they claim" types_ok
for f in oci docker zstd plain; do
	check "pull $f image: digest equals the registry's, store consistent, readable by skopeo" pulled_is "$f"
done

repull_skips() {
	local out
	out=$(pull "$S" "$R/test/oci:v1")
	echo "$out"
	! grep -q downloading <<<"$out" && grep -q "already present" <<<"$out"
}
check "pulling again downloads nothing" repull_skips

quiet_prints_digest() {
	local out
	out=$(pull "$S" -q "$R/test/oci:v1")
	[[ "$out" =~ ^sha256:[0-9a-f]{64}$ ]]
}
check "-q prints only the digest" quiet_prints_digest

# --- platforms and digests -----------------------------------------------------------
entries_named() {
	python3 -c 'import json,sys; print(sum(1 for m in json.load(open(sys.argv[1]))["manifests"] if m.get("annotations",{}).get("org.opencontainers.image.ref.name")==sys.argv[2]))' \
		"$S/oci/index.json" "$1"
}
multi() {
	[ "$(pull "$S" -q "$R/test/multi:v1")" = "$AMD64" ] || { echo "host platform: wrong manifest"; return 1; }
	[ "$(pull "$S" -q --platform linux/arm64 "$R/test/multi:v1")" = "$ARM64" ] || { echo "arm64: wrong manifest"; return 1; }
	[ "$(entries_named "$R/test/multi:v1")" = 1 ] || { echo "tag not re-pointed"; return 1; }
	[ "$(skopeo inspect --format '{{.Architecture}}' "oci:$S/oci:$R/test/multi:v1")" = arm64 ]
}
check "a two-platform index: host platform by default, --platform re-points the tag" multi
no_platform() {
	local out
	if out=$(pull "$S" -q --platform linux/s390x "$R/test/multi:v1" 2>&1); then return 1; fi
	echo "$out"
	[[ "$out" == *"no image for linux/s390x"*"linux/amd64, linux/arm64"* ]]
}
check "a platform the index lacks is refused, naming what it has" no_platform
check "--platform must match a single-platform image" \
	fails_with "$E2E_DIR/wrongplatform" "is for linux/amd64, not linux/arm64" --platform linux/arm64 "$R/test/oci:v1"
by_digest() {
	local d
	d=$(registry_digest "$PLAIN" test/docker v1)
	[ "$(pull "$S" -q "$R/test/docker@$d")" = "$d" ] && [ "$(entries_named "$R/test/docker@$d")" = 1 ]
}
check "pull by digest" by_digest

# --- refusals ----------------------------------------------------------------
PP=$(free_port)
start_fake proxy proxy "$PP" "$PLAIN" "$STORAGE" "$E2E_DIR/blobs.log"
PROXY=127.0.0.1:$PP

check "a schema 1 manifest is refused clearly" \
	fails_with "$S" "schema 1 is not supported" "$PROXY/schema1/old:v1"
check "a non-loopback registry is spoken to over https" \
	fails_with "$S" "https://keel-e2e.invalid/v2/" keel-e2e.invalid/x:v1

# TLS and --insecure need an address that is not loopback; skipped without one.
EXT_IP=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -m1 -E '^[0-9.]+$' || true)
if [ -n "$EXT_IP" ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$E2E_DIR/tls.key" -out "$E2E_DIR/tls.crt" \
		-days 1 -subj /CN=keel-e2e -addext "subjectAltName=IP:$EXT_IP" 2>/dev/null
	REG_HOST=$EXT_IP REG_TLS=$E2E_DIR/tls start_registry tls "$STORAGE"
	TLS=$EXT_IP:$REG_PORT
	REG_HOST=$EXT_IP start_registry plainext "$STORAGE"
	EXT=$EXT_IP:$REG_PORT
	check "TLS is verified: a self-signed registry certificate is refused" \
		fails_with "$E2E_DIR/tls" "certificate" "$TLS/test/oci:v1"
	check "a registry that is not on loopback gets no plain HTTP without --insecure" \
		fails_with "$E2E_DIR/tls" "https://$EXT/v2/" "$EXT/test/oci:v1"
	check "--insecure: plain HTTP to a registry that is not on loopback" \
		pull "$E2E_DIR/tls" -q --insecure "$EXT/test/oci:v1"
else
	for t in "TLS is verified" "no plain HTTP without --insecure" "--insecure"; do
		ok "$t # skip no address other than loopback"
	done
fi

corrupt() {
	local layer file store=$E2E_DIR/corrupt
	layer=$(curl -sf -H "Accept: $OCI_MANIFEST" "http://$R/v2/test/corrupt/manifests/v1" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][1]["digest"])')
	file=$(registry_blob_file "$STORAGE" "$layer")
	python3 -c 'import sys; p=sys.argv[1]; d=bytearray(open(p,"rb").read()); d[len(d)//2]^=0xff; open(p,"wb").write(d)' "$file"
	fails_with "$store" "blob $layer: digest mismatch: expected $layer, got sha256:" "$R/test/corrupt:v1" || return 1
	[ ! -e "$store/oci/blobs/sha256/${layer#sha256:}" ] || { echo "corrupt blob kept"; return 1; }
	[ -z "$(ls -A "$store/tmp")" ] || { echo "temp files left: $(ls "$store/tmp")"; return 1; }
	[ "$(cat "$store/oci/index.json")" = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}' ]
}
check "a corrupted blob in the registry is refused and leaves no trace" corrupt

# --- Basic auth (htpasswd) ------------------------------------------------------------
htpasswd -Bbn alice secret >"$E2E_DIR/htpasswd"
start_registry basic "$STORAGE" "  htpasswd:
    realm: keel-e2e
    path: $E2E_DIR/htpasswd"
B=127.0.0.1:$REG_PORT
check "Basic: without credentials the error says so" \
	fails_with "$E2E_DIR/basic" "requires credentials" "$B/test/oci:v1"
check "Basic: wrong credentials fail clearly" \
	fails_with "$E2E_DIR/basic" "authentication failed" --creds alice:wrong "$B/test/oci:v1"
check "Basic: --creds" pull "$E2E_DIR/basic" -q --creds alice:secret "$B/test/oci:v1"
mkdir -p "$E2E_DIR/dockercfg"
printf '{"auths":{"http://%s":{"auth":"%s"}}}' "$B" "$(printf alice:secret | base64)" >"$E2E_DIR/dockercfg/config.json"
check "Basic: credentials from \$DOCKER_CONFIG/config.json" \
	env DOCKER_CONFIG="$E2E_DIR/dockercfg" "$KEEL_IMAGE" --root "$E2E_DIR/basic2" pull -q "$B/test/docker:v1"

# --- Bearer tokens (docker-registry's token auth, tokens from fakes.py) ------------------
start_token_registry "$STORAGE"
T=127.0.0.1:$REG_PORT
token_pull() {
	local want
	want=$(registry_digest "$PLAIN" "$1" v1)
	[ "$(pull "$E2E_DIR/token" -q "${@:3}" "$T/$1:v1")" = "$want" ] && [ -n "$2" ]
}
check "Bearer: anonymous token for a public repository" token_pull public/img anon
check "Bearer: token with credentials" token_pull private/img creds --creds alice:secret
check "Bearer: anonymous access to a private repository fails clearly" \
	fails_with "$E2E_DIR/token" "authentication failed" "$T/private/img:v1"
check "Bearer: wrong credentials are refused by the token server" \
	fails_with "$E2E_DIR/token" "refused the credentials" --creds alice:nope "$T/private/img:v1"
check "Bearer: store consistent" check_store "$E2E_DIR/token"

# --- redirects and retries ----------------------------------------------------
BP=$(free_port)
start_fake basicproxy proxy "$BP" "$PLAIN" "$STORAGE" "$E2E_DIR/redirect.log" --basic alice:secret
redirected() {
	[ "$(pull "$E2E_DIR/redirect" -q --creds alice:secret "127.0.0.1:$BP/redirect/img:v1")" = \
		"$(registry_digest "$PLAIN" redirect/img v1)" ] || return 1
	cat "$E2E_DIR/redirect.log"
	grep -q "auth=no" "$E2E_DIR/redirect.log" && ! grep -q "auth=yes" "$E2E_DIR/redirect.log"
}
check "redirects to blob storage, without the registry's Authorization" redirected
retried() {
	[ "$(pull "$E2E_DIR/flaky" -q "$PROXY/flaky/img:v1")" = "$(registry_digest "$PLAIN" flaky/img v1)" ] &&
		check_store "$E2E_DIR/flaky"
}
check "retries on 503, 429 and dropped connections" retried
check "a dropped download resumes with a Range request" grep -q "range=bytes=100-" "$E2E_DIR/blobs.log"
no_range() {
	# the resume was asked for, got the whole blob, and the digest still matches
	[ "$(pull "$E2E_DIR/norange" -q "$PROXY/norange/img:v1")" = "$(registry_digest "$PLAIN" norange/img v1)" ] &&
		grep -q "^/v2/norange/.* range=bytes=100-" "$E2E_DIR/blobs.log" &&
		check_store "$E2E_DIR/norange" --no-garbage
}
check "a server that ignores Range gets the whole blob again" no_range

# --- SIGKILL at any point -------------------------------------------------------
killed() {
	local store=$E2E_DIR/killed delay pid
	for delay in 0.05 0.3 1 2; do
		pull "$store" -q "$PROXY/slow/big:v1" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		check_store "$store" || { echo "inconsistent after a kill at ${delay}s"; return 1; }
	done
	# blobs finished before the kill stay: the config and the small layers
	[ "$(find "$store/oci/blobs/sha256" -type f | wc -l)" -ge 2 ] || { echo "completed blobs lost"; return 1; }
	[ "$(pull "$store" -q "$PROXY/slow/big:v1")" = "$(registry_digest "$PLAIN" slow/big v1)" ] &&
		check_store "$store"
}
check "a pull killed with SIGKILL leaves a consistent store; the next one finishes" killed
gc_after_kill() {
	"$KEEL_IMAGE" --root "$E2E_DIR/killed" gc && check_store "$E2E_DIR/killed" --no-garbage
}
check "gc after killed pulls leaves nothing unreferenced" gc_after_kill

concurrent() {
	local store=$E2E_DIR/concurrent a b c
	pull "$store" -q "$R/test/multi:v1" >/dev/null &
	a=$!
	pull "$store" -q "$R/test/oci:v1" >/dev/null &
	b=$!
	pull "$store" -q "$R/test/plain:v1" >/dev/null &
	c=$!
	wait "$a" && wait "$b" && wait "$c" && check_store "$store" --no-garbage &&
		[ "$("$KEEL_IMAGE" --root "$store" ls -q | wc -l)" = 3 ]
}
check "concurrent pulls into one store" concurrent

# --- ls, inspect, tag, rm, gc on what was pulled ------------------------------------
K() {
	"$KEEL_IMAGE" --root "$S" "$@"
}
listed() {
	K ls --format json >"$E2E_DIR/ls.json"
	python3 - "$R" "$AMD64" "$ARM64" "$E2E_DIR/ls.json" <<'PY'
import json, sys
r, amd64, arm64, path = sys.argv[1:]
imgs = {i["reference"]: i for i in json.load(open(path))}
m = imgs[r + "/test/multi:v1"]
assert m["digest"] == arm64 and m["platform"] == "linux/arm64", m
assert m["size"] > 1000000 and m["created"].startswith("20"), m
assert imgs[r + "/test/oci:v1"]["platform"] == "linux/amd64"
PY
	K ls | grep -q "^$R/test/oci:v1 .* linux/amd64" && [ "$(K ls -q | wc -l)" -ge 6 ]
}
check "ls lists every reference with digest, size, created and platform" listed
inspected() {
	K inspect "$R/test/zstd:v1" | python3 -c '
import json, sys
i = json.load(sys.stdin)
assert i["reference"].endswith("/test/zstd:v1")
assert i["manifest"]["layers"][0]["mediaType"].endswith("+zstd")
assert i["config"]["rootfs"]["diff_ids"][0] == i["layers"][0]["diff_id"]
assert i["digest"].startswith("sha256:")'
}
check "inspect shows the manifest, config and layers" inspected
rm_then_gc() {
	K tag "$R/test/oci:v1" keep/me:1 &&
		K rm "$R/test/oci:v1" "$R/test/zstd:v1" "$R/test/plain:v1" "$R/test/docker:v1" &&
		K gc | tail -1 &&
		check_store "$S" --no-garbage &&
		[ "$(K inspect keep/me:1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')" = \
			"$(registry_digest "$PLAIN" test/oci v1)" ] &&
		! K inspect "$R/test/zstd:v1" 2>/dev/null
}
check "rm then gc: nothing unreferenced left, nothing referenced removed" rm_then_gc

tap_done
