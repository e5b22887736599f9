# shellcheck shell=bash
# keel-docker version: docker's Client and Server sections, with keel-docker,
# the runtime (keel), the image tool (keel-image) and the monitor.

USAGE='[OPTIONS]'
ABOUT='Show the keel-docker version information'
OPTS=('f|format|string|Format the output using the given Go template')

KD_VERSION=0.1.0

cmd_version() {
    opts_parse 1 "$@"
    opts_nargs none
    local keel image arch
    # shellcheck disable=SC2153 # set by common.sh's find_tool
    keel=$("$KEEL" --version 2>/dev/null | head -n1) || keel=
    image=$("$KEEL_IMAGE" --version 2>/dev/null | head -n1) || image=
    keel=${keel##* } image=${image##* }
    arch=$(uname -m)
    case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
    if [ -n "$OPT_format" ]; then
        kd_lib template
        local json rc=0
        # docker's Go struct fields, with keel's components under Server
        json=$(jq -cn --arg v "$KD_VERSION" --arg arch "$arch" --arg keel "$keel" --arg image "$image" \
            '{Client: {Version: $v, ApiVersion: "1.41", DefaultAPIVersion: "1.41", GitCommit: "none",
               GoVersion: "none", Os: "linux", Arch: $arch, Experimental: false, Context: "default"},
              Server: {Platform: {Name: "keel-docker"}, Version: $v, ApiVersion: "1.41",
               MinAPIVersion: "1.12", GitCommit: "none", GoVersion: "none", Os: "linux", Arch: $arch,
               Components: [{Name: "Engine", Version: $v}, {Name: "keel", Version: $keel},
                            {Name: "keel-image", Version: $image}]}}')
        template_apply "$OPT_format" "$json" || rc=$?
        [ "$rc" = 2 ] || return "$rc"
    fi
    cat <<EOT
Client:
 Version:           $KD_VERSION
 API version:       1.41
 Go version:        none (bash ${BASH_VERSION%%(*})
 Git commit:        none
 Built:             none
 OS/Arch:           linux/$arch
 Context:           default
 Experimental:      false

Server: keel-docker
 Engine:
  Version:          $KD_VERSION
  API version:      1.41 (minimum version 1.12)
  Go version:       none
  Git commit:       none
  Built:            none
  OS/Arch:          linux/$arch
  Experimental:     false
 keel:
  Version:          ${keel:-unknown}
  GitCommit:        none
 keel-image:
  Version:          ${image:-unknown}
  GitCommit:        none
EOT
    [ -z "$(init_binary)" ] || printf ' docker-init:\n  Version:          %s\n  GitCommit:        none\n' \
        "$("$(init_binary)" --version 2>/dev/null | head -n1 | awk '{print $NF}')"
}

# keel-docker -v: docker's one line.
version_short() { echo "keel-docker version $KD_VERSION, build none"; }
