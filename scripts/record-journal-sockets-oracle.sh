#!/bin/sh
# Records what systemd-journald 252 stores for messages sent to its three sockets, as the oracle of
# test/e2e/journal-sockets.test.ts: boots systemd with journald in a private namespace
# (/work/shared/tools/systemd-ns), runs the same writers the test runs (logger, systemd-cat, the
# native-protocol and raw syslog writer test/fixtures/journal-sockets/native-send.py), and keeps
# each entry's field names and the values that do not change from run to run.
#   scripts/record-journal-sockets-oracle.sh > test/fixtures/journal-sockets/oracle.json
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-/work/shared/tools/systemd-ns}
units=$(mktemp -d)
pid=$("$ns/systemd-ns.sh" --journald "$units")
trap '"$ns/systemd-ns.sh" --stop "$pid"; rm -rf "$units"' EXIT
x() { "$ns/systemd-ns-exec.sh" "$pid" "$@"; }
py=$(python3 -c 'import sys; print(sys.executable)')
x logger -t mytag -p local3.warning "hello from logger"
x sh -c 'echo "cat line" | systemd-cat -t catid -p err'
x sh -c 'printf "<5>with level prefix\nplain\n" | systemd-cat -t pfx'
x "$py" "$repo/test/fixtures/journal-sockets/native-send.py"
sleep 1
x journalctl -o json --no-pager _TRANSPORT=syslog + _TRANSPORT=journal + _TRANSPORT=stdout | "$py" -c '
import json, sys
volatile = {"__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID", "_MACHINE_ID", "_HOSTNAME",
            "_SOURCE_REALTIME_TIMESTAMP", "_PID", "_STREAM_ID", "SYSLOG_TIMESTAMP", "_CMDLINE", "_EXE", "_CAP_EFFECTIVE",
            "_SYSTEMD_CGROUP", "_SYSTEMD_SLICE", "_SYSTEMD_UNIT", "_SYSTEMD_INVOCATION_ID", "_COMM", "_SELINUX_CONTEXT"}
out = []
for line in sys.stdin:
    e = json.loads(line)
    if e.get("_PID") == "1" or e.get("_COMM", "").startswith("systemd") and e.get("_TRANSPORT") != "stdout":
        continue
    if e.get("SYSLOG_IDENTIFIER") in ("systemd", "systemd-journald", "kernel"):
        continue
    msg = e.get("MESSAGE")
    if isinstance(msg, str) and len(msg) > 200:
        e["MESSAGE"] = "x*%d" % len(msg)
    out.append({"fields": sorted(e.keys()), "values": {k: v for k, v in sorted(e.items()) if k not in volatile}})
json.dump(out, sys.stdout, indent=1)
print()
'
