#!/bin/sh
# record-status-overview-fixtures.sh [OUTDIR] — record what real systemctl 252 prints for `status`
# without a unit (the manager's overview: host, state, counts, since, version and the control-group
# tree of the units' processes) on test/fixtures/status-overview/units booted by systemd, once its
# failing unit has failed: OUTDIR/status.out and status.rc (default OUTDIR:
# test/fixtures/status-overview/recorded). systemd boots as PID 1 of a private namespace
# (../shared/tools/systemd-ns); test/e2e/status-overview.test.ts boots svcd on the same units and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/status-overview/recorded}
mkdir -p "$out"
oracle_boot "$repo/test/fixtures/status-overview/units"
n=0
until inns systemctl -q is-failed broken.service || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
rc=0
inns systemctl status --no-pager --full >"$out/status.out" 2>&1 || rc=$?
echo "$rc" >"$out/status.rc"
echo "recorded systemctl status into $out" >&2
