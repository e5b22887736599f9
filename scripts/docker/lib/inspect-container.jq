# A container as docker's inspect shows it, from keel-docker's record (the
# --arg values), its status and the bundle's config.json ($cfg[0]).
$cfg[0] as $c
| ($c.process.args) as $args
| (if $ep == "given" then (if $entrypoint == "" then null else [$args[0]] end)
   elif $ep == "" then null else ($ep | fromjson) end) as $entry
| ($entry // [] | length) as $nep
| ([$c.mounts[] | select(.type == "bind" and (.source | startswith($dir) | not))]) as $mounts
| ($volroot + "/") as $vr
| [$mounts[] | select(.source | startswith($vr) | not)] as $hostbinds
| [$mounts[] | select(.source | startswith($vr)) | . + {name: (.source | ltrimstr($vr) | split("/")[0])}] as $vols
| ([$vols[] | select(.name | test("^[0-9a-f]{64}$"))]) as $anon
| ($hostbinds + [$vols[] | select(.name | test("^[0-9a-f]{64}$") | not)]) as $binds
| (if $network == "host" or $network == "none" then "" else $ip end) as $addr
| (if $addr == "" then "" else ($addr | sub("\\.[0-9]+$"; ".1")) end) as $gateway
| {
    Id: $id, Created: $created, Path: $args[0], Args: $args[1:],
    State: {Status: (if $paused then "paused" else $state end),
            Running: ($state == "running" or $state == "restarting"), Paused: $paused,
            Restarting: ($state == "restarting"), OOMKilled: $oom, Dead: false, Pid: $pid,
            ExitCode: $exit, Error: "", StartedAt: $started, FinishedAt: $finished},
    Image: $image_id,
    ResolvConfPath: ($dir + "/resolv.conf"), HostnamePath: ($dir + "/hostname"),
    HostsPath: ($dir + "/hosts"), LogPath: ($dir + "/container.log"), Name: $name,
    RestartCount: $restarts, Driver: "overlay", Platform: "linux", MountLabel: "",
    ProcessLabel: "", AppArmorProfile: "", ExecIDs: null,
    HostConfig: {
        Binds: (if ($binds | length) == 0 then null else [$binds[] | (.name // .source) + ":" + .destination + (if ((.options // []) | index("ro")) then ":ro" else "" end)] end),
        ContainerIDFile: "", LogConfig: {Type: "json-file", Config: {}}, NetworkMode: $network,
        PortBindings: $ports,
        RestartPolicy: {Name: ($restart | split(":")[0]),
                        MaximumRetryCount: ($restart | split(":")[1] // "0" | tonumber)},
        AutoRemove: $autoremove, VolumeDriver: "", VolumesFrom: null, CapAdd: null, CapDrop: null,
        CgroupnsMode: "host", Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null,
        GroupAdd: null, IpcMode: "private", Cgroup: "", Links: null, OomScoreAdj: 0, PidMode: "",
        Privileged: false, PublishAllPorts: false, ReadonlyRootfs: ($c.root.readonly // false),
        SecurityOpt: null, UTSMode: "", UsernsMode: "", ShmSize: 67108864, Runtime: "keel",
        ConsoleSize: [0, 0], Isolation: "", CpuShares: 0,
        Memory: ($c.linux.resources.memory.limit // 0),
        NanoCpus: (if ($c.linux.resources.cpu.quota // 0) > 0 then (($c.linux.resources.cpu.quota * 1000000000 / ($c.linux.resources.cpu.period // 100000)) | floor) else 0 end),
        CgroupParent: "", BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [],
        BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0,
        CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: "", CpusetMems: "",
        Devices: [], DeviceCgroupRules: null, DeviceRequests: null, KernelMemory: 0,
        KernelMemoryTCP: 0, MemoryReservation: 0, MemorySwap: ($c.linux.resources.memory.swap // 0), MemorySwappiness: null,
        OomKillDisable: false, PidsLimit: ($c.linux.resources.pids.limit // null), Ulimits: [],
        CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
        MaskedPaths: ($c.linux.maskedPaths // []), ReadonlyPaths: ($c.linux.readonlyPaths // [])
    },
    GraphDriver: {Data: null, Name: "overlay"},
    Mounts: [$mounts[] | ((.options // []) | index("ro") | not) as $rw
             | if (.source | startswith($vr)) then
                   {Type: "volume", Name: (.source | ltrimstr($vr) | split("/")[0]), Source: .source,
                    Destination: .destination, Driver: "local", Mode: "", RW: $rw, Propagation: ""}
               else
                   {Type: "bind", Source: .source, Destination: .destination, Mode: "", RW: $rw,
                    Propagation: "rprivate"}
               end],
    Config: ({
        Hostname: $hostname, Domainname: "", User: $user, AttachStdin: $stdin,
        AttachStdout: true, AttachStderr: true
    } + (if ($ports | length) > 0 then {ExposedPorts: ($ports | map_values({}))} else {} end) + {
        Tty: ($c.process.terminal // false), OpenStdin: $stdin, StdinOnce: $stdin,
        Env: [$c.process.env[] | select(startswith("HOSTNAME=") or startswith("HOME=") | not)
              | select($c.process.terminal != true or . != "TERM=xterm")], Cmd: (if ($args | length) > $nep then $args[$nep:] else null end),
        Image: $image, Volumes: (if ($anon | length) == 0 then null else [$anon[] | {key: .destination, value: {}}] | from_entries end), WorkingDir: (if $c.process.cwd == "/" then "" else $c.process.cwd end),
        Entrypoint: $entry, OnBuild: null,
        Labels: ($c.annotations // {} | with_entries(select(.key | startswith("io.keel.") or
                 test("^org\\.opencontainers\\.image\\.(os|architecture|variant|created|author|stopSignal|exposedPorts)$") | not)))
    } + (if $stopsig == "" then {} else {StopSignal: $stopsig} end)
      + (if $stoptimeout == "" then {} else {StopTimeout: ($stoptimeout | tonumber)} end)),
    NetworkSettings: {
        Bridge: "", SandboxID: "", HairpinMode: false, LinkLocalIPv6Address: "",
        LinkLocalIPv6PrefixLen: 0, Ports: $ports, SandboxKey: "", SecondaryIPAddresses: null,
        SecondaryIPv6Addresses: null, EndpointID: "", Gateway: $gateway, GlobalIPv6Address: "",
        GlobalIPv6PrefixLen: 0, IPAddress: $addr, IPPrefixLen: (if $addr == "" then 0 else 24 end),
        IPv6Gateway: "", MacAddress: "",
        # every network the container is on while it runs (keel-docker-net's
        # endpoints), else the one it was made with
        Networks: (if ($eps | length) == 0 then
                       {($network): {IPAMConfig: null, Links: null, Aliases: null, NetworkID: "",
                                     EndpointID: "", Gateway: $gateway, IPAddress: $addr,
                                     IPPrefixLen: (if $addr == "" then 0 else 24 end), IPv6Gateway: "",
                                     GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: "",
                                     DriverOpts: null}}
                   else
                       [$eps[] | {key: .[0], value: {IPAMConfig: null, Links: null,
                                  Aliases: (if .[6] == "-" then null else .[6] | split(",") end),
                                  NetworkID: .[4], EndpointID: "", Gateway: .[3], IPAddress: .[1],
                                  IPPrefixLen: (.[2] | tonumber), IPv6Gateway: "",
                                  GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0,
                                  MacAddress: (if .[5] == "-" then "" else .[5] end), DriverOpts: null}}]
                       | from_entries end)
    }
}
+ (if $size_rw == null then {} else {SizeRw: $size_rw, SizeRootFs: $size_root} end)
