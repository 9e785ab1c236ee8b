#!/bin/sh
# record-timer-bad-input.sh [OUTDIR] — record how real systemd 252 treats bad timer and path units at
# boot, into OUTDIR (default test/fixtures/timers/bad/): the tree test/fixtures/timers/bad/units
# (shared with test/e2e/timer-bad-input.test.ts) has timers naming no loadable unit, an unparsable
# calendar alone and beside a good value, a calendar that never elapses, path units naming a missing
# unit or a relative path, and a good timer and service that must come up regardless. Recorded:
# `systemctl show` of their states, and the manager's log lines about them (its console, sorted).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
out=${1:-$repo/test/fixtures/timers/bad}
units=$repo/test/fixtures/timers/bad/units

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-timer-bad-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cp -r "$units" "$work/units"
mkdir -p "$out"
all="nounit.timer missing.timer badcal.timer never.timer halfbad.timer ok.timer nounit.path relative.path up.service"
pid=$(SYSTEMD_NS_LOG="$work/console.log" "$ns/systemd-ns.sh" "$work/units" 2>"$work/ns.err")
"$ns/systemd-ns-exec.sh" "$pid" systemctl show -p Id,LoadState,ActiveState,SubState,Result -- $all > "$out/show.txt"
# The manager's own lines about them (not the status lines; the console's CRs dropped), unit file paths made relative.
grep -E '^(nounit|missing|badcal|never|halfbad|ok|relative)\.(timer|path): |/(nounit|missing|badcal|never|halfbad|ok|relative)\.(timer|path):[0-9]+: ' "$work/console.log" \
    | tr -d "\r" | sed "s|^$work/units/||" | sort > "$out/log.txt"
echo "recorded into $out" >&2
