#!/bin/sh
# Records systemd 252's exit-status table as the oracle for test/unit/exit-status.test.ts: the
# full `systemd-analyze exit-status` listing, and what it says for single arguments (names, numbers
# in C's notations, out-of-range and misspelt ones, and a few lists), which shows
# exit_status_from_string() and the verb's table. Re-run
# only on purpose; the files are committed so the test runs where systemd is absent.
set -eu
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found" >&2; exit 1; }
out=test/fixtures/exit-status
mkdir -p "$out"
export SYSTEMD_COLORS=0 SYSTEMD_PAGER= PAGER=cat
systemd-analyze exit-status >"$out/table.txt"
node --input-type=module - "$out" <<'JS'
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const args = [
  '0', '1', '3', '64', '78', '200', '203', '223', '231', '234', '244', '245', '255', '256', '300', '100',
  'SUCCESS', 'EXEC', 'APPARMOR', 'APPARMOR_PROFILE', 'BPF', 'EXCEPTION', 'exec', 'Exec', 'NOTRUNNING', 'USAGE',
  '0x10', '010', ' 5', '5 ', '5x', '', '+5', '0b11', '0o17', '-0',
];
// Each argument alone, then a few lists: several rows, and a bad word among good ones.
const lists = [...args.map((a) => [a]), ['231', '0x10', 'BPF'], ['0', 'foo', '1'], ['EXCEPTION', '7', '64', '222']];
const cases = lists.map((argv) => {
  const r = spawnSync('systemd-analyze', ['exit-status', '--', ...argv], { encoding: 'utf8' });
  return { args: argv, stdout: r.stdout, stderr: r.stderr, status: r.status };
});
writeFileSync(`${process.argv[2]}/cases.json`, JSON.stringify(cases, null, 2) + '\n');
console.log(`recorded the table and ${cases.length} cases`);
JS
