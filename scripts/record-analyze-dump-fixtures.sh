#!/bin/sh
# record-analyze-dump-fixtures.sh [OUTDIR] — record `systemd-analyze dump` of real systemd 252 booted on
# test/fixtures/analyze-dump/units plus the Debian packages' own unit files (nginx, redis-server, ssh,
# cron, memcached, postgresql: read from /lib/systemd/system at record time, never committed), into
# OUTDIR/dump.txt (default OUTDIR: test/fixtures/analyze-dump/recorded). The tree starts a socket, a
# timer, a path unit and a slice, and only loads the services (debian.target is ordered after them),
# so every type's own section and every exec, kill and cgroup context is printed without a process
# of the packages running. After the boot, `start --no-block late.service` leaves two jobs queued (slow.service's
# running, late.service's waiting for it) for dump's Job lines. test/e2e/analyze-dump.test.ts boots svcd on
# the same tree and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/analyze-dump/recorded}
mkdir -p "$out"
oracle_work svcd-analyze-dump
"$repo/scripts/analyze-dump-tree.sh" "$work/units"
oracle_boot "$work/units"
inns systemctl start --no-block late.service
inns systemd-analyze dump >"$out/dump.txt"
echo "recorded systemd-analyze dump into $out" >&2
