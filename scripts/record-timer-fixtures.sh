#!/bin/sh
# record-timer-fixtures.sh [states|bad] [OUTDIR] — record how real systemd 252 runs timer (and path)
# units, booted by systemd-ns on a tree under test/fixtures/timers/, into OUTDIR (default: that
# directory). Without a first argument, both.
#
# states: test/fixtures/timers/units (shared with test/e2e/timers.test.ts): timers that fire 5 s after
#   they start (a oneshot service, one that keeps running, one that does not remain after its elapse),
#   one waiting for a far calendar date, one repeating every hour, one not started (its service is not
#   shown: systemd collects the unloaded timer between the two calls, and its TriggeredBy= with it). A
#   look at once (all waiting) and another 10 s later (fired), each as `systemctl show` of the timers
#   and their services, `status` of some, and list-timers with and without --all. Times differ from
#   run to run: the test compares states, and list-timers' layout.
# bad: test/fixtures/timers/bad/units (shared with test/e2e/timer-bad-input.test.ts): timers naming no
#   loadable unit, an unparsable calendar alone and beside a good value, a calendar that never elapses,
#   path units naming a missing unit or a relative path, and a good timer and service that must come
#   up regardless. `systemctl show` of their states, and the manager's console lines about them.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
what=${1:-all}
out=${2:-$repo/test/fixtures/timers}

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-timer-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

states() {
    cp -r "$repo/test/fixtures/timers/units" "$work/units"
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
    sleep 10
    look fired
    "$ns/systemd-ns.sh" --stop "$pid"
    pid=
    rm -rf "$work/units"
}

bad() {
    cp -r "$repo/test/fixtures/timers/bad/units" "$work/units"
    mkdir -p "$out/bad"
    all="nounit.timer missing.timer badcal.timer never.timer halfbad.timer ok.timer nounit.path relative.path up.service"
    pid=$(SYSTEMD_NS_LOG="$work/console.log" "$ns/systemd-ns.sh" "$work/units" 2>"$work/ns.err")
    "$ns/systemd-ns-exec.sh" "$pid" systemctl show -p Id,LoadState,ActiveState,SubState,Result -- $all > "$out/bad/show.txt"
    # The manager's own lines about them (not the status lines; the console's CRs dropped), unit file paths made relative.
    grep -E '^(nounit|missing|badcal|never|halfbad|ok|relative)\.(timer|path): |/(nounit|missing|badcal|never|halfbad|ok|relative)\.(timer|path):[0-9]+: ' "$work/console.log" \
        | tr -d "\r" | sed "s|^$work/units/||" | sort > "$out/bad/log.txt"
    "$ns/systemd-ns.sh" --stop "$pid"
    pid=
    rm -rf "$work/units"
}

case $what in
    states) states ;;
    bad) bad ;;
    all) states; bad ;;
    *) echo "usage: $0 [states|bad] [OUTDIR]" >&2; exit 2 ;;
esac
echo "recorded into $out" >&2
