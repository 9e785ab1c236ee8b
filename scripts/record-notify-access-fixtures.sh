#!/bin/sh
# record-notify-access-fixtures.sh [OUT] — what real systemd 252 makes of sd_notify messages sent by
# a process of the unit other than its main one (test/fixtures/notify-access/units), into OUT
# (default test/fixtures/notify-access/show.txt): the oracle of test/e2e/notify-access.test.ts.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
out=${1:-$repo/test/fixtures/notify-access/show.txt}
units="worker-all.service worker-main.service"

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-notify-access-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/units/multi-user.target.wants"
for u in $units; do
    cp "$repo/test/fixtures/notify-access/units/$u" "$work/units/"
    ln -s "../$u" "$work/units/multi-user.target.wants/$u"
done
# Up once no job is left: worker-main.service's start has timed out by then.
pid=$("$ns/systemd-ns.sh" --console null "$work/units" 2>"$work/ns.err")
# shellcheck disable=SC2086
"$ns/systemd-ns-exec.sh" "$pid" systemctl show -p Id,ActiveState,SubState,Result,StatusText $units > "$out"
echo "recorded $(grep -c '^Id=' "$out") units into $out" >&2
