#!/bin/sh
# record-timer-fixtures.sh [OUTDIR] — record how real systemd 252 moves timer units through their states
# and lays out `systemctl list-timers`, into OUTDIR (default test/fixtures/timers/).
#
# The tree is test/fixtures/timers/units (shared with test/e2e/timers.test.ts, which boots svcd on it):
# timers that fire 3 s after they start (a oneshot service, one that keeps running, one that does not
# remain after its elapse), one waiting for a far calendar date, one repeating every hour, one not
# started (its service is not shown: systemd collects the unloaded timer between the two calls, and
# its TriggeredBy= with it). systemd-ns boots systemd on it; the script takes a look at once (all waiting) and another
# 8 s later (fired), each as `systemctl show` of the timers and their services, `status` of some, and list-timers with and
# without --all. Times differ from run to run: the test compares states, and list-timers' layout.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
out=${1:-$repo/test/fixtures/timers}
units=$repo/test/fixtures/timers/units

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-timer-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cp -r "$units" "$work/units"
mkdir -p "$out"

props=Id,ActiveState,SubState,Result,NextElapseUSecRealtime,NextElapseUSecMonotonic,LastTriggerUSec,LastTriggerUSecMonotonic,Unit,Triggers,TriggeredBy,TimersMonotonic,TimersCalendar,RemainAfterElapse,Persistent,AccuracyUSec
all="fire.timer slow.timer gone.timer later.timer repeat.timer idle.timer fire.service slow.service gone.service later.service repeat.service"
look() {
    "$ns/systemd-ns-exec.sh" "$pid" env TZ=UTC systemctl show -p "$props" -- $all > "$out/show-$1.txt"
    "$ns/systemd-ns-exec.sh" "$pid" env TZ=UTC systemctl list-timers --all --no-pager > "$out/list-timers-all-$1.txt"
    "$ns/systemd-ns-exec.sh" "$pid" env TZ=UTC systemctl list-timers --no-pager > "$out/list-timers-$1.txt"
    # status exits 3 for a unit that is not active (gone.timer, once fired)
    "$ns/systemd-ns-exec.sh" "$pid" env TZ=UTC systemctl status --no-pager fire.timer gone.timer repeat.timer slow.service > "$out/status-$1.txt" || true
}
pid=$(TZ=UTC "$ns/systemd-ns.sh" --console null "$work/units" 2>"$work/ns.err")
look start
sleep 8
look fired
echo "recorded into $out" >&2
