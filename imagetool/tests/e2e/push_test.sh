#!/bin/bash
# keel-image push, login and logout against a real docker-registry (plain,
# htpasswd Basic and token auth): images pulled back by skopeo with equal
# digests, nothing sent twice, mounts across repositories, chunked uploads
# resumed after a dropped connection, a two-platform index, credentials in
# docker's config.json or a credential helper, and failures that leave the
# store as it was. TAP output.
# shellcheck source-path=SCRIPTDIR
set -eu
# shellcheck source=registry.sh
. "$(dirname "$0")/registry.sh"

STORAGE=$E2E_DIR/storage
LAYOUT=$E2E_DIR/layout
S=$E2E_DIR/store
UPLOG=$E2E_DIR/uploads.log
export DOCKER_CONFIG=$E2E_DIR/docker

K() {
	"$KEEL_IMAGE" --root "$S" "$@"
}

# fails_with MESSAGE COMMAND...: the command fails and says MESSAGE.
fails_with() {
	local msg=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "succeeded: $out"
		return 1
	fi
	echo "$out"
	[[ "$out" == *"$msg"* ]]
}

# A digest of every file of the store: a failed push must not change it.
store_sum() {
	(cd "$S" && find . -type f ! -name lock -print0 | sort -z | xargs -0 sha256sum | sha256sum)
}

# untouched_after MESSAGE COMMAND...: fails_with, and the store is as before.
untouched_after() {
	local before
	before=$(store_sum)
	fails_with "$@" || return 1
	[ "$(store_sum)" = "$before" ] || { echo "the store changed"; return 1; }
}

# uploads REPO: blob upload requests (POST, PATCH, PUT) the proxy saw for REPO.
uploads() {
	grep -cE "^(POST|PATCH|PUT) /v2/$1/blobs/uploads/" "$UPLOG" || true
}

# pulled_back REF DIGEST: skopeo copies REF into an OCI layout; its digest is DIGEST.
pulled_back() {
	local dir
	dir=$(mktemp -d "$E2E_DIR/back.XXXXXX")
	skopeo copy -q --src-tls-verify=false "docker://$1" "oci:$dir/layout:x" >/dev/null &&
		[ "$(skopeo inspect --format '{{.Digest}}' "oci:$dir/layout:x")" = "$2" ]
}

# --- fixtures ------------------------------------------------------------------
start_registry plain "$STORAGE"
PLAIN=$REG_PORT
R=127.0.0.1:$PLAIN
build_image "$LAYOUT" amd64 amd64
build_image "$LAYOUT" arm64 arm64
build_image "$LAYOUT" big amd64 3
push "$LAYOUT:amd64" "$PLAIN" test/multi:amd64
push "$LAYOUT:arm64" "$PLAIN" test/multi:arm64
push_index "$PLAIN" test/multi v1 amd64 arm64
MULTI=$(registry_digest "$PLAIN" test/multi v1)
PP=$(free_port)
start_fake uploadproxy uploadproxy "$PP" "$PLAIN" "$UPLOG"
P=127.0.0.1:$PP

# the store gets the images from an OCI archive: it knows of no registry yet
tar -C "$LAYOUT" -cf "$E2E_DIR/layout.tar" .
K load -i "$E2E_DIR/layout.tar" >/dev/null
BB=$(K inspect amd64 | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
BIG=$(K inspect big | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')

# --- push ----------------------------------------------------------------------
first_push() {
	local out
	out=$(K push amd64 "$P/test/bb:v1") || return 1
	echo "$out"
	grep -q "^The push refers to repository \[$P/test/bb\]$" <<<"$out" &&
		grep -qE '^[0-9a-f]{12}: Preparing$' <<<"$out" &&
		[ "$(grep -cE '^[0-9a-f]{12}: Pushed$' <<<"$out")" = 2 ] &&
		grep -qE "^v1: digest: $BB size: [0-9]+$" <<<"$out" &&
		[ "$(registry_digest "$PLAIN" test/bb v1)" = "$BB" ] &&
		pulled_back "$R/test/bb:v1" "$BB"
}
check "push: the manifest keeps its digest; skopeo pulls the image back" first_push
again() {
	local before out
	before=$(uploads test/bb)
	out=$(K push amd64 "$P/test/bb:v1") || return 1
	echo "$out"
	[ "$(grep -c 'Layer already exists' <<<"$out")" = 2 ] && [ "$(uploads test/bb)" = "$before" ]
}
check "push again: every blob already exists, nothing uploaded" again
mounted() {
	local out
	out=$(K push amd64 "$P/test/other:v1") || return 1
	echo "$out"
	[ "$(grep -c 'Mounted from test/bb$' <<<"$out")" = 2 ] &&
		grep -q "^POST /v2/test/other/blobs/uploads/?mount=sha256:.*&from=test/bb" "$UPLOG" &&
		! grep -qE "^(PATCH|PUT) /v2/test/other/blobs/uploads/" "$UPLOG" &&
		pulled_back "$R/test/other:v1" "$BB"
}
check "push to another repository: the blobs are mounted, not sent" mounted
quiet() {
	[ "$(K push -q amd64 "$P/test/bb:v1")" = "$BB" ]
}
check "push -q prints the digest" quiet
chunked() {
	KEEL_PUSH_CHUNK_SIZE=1000000 K push -q big "$P/drop/big:v1" || return 1
	grep -E "^(GET|PATCH|dropped|POST) /v2/drop/big/" "$UPLOG" | cut -c1-80
	grep -q "^dropped /v2/drop/big/blobs/uploads/" "$UPLOG" &&
		grep -q "^GET /v2/drop/big/blobs/uploads/" "$UPLOG" &&
		[ "$(grep -c "^PATCH /v2/drop/big/" "$UPLOG")" -ge 5 ] &&
		pulled_back "$R/drop/big:v1" "$BIG"
}
check "a large layer goes in chunks; a dropped connection resumes from the registry's Range" chunked
multi_platform() {
	local s2=$E2E_DIR/multistore
	"$KEEL_IMAGE" --root "$s2" ls >/dev/null
	skopeo copy -q --all --src-tls-verify=false "docker://$R/test/multi:v1" "oci:$s2/oci:docker.io/library/multi:v1" >/dev/null
	"$KEEL_IMAGE" --root "$s2" push multi:v1 "$P/pushed/multi:v1" || return 1
	[ "$(registry_digest "$PLAIN" pushed/multi v1)" = "$MULTI" ] &&
		[ "$(skopeo inspect --tls-verify=false --override-arch arm64 --format '{{.Architecture}}' "docker://$R/pushed/multi:v1")" = arm64 ]
}
check "a two-platform index: both manifests, then the index, digests kept" multi_platform
check "pushing an image that is not in the store fails clearly" \
	untouched_after "image docker.io/library/nothere:latest not found" K push nothere "$P/x/y:v1"
check "a registry that goes away mid-push: a clear error, the store untouched" \
	untouched_after "push $P/gone/bb: blob sha256:" K push amd64 "$P/gone/bb:v1"

# --- Basic auth ------------------------------------------------------------------
htpasswd -Bbn alice secret >"$E2E_DIR/htpasswd"
start_registry basic "$STORAGE" "  htpasswd:
    realm: keel-e2e
    path: $E2E_DIR/htpasswd"
B=127.0.0.1:$REG_PORT
check "Basic: push with --creds" K push -q --creds alice:secret amd64 "$B/basic/bb:v1"
check "Basic: a wrong password fails clearly, the store untouched" \
	untouched_after "authentication failed" K push --creds alice:wrong amd64 "$B/basic/bb:v1"

# --- Bearer tokens -------------------------------------------------------------------
start_token_registry "$STORAGE"
T_PORT=$REG_PORT
T=127.0.0.1:$REG_PORT
token_push() {
	local out
	K push -q --creds alice:secret amd64 "$T/private/a:v1" >/dev/null || return 1
	out=$(K push --creds alice:secret amd64 "$T/private/b:v1") || return 1
	echo "$out"
	[ "$(grep -c 'Mounted from private/a$' <<<"$out")" = 2 ] &&
		[ "$(registry_digest "$PLAIN" private/b v1)" = "$BB" ]
}
check "Bearer: push with a pull,push token; a second repository mounts with pull on the first" token_push
# started here, not in expired(): check runs that in a subshell, whose E2E_PIDS
# the cleanup never sees (the proxy outlived the suite)
TPP=$(free_port)
start_fake tokenproxy uploadproxy "$TPP" "$T_PORT" "$E2E_DIR/tokenproxy.log" ||
	{ echo "Bail out! the token proxy did not start"; exit 1; }
expired() {
	local tpp=$TPP
	K push -q --creds alice:secret big "127.0.0.1:$tpp/expire/big:v1" || return 1
	grep "^status" "$E2E_DIR/tokenproxy.log" | cut -c1-60
	# the upload the registry refused went again, with a new token, and made it
	grep -qE "^status 401 (PUT|PATCH) /v2/expire/big/blobs/uploads/" "$E2E_DIR/tokenproxy.log" &&
		grep -qE "^status 201 PUT /v2/expire/big/blobs/uploads/" "$E2E_DIR/tokenproxy.log" &&
		[ "$(registry_digest "$PLAIN" expire/big v1)" = "$BIG" ]
}
check "Bearer: a token that lapses mid-push is fetched again once, and the push finishes" expired
mount_refused() {
	local out hex
	# the store's first guess for every blob is a repository this user may not read
	for hex in "$S"/sources/sha256/*; do
		sed -i "1i $T/forbidden/x" "$hex"
	done
	out=$(K push --creds alice:secret amd64 "$T/private/fb:v1") || return 1
	echo "$out"
	[ "$(grep -c ': Pushed$' <<<"$out")" = 2 ] && [ "$(registry_digest "$PLAIN" private/fb v1)" = "$BB" ]
}
check "Bearer: a mount the token does not allow falls back to an upload" mount_refused
check "Bearer: no push permission (the token server grants pull only) fails clearly" \
	untouched_after "authentication failed for readonly/bb" K push --creds alice:secret amd64 "$T/readonly/bb:v1"
check "Bearer: wrong credentials are refused by the token server" \
	untouched_after "refused the credentials" K push --creds alice:nope amd64 "$T/private/c:v1"

# --- login and logout ------------------------------------------------------------------
mkdir -p "$DOCKER_CONFIG"
printf '{"psFormat":"table {{.ID}}","auths":{"other.example":{"auth":"eDp5"}}}' >"$DOCKER_CONFIG/config.json"
CFG=$DOCKER_CONFIG/config.json
login_stores() {
	local out err
	out=$(echo secret | "$KEEL_IMAGE" login -u alice --password-stdin "$B" 2>"$E2E_DIR/login.err") || return 1
	err=$(cat "$E2E_DIR/login.err")
	echo "$out"
	echo "$err"
	[ "$out" = "Login Succeeded" ] &&
		[[ "$err" == "WARNING! Your password will be stored unencrypted in $CFG."* ]] &&
		[ "$(stat -c %a "$CFG")" = 600 ] &&
		python3 - "$CFG" "$B" <<'PY'
import base64, json, sys
c = json.load(open(sys.argv[1]))
assert c["psFormat"] == "table {{.ID}}", c
assert c["auths"]["other.example"] == {"auth": "eDp5"}, c
assert base64.b64decode(c["auths"][sys.argv[2]]["auth"]) == b"alice:secret", c
PY
}
check "login: verified, stored base64 in config.json (0600, other keys kept), docker's warning" login_stores
login_used() {
	K push -q amd64 "$B/login/bb:v1" &&
		[ "$("$KEEL_IMAGE" --root "$E2E_DIR/loginpull" pull -q "$B/login/bb:v1")" = "$BB" ]
}
check "login: push and pull use the stored credentials" login_used
check "login: a wrong password fails clearly and stores nothing" \
	fails_with "authentication failed" "$KEEL_IMAGE" login -u bob -p wrong "$B"
relogin() {
	local out
	out=$("$KEEL_IMAGE" login "$B" 2>/dev/null </dev/null) || return 1
	echo "$out"
	[ "$out" = "Authenticating with existing credentials...
Login Succeeded" ]
}
check "login with nothing given checks the stored credentials again" relogin
logout_removes() {
	[ "$("$KEEL_IMAGE" logout "$B")" = "Removing login credentials for $B" ] &&
		python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert sys.argv[2] not in c["auths"] and "other.example" in c["auths"] and "psFormat" in c, c' "$CFG" "$B" &&
		[ "$("$KEEL_IMAGE" logout "$B")" = "Not logged in to $B" ] &&
		fails_with "requires credentials" K push amd64 "$B/login/bb:v1"
}
check "logout: the credentials are gone, other entries kept; a push then needs credentials" logout_removes
token_login() {
	echo secret | "$KEEL_IMAGE" login -u alice --password-stdin "$T" 2>/dev/null &&
		K push -q amd64 "$T/private/login:v1" && "$KEEL_IMAGE" logout "$T"
}
check "login against a token server, then push with the stored credentials" token_login

# A credential helper keeping its secrets in a file (docker's protocol).
mkdir -p "$E2E_DIR/helper"
cat >"$E2E_DIR/helper/docker-credential-keeltest" <<EOF
#!/bin/bash
store=$E2E_DIR/helper/secrets
case "\$1" in
store) cat >"\$store" ;;
get) read -r server; if [ -s "\$store" ]; then cat "\$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
erase) read -r server; rm -f "\$store" ;;
esac
EOF
chmod +x "$E2E_DIR/helper/docker-credential-keeltest"
helper() {
	local err
	printf '{"credsStore":"keeltest"}' >"$CFG"
	PATH=$E2E_DIR/helper:$PATH "$KEEL_IMAGE" login -u alice -p secret "$B" >/dev/null 2>"$E2E_DIR/helper.err" || return 1
	err=$(cat "$E2E_DIR/helper.err")
	echo "$err"
	[[ "$err" != *unencrypted* ]] &&
		grep -q '"Username":"alice"' "$E2E_DIR/helper/secrets" &&
		python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["auths"][sys.argv[2]] == {}, c' "$CFG" "$B" &&
		PATH=$E2E_DIR/helper:$PATH K push -q amd64 "$B/helper/bb:v1" &&
		PATH=$E2E_DIR/helper:$PATH "$KEEL_IMAGE" logout "$B" &&
		[ ! -e "$E2E_DIR/helper/secrets" ]
}
check "credsStore: login stores through docker-credential-NAME, push gets them back, logout erases" helper

tap_done
