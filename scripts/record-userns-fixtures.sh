#!/bin/sh
# Records what services see under real systemd 252 with PrivateUsers= and DynamicUser=: the units of
# test/fixtures/userns/units print their uid_map/gid_map, `id`, and (DynamicUser=) their uid and
# their state directories' ownership, seen from inside and from the host after the run; recorded into
# test/fixtures/userns/expected (or $1) by record-seccomp-fixtures.sh, with the settings' show
# properties (test/support/probe-units.ts USERNS_PROPERTIES). test/e2e/userns.test.ts compares svcd
# with them. The dynamic units' directories are removed first, so systemd allocates afresh.
# Re-run only on purpose.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf /var/lib/private/svcd-du-* /var/cache/private/svcd-du-* /var/log/private/svcd-du-* /var/lib/svcd-du-* /var/cache/svcd-du-* /var/log/svcd-du-*
SHOW_PROPS=$(sed -n 's/^export const USERNS_PROPERTIES = .\(.*\).;$/\1/p' "$here/test/support/probe-units.ts") \
SANDBOX_FIXTURES=$here/test/fixtures/userns exec "$here/scripts/record-seccomp-fixtures.sh" "$@"
