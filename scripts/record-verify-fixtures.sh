#!/bin/sh
# Records the oracle for `svcctl analyze verify`: runs systemd 252's `systemd-analyze verify --man=no`
# on every case of test/fixtures/verify/cases.json (the one spec the test also reads; each case is a
# temp directory built from it) and writes stdout, stderr and exit status, temp paths as @DIR@, to
# test/fixtures/verify/recorded.json. Re-run after adding a case (or name the new cases as arguments to
# record only those); the test then compares svcctl with it.
set -eu
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found: record on a host with systemd 252" >&2; exit 1; }
version=$(systemd-analyze --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')
[ "$version" = 252 ] || { echo "systemd $version here; the fixtures are systemd 252's" >&2; exit 1; }
exec node scripts/record-verify-fixtures.mjs "$@"
