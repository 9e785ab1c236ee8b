#!/bin/sh
# Records how real systemd 252 ends each service in test/fixtures/oracle/failures/units/: boots it as
# PID 1 of a private namespace (/work/shared/tools/systemd-ns, or $SYSTEMD_NS), starts every unit with
# --no-block, stops the units that ignore SIGTERM (stop-timeout, stop-abort) after 3 s, and after 3 s more writes
#   systemctl show -p Result,ExecMainCode,ExecMainStatus,ActiveState,SubState,NRestarts UNIT
# to test/fixtures/oracle/failures/UNIT.show. test/e2e/oracle-failures.test.ts runs the same script
# of actions under svcd and compares.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fx=$here/test/fixtures/oracle/failures
ns=${SYSTEMD_NS:-/work/shared/tools/systemd-ns}
[ -x "$ns/systemd-ns.sh" ] || { echo "systemd-ns not found at $ns" >&2; exit 1; }
export SYSTEMD_NS_LOG=$(mktemp)
pid=$("$ns/systemd-ns.sh" "$fx/units" 2>/dev/null)
trap '"$ns/systemd-ns.sh" --stop "$pid" >/dev/null 2>&1 || true' EXIT
units=$(cd "$fx/units" && ls *.service)
for u in $units; do "$ns/systemd-ns-exec.sh" "$pid" systemctl start --no-block "$u"; done
sleep 3
for u in stop-timeout.service stop-abort.service; do "$ns/systemd-ns-exec.sh" "$pid" systemctl stop --no-block "$u"; done
sleep 3
for u in $units; do
  "$ns/systemd-ns-exec.sh" "$pid" systemctl show -p Result,ExecMainCode,ExecMainStatus,ActiveState,SubState,NRestarts "$u" > "$fx/${u%.service}.show"
done
echo "recorded $(echo $units | wc -w) units into $fx"
