#!/bin/sh
# Records what services see under real systemd 252's seccomp filters and mount namespaces: compiles
# the probe (test/fixtures/seccomp/probe.c, setup.sh) to /var/tmp/svcd-seccomp/probe, boots systemd as PID 1 of a private
# namespace (/work/shared/tools/systemd-ns, or $SYSTEMD_NS) with test/fixtures/seccomp/units, starts
# each unit, and once each has ended (no longer active) writes for each UNIT
#   test/fixtures/seccomp/expected/UNIT.out    what the probe printed (ACTION=ok or the errno's name)
#   test/fixtures/seccomp/expected/UNIT.show   systemctl show -p Result,ExecMainCode,ExecMainStatus,ActiveState
# test/e2e/seccomp.test.ts runs the same units under svcd and compares (and re-records live where
# systemd-ns runs). Also what `systemd-analyze verify` says of the bad values in
# test/fixtures/seccomp/verify/ (expected/verify.txt, the directory written as DIR), for
# test/unit/seccomp.test.ts. Re-run only on purpose.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fx=$here/test/fixtures/seccomp
# SANDBOX_FIXTURES: another set of units (and expected/) that run the same probe (record-sandbox-ns-fixtures.sh)
units_fx=${SANDBOX_FIXTURES:-$fx}
ns=${SYSTEMD_NS:-/work/shared/tools/systemd-ns}
out=${1:-$units_fx/expected}
[ -x "$ns/systemd-ns.sh" ] || { echo "systemd-ns not found at $ns" >&2; exit 1; }
mkdir -p "$out"
[ "$units_fx" != "$fx" ] || (cd "$fx/verify" && systemd-analyze verify bad-values.service 2>&1 | sed "s|$fx/verify|DIR|g" > "$out/verify.txt") || true
"$fx/setup.sh"
export SYSTEMD_NS_LOG=$(mktemp)
pid=$("$ns/systemd-ns.sh" "$units_fx/units" 2>/dev/null)
trap '"$ns/systemd-ns.sh" --stop "$pid" >/dev/null 2>&1 || true; rm -f "$SYSTEMD_NS_LOG"' EXIT
units=$(cd "$units_fx/units" && ls *.service)
for u in $units; do "$ns/systemd-ns-exec.sh" "$pid" systemctl start "$u" || true; done
for u in $units; do
  n=${u%.service} tries=0
  # the probe runs in a blink; a unit still active after 10 s is recorded as it stands
  while [ $tries -lt 100 ] && "$ns/systemd-ns-exec.sh" "$pid" systemctl is-active -q "$u"; do sleep 0.1; tries=$((tries + 1)); done
  "$ns/systemd-ns-exec.sh" "$pid" systemctl show -p Result,ExecMainCode,ExecMainStatus,ActiveState "$u" > "$out/$n.show"
  # SHOW_PROPS: the unit's settings as systemctl show prints them, too ($n.props)
  [ -z "${SHOW_PROPS:-}" ] || "$ns/systemd-ns-exec.sh" "$pid" systemctl show -p "$SHOW_PROPS" "$u" > "$out/$n.props"
  cp /var/tmp/svcd-seccomp/out/$n "$out/$n.out"
done
echo "recorded $(echo $units | wc -w) units into $out"
