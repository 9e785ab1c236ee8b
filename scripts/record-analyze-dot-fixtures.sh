#!/bin/sh
# record-analyze-dot-fixtures.sh [OUTDIR] — record what real systemd-analyze 252 says about the dependency
# graph of test/fixtures/analyze-dot/units booted by systemd (every kind dot draws: Requires=, Requisite=,
# Wants= through an alias, Conflicts=, After=/Before=, plus BindsTo=/PartOf= that it does not draw), for
# the argument lists of test/fixtures/analyze-dot/cases.txt (one invocation a line, arguments separated
# by spaces): OUTDIR/N.out and N.err for line N, `systemd-analyze dump` into OUTDIR/dump.txt,
# `dump 'w*' memo.service` into dump-patterns.txt and the units in memory (`systemctl list-units --all
# --plain --no-legend`) into list-units.txt (default OUTDIR: test/fixtures/analyze-dot/recorded).
# systemd boots as PID 1 of a private namespace (../shared/tools/systemd-ns); test/e2e/analyze-dot.test.ts
# boots svcd on the same units and compares.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/analyze-dot/recorded}
mkdir -p "$out"
oracle_boot "$repo/test/fixtures/analyze-dot/units"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    # shellcheck disable=SC2086 # the line's words are the arguments; globs in them stay quoted by set -f
    (set -f; inns systemd-analyze dot $line >"$out/$n.out" 2>"$out/$n.err")
done <"$repo/test/fixtures/analyze-dot/cases.txt"
# The same manager's state, for svcctl analyze dump, and which units it holds.
inns systemd-analyze dump >"$out/dump.txt"
inns systemctl list-units --all --plain --no-legend >"$out/list-units.txt"
inns systemd-analyze dump 'w*' memo.service >"$out/dump-patterns.txt"
echo "recorded $n answers of systemd-analyze dot and its dump into $out" >&2
