#!/bin/sh
# record-perpetual-fixtures.sh [OUT] — record how real systemd 252 shows the units it has without any
# file (its perpetual units, and slices), into OUT (default test/fixtures/perpetual/show.txt).
#
# systemd-ns boots real systemd as PID 1 of a private namespace on a tree holding one service; the base
# tree it adds (systemd's targets, journald) has no slice or scope file either, which is the case svcd
# must match: a search path without -.slice/system.slice (test/e2e/perpetual.test.ts).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
out=${1:-$repo/test/fixtures/perpetual/show.txt}

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-perpetual-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/units/multi-user.target.wants"
printf '[Service]\nExecStart=/bin/sleep infinity\n' > "$work/units/app.service"
ln -s ../app.service "$work/units/multi-user.target.wants/app.service"

pid=$("$ns/systemd-ns.sh" --console null "$work/units" 2>"$work/ns.err")
"$ns/systemd-ns-exec.sh" "$pid" systemctl show -p Id,LoadState,ActiveState,SubState,Description,Documentation,DefaultDependencies,IgnoreOnIsolate,Perpetual,CanStop \
    -- -.slice system.slice init.scope -.mount user.slice foo-bar.slice > "$out"
echo "recorded $(grep -c '^Id=' "$out") units into $out" >&2
