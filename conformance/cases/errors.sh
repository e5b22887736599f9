# Invalid configurations: runtime.md#errors and config.md#extensibility ("MUST generate an
# error when invalid or unsupported values are encountered"), as issue 3 words it: one line
# naming the JSON path, exit status 1, nothing left behind.
# shellcheck shell=bash disable=SC2016

# no_cgroup: no cgroup directory named after $ID anywhere.
no_cgroup() {
    local left
    left=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID" 2>/dev/null || true)
    [ -z "$left" ] || fail "cgroups left behind: $left"
}

# bad_config JQ-FILTER WANT: create with the edited config exits 1, names WANT and leaves
# nothing behind.
bad_config() {
    mkbundle
    cfg "$1"
    newid
    local rc=0
    create_ || rc=$?
    eq "$rc" 1 "exit status"
    contains "$(cat "$CDIR/err.$ID")" "$2" "error message"
    eq "$(grep -v "^+" "$CDIR/err.$ID" | grep -c .)" 1 "lines of error output (xtrace aside)"
    gone
    no_leftovers
    no_cgroup
}

tcase config_not_json 'runtime.md#errors' 'config.json that is not JSON: exit 1, nothing left'
c_config_not_json() {
    mkbundle
    echo '{"ociVersion": "1.0.2", "process": {' >"$B/config.json"
    newid
    local rc=0
    create_ || rc=$?
    eq "$rc" 1 "exit status"
    [ -s "$CDIR/err.$ID" ] || fail "no error message"
    gone
    no_leftovers
    no_cgroup
}

tcase config_missing 'runtime.md#create' 'a bundle without config.json MUST fail'
c_config_missing() {
    mkbundle
    rm "$B/config.json"
    newid
    must_fail create_
    gone
}

tcase config_args_type 'runtime.md#errors' 'process.args of the wrong type: exit 1, the error names process.args, nothing left'
c_config_args_type() { bad_config '.process.args = "sh"' "process.args"; }

tcase config_uid_type 'runtime.md#errors' 'process.user.uid of the wrong type: exit 1, the error names uid, nothing left'
c_config_uid_type() { bad_config '.process.user.uid = "root"' "uid"; }

tcase config_mounts_type 'runtime.md#errors' 'mounts that is not an array: exit 1, the error names mounts, nothing left'
c_config_mounts_type() { bad_config '.mounts = {"destination": "/x"}' "mounts"; }

tcase config_ns_type 'config-linux.md#namespaces' 'an unknown namespace type: exit 1, the error names it, nothing left'
c_config_ns_type() { bad_config '.linux.namespaces += [{"type": "bogus"}]' "bogus"; }

tcase config_late_failure 'runtime.md#errors' 'a failure late in create (bad device) leaves no state, mount, cgroup or process'
c_config_late_failure() {
    mkbundle
    cfg '.linux.devices = [{"path": "/dev/conf-bad", "type": "x", "major": 1, "minor": 3}]'
    newid
    must_fail create_
    gone
    no_leftovers
    no_cgroup
}

tcase config_args_empty 'config.md#process' 'an empty process.args MUST fail'
c_config_args_empty() {
    mkbundle
    cfg '.process.args = []'
    newid
    must_fail create_
    gone
}
