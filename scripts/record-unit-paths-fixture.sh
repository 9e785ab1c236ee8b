#!/bin/sh
# Records systemd 252's unit search path (`systemd-analyze unit-paths` for the system manager) as
# the oracle for test/unit/lookup-paths.test.ts. Re-run only on purpose; the file is committed so the
# test runs where systemd is absent.
set -eu
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found" >&2; exit 1; }
mkdir -p test/fixtures/lookup-paths
env -u SYSTEMD_UNIT_PATH systemd-analyze --system unit-paths >test/fixtures/lookup-paths/unit-paths.txt
