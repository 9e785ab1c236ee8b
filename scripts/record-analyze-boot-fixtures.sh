#!/bin/sh
# record-analyze-boot-fixtures.sh [OUTDIR] — record what real systemd-analyze 252 says about a boot of
# test/fixtures/analyze-boot/units (oneshots that sleep for clearly different times, a chain of After=):
# `time`, `blame`, `critical-chain`, `critical-chain d-long.service c-fast.service` and `plot`, into OUTDIR
# (default test/fixtures/analyze-boot/recorded), one file each. systemd boots as PID 1 of a private
# namespace (../shared/tools/systemd-ns). test/e2e/analyze-boot.test.ts boots svcd on the same units and
# compares: the same structure, the same units in the same order where times differ clearly.
set -eu
. "$(dirname "$0")/systemd-ns-oracle.sh"
out=${1:-$repo/test/fixtures/analyze-boot/recorded}
mkdir -p "$out"
oracle_boot "$repo/test/fixtures/analyze-boot/units"
# The boot is over once no job is left (FinishTimestamp= is set); is-system-running said so already.
inns systemd-analyze time >"$out/time.txt"
inns systemd-analyze blame >"$out/blame.txt"
inns systemd-analyze critical-chain >"$out/critical-chain.txt"
inns systemd-analyze critical-chain d-long.service c-fast.service >"$out/critical-chain-units.txt"
inns systemd-analyze plot >"$out/plot.svg"
echo "recorded systemd-analyze time, blame, critical-chain, plot into $out" >&2
