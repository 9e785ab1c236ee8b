#!/bin/sh
# record-slice-fixtures.sh [OUTDIR] — record what real systemctl 252 answers about slices for each
# line of test/fixtures/slices/cases.txt (Slice= and the implicit dependencies on the slice and its
# parents, ControlGroup= nested as systemd nests slices, a slice's own limits, a system.slice.d
# drop-in without a system.slice file, Delegate= as shown) on test/fixtures/slices/units booted by
# systemd: OUTDIR/N.out and N.rc for line N (default OUTDIR: test/fixtures/slices/recorded).
# systemd boots as PID 1 of a private namespace (../shared/tools/systemd-ns);
# test/e2e/slices-differential.test.ts boots svcd on the same units and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/slices/recorded}
mkdir -p "$out"
fixtures=$repo/test/fixtures/slices
oracle_boot "$fixtures/units"
# x.target (wanted by multi-user.target) and its services are up once systemctl answers; their processes are in the trees.
n=0
while IFS= read -r line; do
    n=$((n + 1))
    rc=0
    # shellcheck disable=SC2086 # the line's words are the arguments
    (set -f; inns systemctl $line) >"$out/$n.out" 2>&1 || rc=$?
    echo "$rc" >"$out/$n.rc"
done <"$fixtures/cases.txt"
echo "recorded $n answers of systemctl into $out" >&2
