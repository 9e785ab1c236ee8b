#!/bin/sh
# Records what the real `systemd-analyze timespan` (systemd 252) prints for a list of inputs, as
# the oracle for test/unit/timespan-analyze.test.ts. Re-run only on purpose (e.g. to add cases);
# the JSON files are committed. Each case is one argv list; stdout, stderr and the exit status
# are stored verbatim. The locale is pinned to C.UTF-8 so "μs" is printed as in most containers.
set -eu
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found" >&2; exit 1; }
out=test/fixtures/timespan
mkdir -p "$out"
rm -f "$out"/*.json
node --input-type=module - "$out" <<'JS'
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const outDir = process.argv[2];
// One argv list per case; "--" keeps inputs starting with "-" from being read as options.
const cases = [
  ['0'], ['infinity'], ['1.5'], ['5min 20s'], ['1y 2M'], ['2h30m'], ['--', '-1'], ['abc'], [' 5s'], ['1.'],
  ['.5s'], ['1.5h'], ['123456789012345678901234'], ['18446744073709551615us'], ['1000000000000000000us'],
  ['584541y'], ['584542y'], ['1e3'], ['5 min'], ['5s '], [''], ['1w'], ['1M'], ['1y'], ['0.000001s'],
  ['0.0000001s'], ['1us'], ['1h1'], ['1 1'], ['1s1'], ['1.999999999s'], ['01s'], ['+5'], ['5sec'],
  ['5seconds'], ['5secs'], ['5 minutes'], ['5mins'], ['5m'], ['5 M'], ['5ms 5us 5ns'], ['5nsec'],
  ['1.5us'], ['1\u00b5s'], ['1\u03bcs'], ['1 hr'], ['2hrs'], ['3wk'], ['INFINITY'], [' infinity '],
  ['infinity 5s'], ['infinityx'], ['--', '-0'], ['--', '-5s'], ['1.5.5s'], ['3.1s.2'], ['3.1 .2'],
  ['.'], ['s'], ['+.5s'], ['61.5s'], ['1500us'], ['1.5ms'], ['90s'], ['100ms'], ['3600'], ['86399.999999'],
  ['1d 1h 1min 1s 1ms 1us'], ['52w'], ['12month'], ['4w 2d 10h 30min'], ['9223372036854775807'],
  ['18446744073709551614us'], ['18446744073709551615'], ['5s\n1s'], ['\n5s'], ['5s\n\n1s'], ['5s\t1s'],
  ['\t5s'], ['5s\r'], ['\u00015s'], ['now'], ['today'], ['yesterday'], ['5s ago'], ['1d ago'], ['3 left'],
  ['@123'], ['2023-01-01'], ['12:00'], ['12:00:00'], ['2023-01-01 12:00 UTC'], ['hourly'], ['daily'],
  ['*-*-* 00:00'], ['epoch'], ['x'], ['1s', '2s'], ['5s', 'abc', '6s'], ['1min', '90s', '1.5'],
  ['2023-02-30'], ['1:2'], ['@infinity'], ['+infinity'], ['today UTC'], ['now UTC'], ['*:0/15'], ['Mon..Fri 12:00'],
  ['1-2'], ['2023-01-01T12:00'], [],
];
const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };
delete env.LC_ALL;
cases.forEach((args, i) => {
  const r = spawnSync('systemd-analyze', ['timespan', ...args], { env, encoding: 'utf8' });
  const name = `${String(i).padStart(3, '0')}.json`;
  writeFileSync(`${outDir}/${name}`, JSON.stringify({ args, stdout: r.stdout, stderr: r.stderr, status: r.status }, null, 2) + '\n');
});
console.log(`recorded ${cases.length} cases in ${outDir}`);
JS
