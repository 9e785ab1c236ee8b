#!/bin/sh
# record-escape-fixtures.sh [OUT] — run the real systemd-escape (systemd 252) on every case of
# test/fixtures/escape/cases.json and record stdout, stderr and exit status into OUT (default
# test/fixtures/escape/recorded.json), for test/unit/escape-differential.test.ts.
#
# cases.json has explicit argument lists (`cases`, also run through bin/svcctl; `verbCases`, only
# through the verb in-process) and a matrix: each input after each flag set, behind "--" so inputs
# starting with "-" stay strings. stdout that is not UTF-8 (unescaping
# "\xff") is kept byte-exact as base64 in `stdoutBase64`.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/test/fixtures/escape/recorded.json}
command -v systemd-escape >/dev/null || { echo "systemd-escape not found" >&2; exit 1; }
version=$(systemd-escape --version | head -n 1)
case $version in
    "systemd 252 "*) ;;
    *) echo "warning: recording with '$version', the spec is systemd 252" >&2 ;;
esac

# systemd-escape is the oracle; node only reads the case list and writes JSON, which sh cannot do safely.
SYSTEMD_VERSION=$version node --input-type=module - "$repo/test/fixtures/escape/cases.json" "$out" <<'EOF'
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [casesFile, outFile] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(casesFile, 'utf8'));
const all = [
  ...spec.cases.map((args) => ({ kind: 'cli', args })),
  ...(spec.verbCases ?? []).map((args) => ({ kind: 'verb', args })),
  ...spec.matrix.flagSets.flatMap((flags) => spec.matrix.inputs.map((input) => ({ kind: 'matrix', args: [...flags, '--', input] }))),
];
const recorded = all.map(({ kind, args }) => {
  // A fixed environment: systemd's log output depends on $SYSTEMD_LOG_* and colour on the terminal.
  const r = spawnSync('systemd-escape', args, { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
  const stdout = r.stdout;
  const text = stdout.toString('utf8');
  const exact = Buffer.from(text, 'utf8').equals(stdout);
  return { kind, args, ...(exact ? { stdout: text } : { stdoutBase64: stdout.toString('base64') }), stderr: r.stderr.toString('utf8'), status: r.status };
});
const lines = recorded.map((c) => ` ${JSON.stringify(c)}`).join(',\n');
writeFileSync(outFile, `{\n "systemd": ${JSON.stringify(process.env.SYSTEMD_VERSION)},\n "cases": [\n${lines}\n ]\n}\n`);
console.log(`recorded ${recorded.length} systemd-escape cases into ${outFile}`);
EOF
