# shellcheck shell=bash
# keel-docker info: docker's system-wide summary, with keel's facts.
kd_lib state

USAGE='[OPTIONS]'
ABOUT='Display system-wide information'
ALIASES='system info, info'
OPTS=('f|format|string|Format the output using the given Go template')

cmd_info() {
    opts_parse 1 "$@"
    opts_nargs none
    local id total=0 running=0 paused=0 stopped=0 nimages cgv=1 mem kernel os=''
    for id in $(all_ids); do
        total=$((total + 1))
        container_status "$id"
        if [ "$ST_paused" = true ]; then paused=$((paused + 1))
        elif [ "$ST_state" = running ] || [ "$ST_state" = restarting ]; then running=$((running + 1))
        else stopped=$((stopped + 1))
        fi
    done
    nimages=$(images ls -q 2>/dev/null | sort -u | grep -c .) || nimages=0
    [ ! -e /sys/fs/cgroup/cgroup.controllers ] || cgv=2
    mem=$(awk '/^MemTotal:/ { printf "%.4gGiB", $2 / 1048576 }' /proc/meminfo)
    kernel=$(uname -r)
    [ ! -r /etc/os-release ] || os=$(. /etc/os-release && echo "$PRETTY_NAME")
    kd_command_version_string
    if [ -n "$OPT_format" ]; then
        kd_lib template
        local json rc=0
        json=$(jq -cn --argjson c "$total" --argjson r "$running" --argjson p "$paused" \
            --argjson s "$stopped" --argjson i "$nimages" --arg v "$KD_INFO_VERSION" \
            --argjson cgv "$cgv" --arg k "$kernel" --arg os "$os" --arg arch "$(uname -m)" \
            --argjson ncpu "$(nproc)" --argjson mem "$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)" \
            --arg name "$(hostname)" --arg root "$KEEL_ROOT" \
            '{Containers: $c, ContainersRunning: $r, ContainersPaused: $p, ContainersStopped: $s,
              Images: $i, ServerVersion: $v, Driver: "overlay", LoggingDriver: "json-file",
              CgroupDriver: "cgroupfs", CgroupVersion: ($cgv | tostring), DefaultRuntime: "keel",
              KernelVersion: $k, OperatingSystem: $os, OSType: "linux", Architecture: $arch,
              NCPU: $ncpu, MemTotal: $mem, Name: $name, DockerRootDir: $root, Debug: false,
              ExperimentalBuild: false, LiveRestoreEnabled: false}')
        template_apply "$OPT_format" "$json" || rc=$?
        [ "$rc" = 2 ] || return "$rc"
    fi
    cat <<EOT
Client:
 Context:    default
 Debug Mode: false

Server:
 Containers: $total
  Running: $running
  Paused: $paused
  Stopped: $stopped
 Images: $nimages
 Server Version: $KD_INFO_VERSION
 Storage Driver: overlay
 Logging Driver: json-file
 Cgroup Driver: cgroupfs
 Cgroup Version: $cgv
 Plugins:
  Volume: local
  Network: bridge host none
 Runtimes: keel
 Default Runtime: keel
 Init Binary: $(init_binary)
 Kernel Version: $kernel
 Operating System: $os
 OSType: linux
 Architecture: $(uname -m)
 CPUs: $(nproc)
 Total Memory: $mem
 Name: $(hostname)
 Docker Root Dir: $KEEL_ROOT
 Debug Mode: false
 Experimental: false
 Live Restore Enabled: false

EOT
}

# keel-docker's version, as version prints it.
kd_command_version_string() {
    # shellcheck source=scripts/docker/cmd/version.sh
    . "$KD_LIB/cmd/version.sh"
    KD_INFO_VERSION=$KD_VERSION
}
