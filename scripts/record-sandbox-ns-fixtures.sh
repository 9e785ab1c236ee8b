#!/bin/sh
# Records what services see under real systemd 252's namespaces (PrivateDevices=, PrivateNetwork=,
# PrivateIPC=, PrivateMounts=, …): the units of test/fixtures/sandbox-ns/units run the seccomp probe
# (test/fixtures/seccomp/probe.c), recorded into test/fixtures/sandbox-ns/expected (or $1) by
# record-seccomp-fixtures.sh. test/e2e/sandbox-ns.test.ts compares svcd with them. Re-run only on purpose.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
# The sandboxing settings' show properties, as svcctl must print them (test/support/probe-units.ts SANDBOX_PROPERTIES).
SHOW_PROPS=$(sed -n 's/^export const SANDBOX_PROPERTIES = .\(.*\).;$/\1/p' "$here/test/support/probe-units.ts") \
SANDBOX_FIXTURES=$here/test/fixtures/sandbox-ns exec "$here/scripts/record-seccomp-fixtures.sh" "$@"
