# systemd-ns-oracle.sh — sourced by the record-analyze-*.sh scripts (after `set -eu`): boots real
# systemd 252 as PID 1 of a private namespace (../shared/tools/systemd-ns) on UNITDIR with
# `oracle_boot UNITDIR`, stops it when the script ends, and runs commands inside with `inns CMD…`.
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
pid=
err=$(mktemp)
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -f "$err"
}
trap cleanup EXIT INT TERM
oracle_boot() { pid=$("$ns/systemd-ns.sh" --console null "$1" 2>"$err"); }
inns() { "$ns/systemd-ns-exec.sh" "$pid" "$@"; }
