#!/bin/sh
# record-unit-name-fixtures.sh [OUT] — record what real systemctl 252 answers, with systemd as PID 1,
# for a name that cannot be a unit even after mangling (one of 300 characters), into OUT (default
# test/fixtures/unit-names/systemctl.txt): per verb, its exit status and stderr, the name as @NAME@.
# test/e2e/unit-names.test.ts compares svcctl with it (and re-records live where systemd-ns runs).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
out=${1:-$repo/test/fixtures/unit-names/systemctl.txt}

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-names-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/units"
pid=$("$ns/systemd-ns.sh" --console null "$work/units" 2>"$work/ns.err")
name=$(printf '%300s' '' | tr ' ' a).service
: > "$work/out"
for verb in show status start; do
    rc=0
    "$ns/systemd-ns-exec.sh" "$pid" systemctl "$verb" "$name" >/dev/null 2>"$work/err" || rc=$?
    { echo "== $verb $rc"; cat "$work/err"; } >> "$work/out"
done
sed "s/$name/@NAME@/g" "$work/out" > "$out"
echo "recorded $(grep -c '^== ' "$out") verbs into $out" >&2
