# keel-docker: turns the bundle config that keel-image made from the image into
# this container's config (run's flags), then prints args, PATH and args[0] on a
# line each. Inputs come as --arg/--argjson from cmd_run in keel-docker.
def setenv($env; $kv):
  ($kv | split("=")[0]) as $k
  | if ($kv | contains("=")) then $kv
    elif ($ENV[$k] != null) then $k + "=" + $ENV[$k]
    else null end
  | if . == null then $env
    else ($env | map(select(split("=")[0] != $k))) + [.] end;

def apply_env($list):
  reduce $list[] as $kv (.; setenv(.; $kv));

# keel-image bundle records how many of the args are the image's Entrypoint
((.annotations["io.keel.image.entrypoint-args"] // "0") | tonumber) as $n
| (if $entrypoint_set == 1 then (if $entrypoint == "" then [] else [$entrypoint] end)
   else .process.args[:$n] end) as $ep
| (if $args != null then $args elif $entrypoint_set == 1 then [] else .process.args[$n:] end) as $cmd
| .process.terminal = ($tty == 1)
| if $args != null or $entrypoint_set == 1 then .process.args = ($ep + $cmd) else . end
| .process.env = ((.process.env // []) | apply_env($envs))
| if $workdir != "" then .process.cwd = $workdir else . end
| if $uidgid != "" then
    ($uidgid | split(" ") | map(tonumber)) as $u
    | .process.user.uid = $u[0] | .process.user.gid = $u[1] | del(.process.user.additionalGids)
  else . end
| .hostname = $hostname
| .linux.namespaces = ([.linux.namespaces[] | select(.type != "network")]
    + (if $network == "bridge" then [{type: "network", path: $netns}]
       elif $network == "none" then [{type: "network"}]
       else [] end))
| if $memory != "" then .linux.resources.memory.limit = ($memory | tonumber) else . end
| if $quota != "" then .linux.resources.cpu.quota = ($quota | tonumber)
    | .linux.resources.cpu.period = 100000 else . end
| if $pids != "" then .linux.resources.pids.limit = ($pids | tonumber) else . end
| .linux.cgroupsPath = ("/" + $cgparent + "/" + $id)
| if $readonly == 1 then .root.readonly = true else . end
| .mounts = ([.mounts[] | select(.destination != "/etc/hosts" and .destination != "/etc/hostname"
                                 and .destination != "/etc/resolv.conf")]
    + [{destination: "/etc/hosts", type: "bind", source: ($dir + "/hosts"), options: ["rbind", "rprivate"]},
       {destination: "/etc/hostname", type: "bind", source: ($dir + "/hostname"), options: ["rbind", "rprivate"]},
       {destination: "/etc/resolv.conf", type: "bind", source: ($dir + "/resolv.conf"), options: ["rbind", "rprivate"]}]
    + $mounts)
| .annotations["io.keel.docker.id"] = $id
| ., .process.args,
  ((.process.env | map(select(startswith("PATH=")) | sub("^PATH="; "")) | first)
   // "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
  .process.args[0]
