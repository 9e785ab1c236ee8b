#!/bin/sh
# record-list-dependencies-fixtures.sh [OUTDIR] — record what real systemctl 252 prints for
# `list-dependencies` with the arguments of each line of test/fixtures/list-dependencies/cases.txt
# (requirement, reverse and ordering trees, with --all, and --reverse/--after/--before given together,
# where the last one wins) on the units of test/fixtures/analyze-dot/units booted by systemd:
# OUTDIR/N.out and N.rc for line N; then those of cycle-cases.txt on cycle-units (dependency cycles,
# which the tree cuts short): OUTDIR/cycle-N.out and cycle-N.rc (default OUTDIR:
# test/fixtures/list-dependencies/recorded).
# systemd boots as PID 1 of a private namespace (../shared/tools/systemd-ns);
# test/e2e/list-dependencies.test.ts boots svcd on the same units and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/list-dependencies/recorded}
mkdir -p "$out"
fixtures=$repo/test/fixtures/list-dependencies
# record UNITDIR CASES PREFIX: boot systemd on UNITDIR, answer each line of CASES into OUTDIR/PREFIXN.*
record() {
    oracle_boot "$1"
    n=0
    while IFS= read -r line; do
        n=$((n + 1))
        rc=0
        # shellcheck disable=SC2086 # the line's words are the arguments; globs in them stay quoted by set -f
        (set -f; inns systemctl list-dependencies --no-pager $line) >"$out/$3$n.out" 2>&1 || rc=$?
        echo "$rc" >"$out/$3$n.rc"
    done <"$2"
    "$ns/systemd-ns.sh" --stop "$pid"
    pid=
    echo "recorded $n answers of systemctl list-dependencies into $out/$3*" >&2
}
record "$repo/test/fixtures/analyze-dot/units" "$fixtures/cases.txt" ''
record "$fixtures/cycle-units" "$fixtures/cycle-cases.txt" cycle-
