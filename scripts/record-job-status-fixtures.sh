#!/bin/sh
# record-job-status-fixtures.sh [OUT] — record the journal entries real systemd 252 writes for job
# messages (Starting…/Started…/Failed…/Timed out stopping…), their MESSAGE=, MESSAGE_ID=, JOB_TYPE=,
# JOB_RESULT=, PRIORITY= and UNIT=, into OUT (default test/fixtures/job-status/recorded.json).
#
# systemd boots as PID 1 of a private namespace (../shared/tools/systemd-ns, with journald) on the
# units of test/fixtures/job-status/units.json; each step of that file is run with systemctl, then
# `journalctl -o json` gives the entries systemd's job code wrote (CODE_FUNC=job_emit_*) for those
# units. test/e2e/job-status.test.ts runs the same steps on svcd and compares.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
ns=${SYSTEMD_NS:-$repo/../shared/tools/systemd-ns}
spec=$repo/test/fixtures/job-status/units.json
out=${1:-$repo/test/fixtures/job-status/recorded.json}

work=$(mktemp -d -p "${RECORD_TMPDIR:-/var/tmp}" svcd-jobstatus-rec.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || "$ns/systemd-ns.sh" --stop "$pid"
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work/units"
for u in $(jq -r '.units | keys[]' "$spec"); do jq -r --arg u "$u" '.units[$u]' "$spec" > "$work/units/$u"; done

pid=$("$ns/systemd-ns.sh" --journald --console null "$work/units" 2>"$work/ns.err")
inns() { "$ns/systemd-ns-exec.sh" "$pid" "$@"; }
jq -r '.steps[] | @tsv' "$spec" | while IFS="$(printf '\t')" read -r verb unit; do inns systemctl "$verb" "$unit" >/dev/null 2>&1 || true; done
units=$(jq -r '.units | keys | join(" ")' "$spec")
inns journalctl --sync
# shellcheck disable=SC2086
inns journalctl -o json --no-pager $(for u in $units; do printf 'UNIT=%s ' "$u"; done) |
    jq -s '[.[] | select(.CODE_FUNC | startswith("job_emit_")) | {UNIT, MESSAGE, MESSAGE_ID, JOB_TYPE, JOB_RESULT, PRIORITY}] | {systemd: "252", entries: .}' > "$out"
echo "recorded $(jq '.entries | length' "$out") job messages into $out" >&2
