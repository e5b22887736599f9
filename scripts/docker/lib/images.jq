# keel-image ls's JSON as the rows docker's images formats, newest first,
# after the filters ($ARGS.positional: KEY=VALUE; repo= is the REPOSITORY[:TAG]
# operand). $now, $trunc, $before and $since (image IDs) come from images.sh.

# docker's HumanDuration, as keel-docker's format.sh
def ago($s):
  if $s < 1 then "Less than a second"
  elif $s == 1 then "1 second"
  elif $s < 60 then "\($s) seconds"
  elif $s < 120 then "About a minute"
  elif $s < 3600 then "\($s / 60 | floor) minutes"
  elif $s < 7200 then "About an hour"
  elif $s < 172800 then "\($s / 3600 | floor) hours"
  elif $s < 1209600 then "\($s / 86400 | floor) days"
  elif $s < 4838400 then "\($s / 604800 | floor) weeks"
  elif $s < 63072000 then "\($s / 2592000 | floor) months"
  else "\($s / 31536000 | floor) years" end;

# docker's HumanSize: 3 significant digits, powers of 1000
def size($b):
  [["B", 1], ["kB", 1e3], ["MB", 1e6], ["GB", 1e9], ["TB", 1e12]] as $u
  | ([$u[] | select($b >= .[1])] | last // ["B", 1]) as $p
  | if $p[0] == "B" then "\($b)B"
    else ($b / $p[1]) as $v
    | (if $v >= 100 then ($v | round | tostring)
       elif $v >= 10 then (($v * 10 | round) / 10 | tostring)
       else (($v * 100 | round) / 100 | tostring) end) + $p[0] end;

# RFC 3339 to seconds, the fraction kept (docker orders images by it)
def epoch: if . == null or . == "" then 0
  else ((sub("\\.[0-9]+"; "") | fromdateiso8601) + ((capture("\\.(?<f>[0-9]+)").f // "0") | "0." + . | tonumber)) end;

# glob: * matches within a path segment, ? one character
def glob($p): test("^" + ($p | gsub("[.+^$(){}|\\[\\]\\\\]"; "\\\\\(.)") | gsub("\\*"; "[^/]*") | gsub("\\?"; "[^/]")) + "$");

($ARGS.positional | map(split("=") | {key: .[0], value: (.[1:] | join("="))})) as $filters
| def values($k): [$filters[] | select(.key == $k) | .value];
[ .[]
  | (.reference | sub("^docker\\.io/library/"; "") | sub("^docker\\.io/"; "")) as $ref
  | ($ref | if test("@") then [split("@")[0], "<none>"] else [sub(":[^:/]*$"; ""), (capture(":(?<t>[^:/]*)$").t // "<none>")] end) as $rt
  | . + {repo: $rt[0], tag: $rt[1], epoch: (.created | epoch)}
] as $all
| ($all | map({key: .id, value: .epoch}) | from_entries) as $created
| [ $all[]
  | select(values("dangling") | all(. == "false" or . == "0"))
  | . as $i
  | select(values("reference") as $r | ($r | length) == 0 or any($r[]; . as $p | ($i.repo | glob($p)) or ("\($i.repo):\($i.tag)" | glob($p))))
  | select(values("repo") as $r | ($r | length) == 0 or any($r[]; . == $i.repo or . == "\($i.repo):\($i.tag)"))
  | select(all(values("label")[]; . as $l | ($i.labels // {}) as $have
        | if ($l | test("=")) then $have[$l | split("=")[0]] == ($l | split("=")[1:] | join("="))
          else $have | has($l) end))
  | select($before == "" or .epoch < $created[$before])
  | select($since == "" or .epoch > $created[$since])
]
| sort_by(-.epoch, .reference)
| map({
    Containers: "N/A",
    CreatedAt: (if .epoch > 0 then (.epoch | floor | strftime("%Y-%m-%d %H:%M:%S +0000 UTC")) else "" end),
    CreatedSince: (if .epoch > 0 then ago($now - .epoch | floor) + " ago" else "N/A" end),
    Digest: (if (.reference | test("@")) then (.reference | split("@")[1]) else "<none>" end),
    ID: (if $trunc then (.id // .digest | sub("^sha256:"; "") | .[0:12]) else (.id // .digest) end),
    Repository: .repo, SharedSize: "N/A", Size: size(.content_size // .size // 0), Tag: .tag,
    UniqueSize: "N/A", VirtualSize: size(.content_size // .size // 0)
  })
