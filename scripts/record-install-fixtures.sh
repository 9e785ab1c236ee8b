#!/bin/sh
# Records what real `systemctl --root=DIR` (systemd 252) prints and does on every tree of
# test/fixtures/install/trees.mjs into test/fixtures/install/recorded.json, which
# test/unit/install-differential.test.ts replays with svcctl. Run it only to add or change trees:
# the recording is the spec, so it must come from systemctl, never from svcctl.
set -eu
cd "$(dirname "$0")/.."
if ! command -v systemctl >/dev/null 2>&1; then
  echo "record-install-fixtures: systemctl not found; it is the oracle" >&2
  exit 1
fi
version=$(systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')
if [ "$version" != 252 ]; then
  echo "record-install-fixtures: systemd $version found, the fixtures are systemd 252's" >&2
  exit 1
fi
exec node scripts/record-install-fixtures.mjs "$@"
