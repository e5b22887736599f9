# shellcheck shell=bash
# keel-docker import: a filesystem tar (a file, a URL or stdin; plain or
# compressed) made into a one-layer image, its config from --change
# instructions, loaded into the store as a docker-save archive.

USAGE='[OPTIONS] file|URL|- [REPOSITORY[:TAG]]'
ABOUT='Import the contents from a tarball to create a filesystem image'
ALIASES='image import, import'
OPTS=(
    'c|change|list|Apply Dockerfile instruction to the created image'
    'm|message|string|Set commit message for imported image'
    '|platform|string|Set platform if server is multi-platform capable'
)

cmd_import() {
    opts_parse 1 "$@"
    opts_nargs min 1
    [ "${#ARGS[@]}" -le 2 ] || opts_nargs exact 2
    local src=${ARGS[0]} ref=${ARGS[1]:-} os=linux arch
    arch=$(uname -m)
    case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
    if [ -n "$OPT_platform" ]; then
        os=${OPT_platform%%/*} arch=${OPT_platform#*/} arch=${arch%%/*}
    fi
    if [ -n "$ref" ]; then
        local last=${ref##*/}
        [[ "$last" == *:* ]] || ref=$ref:latest
        [[ "$ref" =~ ^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?(:[A-Za-z0-9_.-]+)?$ ]] ||
            fail "invalid reference format: repository name must be lowercase"
    fi
    local jq_config
    jq_config=$(import_changes) || exit 1
    IMPORT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/keel-import.XXXXXX")
    trap 'rm -rf "$IMPORT_TMP"' EXIT
    local t=$IMPORT_TMP
    mkdir "$t/archive"
    import_source "$src" >"$t/archive/layer.tar"
    local diff created comment=${OPT_message:-"Imported from $src"}
    diff=$(sha256sum <"$t/archive/layer.tar") diff=${diff%% *}
    created=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
    # shellcheck disable=SC2016 # a jq program
    jq -cn --arg diff "sha256:$diff" --arg created "$created" --arg comment "$comment" \
        --arg os "$os" --arg arch "$arch" \
        '{architecture: $arch, os: $os, created: $created, config: {},
          rootfs: {type: "layers", diff_ids: [$diff]},
          history: [{created: $created, comment: $comment}]} | '"$jq_config" >"$t/config.json" ||
        fail "invalid --change"
    local cfg
    cfg=$(sha256sum <"$t/config.json") cfg=${cfg%% *}
    mv "$t/config.json" "$t/archive/$cfg.json"
    jq -cn --arg cfg "$cfg.json" --arg ref "$ref" \
        '[{Config: $cfg, RepoTags: (if $ref == "" then [] else [$ref] end), Layers: ["layer.tar"]}]' \
        >"$t/archive/manifest.json"
    tar -C "$t/archive" -cf - manifest.json "$cfg.json" layer.tar | images load >/dev/null ||
        fail "cannot load the imported image"
    echo "sha256:$cfg"
}

# The source's tar on stdout: stdin, a URL or a file, decompressed as docker does.
import_source() {
    local src=$1
    case "$src" in
    -) import_decompress ;;
    http://* | https://*) curl -fsSL "$src" | import_decompress || fail "Get \"$src\": download failed" ;;
    *)
        [ -e "$src" ] || fail "open $src: no such file or directory"
        import_decompress <"$src"
        ;;
    esac
}

# stdin, gzip/bzip2/xz/zstd recognised by their magic, to stdout.
import_decompress() {
    local magic
    cat >"$IMPORT_TMP/raw"
    magic=$(od -An -tx1 -N4 "$IMPORT_TMP/raw" | tr -d ' \n')
    case "$magic" in
    1f8b*) gzip -dc "$IMPORT_TMP/raw" ;;
    425a68*) bzip2 -dc "$IMPORT_TMP/raw" ;;
    fd377a58) xz -dc "$IMPORT_TMP/raw" ;;
    28b52ffd) zstd -dc "$IMPORT_TMP/raw" ;;
    *) cat "$IMPORT_TMP/raw" ;;
    esac
    rm -f "$IMPORT_TMP/raw"
}

# The --change instructions as one jq filter on the config (docker import's
# CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR).
import_changes() {
    local c word rest filter='.'
    for c in "${OPT_change[@]}"; do
        word=${c%%[[:space:]=]*} rest=${c#"$word"}
        rest=${rest#"${rest%%[![:space:]]*}"}
        case "${word^^}" in
        CMD | ENTRYPOINT)
            local key=Cmd
            [ "${word^^}" = CMD ] || key=Entrypoint
            if [[ "$rest" == \[* ]]; then
                jq -e 'type == "array"' <<<"$rest" >/dev/null 2>&1 || { echo "keel-docker: invalid $word: $rest" >&2; return 1; }
                filter+=" | .config.$key = $rest"
            else
                filter+=" | .config.$key = [\"/bin/sh\", \"-c\", $(jq -Rn --arg s "$rest" '$s')]"
            fi
            ;;
        ENV)
            local k v
            if [[ "$rest" == *=* ]]; then k=${rest%%=*} v=${rest#*=}; else k=${rest%%[[:space:]]*} v=${rest#"$k"} v=${v# }; fi
            filter+=" | .config.Env = ((.config.Env // []) | map(select(startswith($(jq -Rn --arg s "$k=" '$s')) | not)) + [$(jq -Rn --arg s "$k=$v" '$s')])"
            ;;
        EXPOSE)
            local p
            for p in $rest; do
                [[ "$p" == */* ]] || p=$p/tcp
                filter+=" | .config.ExposedPorts[$(jq -Rn --arg s "$p" '$s')] = {}"
            done
            ;;
        LABEL)
            filter+=" | .config.Labels[$(jq -Rn --arg s "${rest%%=*}" '$s')] = $(jq -Rn --arg s "${rest#*=}" '$s | ltrimstr("\"") | rtrimstr("\"")')"
            ;;
        USER | WORKDIR | STOPSIGNAL)
            local field=User
            case "${word^^}" in WORKDIR) field=WorkingDir ;; STOPSIGNAL) field=StopSignal ;; esac
            filter+=" | .config.$field = $(jq -Rn --arg s "$rest" '$s')"
            ;;
        VOLUME)
            local vol
            if [[ "$rest" == \[* ]]; then
                for vol in $(jq -r '.[]' <<<"$rest"); do filter+=" | .config.Volumes[$(jq -Rn --arg s "$vol" '$s')] = {}"; done
            else
                for vol in $rest; do filter+=" | .config.Volumes[$(jq -Rn --arg s "$vol" '$s')] = {}"; done
            fi
            ;;
        ONBUILD) filter+=" | .config.OnBuild = ((.config.OnBuild // []) + [$(jq -Rn --arg s "$rest" '$s')])" ;;
        *) echo "keel-docker: $word is not a valid change command" >&2; return 1 ;;
        esac
    done
    printf '%s\n' "$filter"
}
