#!/bin/sh
# Records systemd 252's signal table as the oracle for test/unit/signal.test.ts:
# - help.txt: `systemctl kill -s help`, signal_to_string() for every number 0…64, one a line;
# - cases.json: for each argument, whether `systemctl -s ARG kill` parses it (signal_from_string()).
#   With --root= systemctl refuses the verb only after the option is parsed, so no manager is
#   needed: a refused signal says "Failed to parse signal string", an accepted one the --root error.
# Re-run only on purpose; the files are committed so the test runs where systemd is absent.
set -eu
cd "$(dirname "$0")/.."
command -v systemctl >/dev/null || { echo "systemctl not found" >&2; exit 1; }
out=test/fixtures/signal
mkdir -p "$out"
export SYSTEMD_COLORS=0 SYSTEMD_PAGER= PAGER=cat
systemctl -s help kill >"$out/help.txt"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
node --input-type=module - "$out" "$root" <<'JS'
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const [out, root] = process.argv.slice(2);
const args = [
  'TERM', 'SIGTERM', 'KILL', 'HUP', 'STKFLT', 'SYS', 'PWR', 'IO', 'sigterm', 'term', 'Term', 'SIG', 'SIG15', 'SIGSIGTERM',
  'IOT', 'POLL', 'CLD', '', ' ', '15', ' 15', '15 ', '0x0f', '010', '0', '1', '31', '32', '33', '34', '64', '65', '-1', '+9',
  'RTMIN', 'SIGRTMIN', 'RTMIN+0', 'RTMIN+3', 'SIGRTMIN+3', 'RTMIN+30', 'RTMIN+31', 'RTMIN-1', 'RTMIN3', 'RTMIN+ 3',
  'RTMIN+0x3', 'RTMIN+-0', 'rtmin+3', 'RTMAX', 'SIGRTMAX', 'RTMAX-0', 'RTMAX-2', 'SIGRTMAX-2', 'RTMAX-30', 'RTMAX-31',
  'RTMAX+1', 'RTMAX--0', 'RTMAX-', 'RTMIN+',
];
const cases = args.map((arg) => {
  const r = spawnSync('systemctl', [`--root=${root}`, '-s', arg, 'kill', 'probe.service'], { encoding: 'utf8' });
  return { arg, refused: r.stderr.startsWith('Failed to parse signal string'), stderr: r.stderr, status: r.status };
});
writeFileSync(`${out}/cases.json`, JSON.stringify(cases, null, 2) + '\n');
console.log(`recorded help and ${cases.length} cases`);
JS
