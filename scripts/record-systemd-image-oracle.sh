#!/bin/sh
# Records which units real systemd 252 leaves active when it boots an image with Debian's whole systemd
# package plus nginx (test/fixtures/systemd-image/image-root.sh: a private overlay root, nothing reaches
# the host), as the oracle of test/e2e/systemd-image-boot.test.ts: one "UNIT SUB" line per active unit.
#   scripts/record-systemd-image-oracle.sh > test/fixtures/systemd-image/systemd-active.txt
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
setsid unshare --mount --pid --net --uts --ipc --fork --mount-proc --kill-child sh "$repo/test/fixtures/systemd-image/image-root.sh" "$work" "$repo" systemd \
  </dev/null >"$work.log" 2>&1 &
ush=$!
trap 'rc=$?; set +e; kill -KILL $ush 2>/dev/null; wait $ush 2>/dev/null || true; rm -rf "$work" "$work.log"; exit $rc' EXIT
pid=
n=0
while [ $n -lt 600 ]; do
  pid=$(pgrep -P $ush 2>/dev/null | head -1 || true)
  if [ -n "$pid" ]; then
    st=$(nsenter -t "$pid" -m -p -r systemctl is-system-running 2>/dev/null || true)
    case $st in running|degraded) break ;; esac
  fi
  sleep 0.1
  n=$((n + 1))
done
[ -n "$pid" ] || { echo "no systemd in the image; log:" >&2; cat "$work.log" >&2; exit 1; }
nsenter -t "$pid" -m -p -r systemctl list-units --all --plain --no-legend --state=active | awk '{ print $1, $4 }' | sort
kill -s RTMIN+3 "$pid"
n=0
while kill -0 $ush 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
