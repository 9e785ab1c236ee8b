#!/bin/sh
# Records `systemctl list-sockets` of real systemd 252 booted (systemd-ns) on test/fixtures/list-sockets/units:
# sockets listening, one failed on a port its neighbour holds, one on an impossible path, one idle
# (wanted, its condition false), an Accept=yes one; with and without --all and --show-types.
# test/e2e/list-sockets-differential.test.ts replays the same invocations against svcd.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
fx=$repo/test/fixtures/list-sockets
ns=${SYSTEMD_NS:-/work/shared/tools/systemd-ns}
pid=$("$ns/systemd-ns.sh" "$fx/units" x.target)
trap '"$ns/systemd-ns.sh" --stop "$pid"' EXIT
rec() { # NAME ARGS...
    name=$1; shift
    "$ns/systemd-ns-exec.sh" "$pid" env SYSTEMD_COLORS=0 systemctl list-sockets --no-pager "$@" > "$fx/$name.txt"
}
rec default
rec all --all
rec types --show-types
rec all-types --all --show-types
rec pattern 't.*'
rec failed --state=failed
rec none 'nothing*'
