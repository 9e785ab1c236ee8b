#!/bin/sh
# record-list-dependencies-fixtures.sh [OUTDIR] — record what real systemctl 252 prints for
# `list-dependencies` with the arguments of each line of test/fixtures/list-dependencies/cases.txt
# (requirement, reverse and ordering trees, with --all, and --reverse/--after/--before given together,
# where the last one wins) on the units of test/fixtures/analyze-dot/units booted by systemd:
# OUTDIR/N.out and N.rc for line N (default OUTDIR: test/fixtures/list-dependencies/recorded).
# systemd boots as PID 1 of a private namespace (../shared/tools/systemd-ns);
# test/e2e/list-dependencies.test.ts boots svcd on the same units and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/list-dependencies/recorded}
mkdir -p "$out"
oracle_boot "$repo/test/fixtures/analyze-dot/units"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    rc=0
    # shellcheck disable=SC2086 # the line's words are the arguments
    inns systemctl list-dependencies --no-pager $line >"$out/$n.out" 2>&1 || rc=$?
    echo "$rc" >"$out/$n.rc"
done <"$repo/test/fixtures/list-dependencies/cases.txt"
echo "recorded $n answers of systemctl list-dependencies into $out" >&2
