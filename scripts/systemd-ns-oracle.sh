# systemd-ns-oracle.sh — sourced by the record-*.sh scripts (after `set -eu`): boots real systemd 252
# as PID 1 of a private namespace (the development machine's systemd-ns harness, $SYSTEMD_NS) on
# UNITDIR with `oracle_boot UNITDIR`, stops it when the script ends, and runs commands inside with
# `inns CMD…`. `oracle_work NAME` makes $work, a scratch directory removed at the end as well.
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
pid=
err=$(mktemp)
work=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -f "$err"
    [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM
oracle_boot() { pid=$("$ns/systemd-ns.sh" --console null "$1" 2>"$err"); }
inns() { "$ns/systemd-ns-exec.sh" "$pid" "$@"; }
oracle_work() { work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" "$1.XXXXXX"); }
