# An image as docker's inspect shows it, from keel-image inspect's JSON and
# its references ($refs, familiar spellings). Size is docker's measure (the
# unpacked layers' file bytes) once the layers are unpacked, else the blobs'.
(.config.config // {}) as $x
| ({Hostname: "", Domainname: "", User: ($x.User // ""), AttachStdin: false, AttachStdout: false,
   AttachStderr: false}
  + (if $x.ExposedPorts then {ExposedPorts: $x.ExposedPorts} else {} end)
  + {Tty: false, OpenStdin: false, StdinOnce: false, Env: ($x.Env // null), Cmd: ($x.Cmd // null),
     Image: "", Volumes: ($x.Volumes // null), WorkingDir: ($x.WorkingDir // ""),
     Entrypoint: ($x.Entrypoint // null), OnBuild: null, Labels: ($x.Labels // null)}
  + (if $x.StopSignal then {StopSignal: $x.StopSignal} else {} end))
  as $config
| {
    Id: .id,
    RepoTags: [$refs[] | select(test("@") | not)],
    RepoDigests: [$refs[] | select(test("@"))],
    Parent: "", Comment: "", Created: (.config.created // ""), Container: "",
    ContainerConfig: {Hostname: "", Domainname: "", User: "", AttachStdin: false,
                      AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false,
                      StdinOnce: false, Env: null, Cmd: null, Image: "", Volumes: null,
                      WorkingDir: "", Entrypoint: null, OnBuild: null, Labels: null},
    DockerVersion: "", Author: (.config.author // ""), Config: $config,
    Architecture: (.config.architecture // ""), Os: (.config.os // ""),
    Size: (if all(.layers[]; .content_size) then [.layers[].content_size] else [.layers[].size] end | add // 0),
    VirtualSize: (if all(.layers[]; .content_size) then [.layers[].content_size] else [.layers[].size] end | add // 0),
    GraphDriver: {Data: null, Name: "overlay"},
    RootFS: {Type: "layers", Layers: [.layers[].diff_id]},
    Metadata: {LastTagTime: "0001-01-01T00:00:00Z"}
}
