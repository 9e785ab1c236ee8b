#!/bin/sh
# analyze-dump-tree.sh DIR — the unit tree of the analyze-dump differential test: the fixture's own
# units and the Debian packages' unit files, copied unmodified from /lib/systemd/system (they are the
# packages' text, so they are copied where the test runs, never committed).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
cp -a "$repo/test/fixtures/analyze-dump/units/." "$1/"
for u in nginx.service redis-server.service ssh.service ssh.socket cron.service memcached.service postgresql.service; do
    cp "/lib/systemd/system/$u" "$1/$u"
done
