#!/bin/sh
# Records systemd 252's system call groups as the oracle for test/unit/syscall-filter.test.ts and
# the source of src/shared/syscall-groups.ts (scripts/gen-syscall-groups.mjs reads listing.txt):
# the whole `systemd-analyze syscall-filter` listing (stdout, stderr and status apart), and what it
# prints for named groups, repeated ones, unknown ones and a bare system call name. Re-run only on
# purpose; the files are committed so the tests run where systemd is absent.
set -eu
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found" >&2; exit 1; }
out=test/fixtures/syscall-filter
mkdir -p "$out"
export SYSTEMD_COLORS=0 SYSTEMD_PAGER= PAGER=cat
systemd-analyze --version | head -1 >"$out/version.txt"
node --input-type=module - "$out" <<'JS'
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const run = (args) => {
  const r = spawnSync('systemd-analyze', ['syscall-filter', ...args], { encoding: 'utf8' });
  return { args, stdout: r.stdout, stderr: r.stderr, status: r.status };
};
const whole = run([]);
writeFileSync(`${process.argv[2]}/listing.txt`, whole.stdout);
const lists = [
  [], ['--quiet'], ['@default'], ['@system-service'], ['@known'], ['@clock', '@default'], ['@aio', '@aio'],
  ['@foo'], ['@clock', '@foo', '@aio'], ['clock_settime'], ['@CLOCK'], ['@'], [''], ['@privileged', '@setuid'],
];
const cases = lists.map((a) => (a.length === 0 ? whole : run(a)));
writeFileSync(`${process.argv[2]}/cases.json`, JSON.stringify(cases, null, 2) + '\n');
console.log(`recorded the listing and ${cases.length} cases`);
JS
