#!/usr/bin/env node
// record-unit-file-quote-fixtures.mjs [OUTDIR] — what real systemd 252 reads back from a unit written
// with svcd's generator quoting (src/unit/unit-file-quote.ts, from dist/: run `npm run build` first).
// The unit's ExecStart= runs python3 with the test values as arguments and Environment= sets V0…Vn to
// them; systemd (booted with systemd-ns) starts it, and the program writes the argv and environment
// it got. OUTDIR (default test/fixtures/unit-file-quote) gets recorded.json: the values, the
// command before them, the unit text, and what systemd passed. test/unit/unit-file-quote.test.ts checks that the quoting still
// writes that text and that systemd's answers are the values; it re-runs this where systemd-ns is.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(repo, 'test/fixtures/unit-file-quote');
const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');
const { execCommandLine, quoteWord } = await import(join(repo, 'dist/unit/unit-file-quote.js'));

/** Spaces, quotes, backslashes, `$` forms, `%` specifiers, control characters, `;` and `#`. */
const VALUES = [
  'plain', 'two words', ' lead and trail ', '', 'double"quote', "single'quote", 'back\\slash', 'trailing\\', '\\n not a newline',
  'dollar $HOME', '$HOME', '${HOME}', 'a$$b', '$', 'percent %n %i %%', '%', 'tab\there', 'new\nline',
  ';', 'a ; b', '#not a comment', 'unicode é ☃', '"', '\\"', '=x=y', 'cr\rhere', 'bell\x07', 'ctl\x01\x1f\x7f',
];
// systemd refuses an environment value with control characters other than tab and newline.
// eslint-disable-next-line no-control-regex
const ENV_VALUES = VALUES.filter((v) => !/[\x00-\x08\x0b-\x1f\x7f]/.test(v));

const program = `import sys,json,os;open("/run/quote-out.json","w").write(json.dumps({"argv":sys.argv[1:],"env":[os.environ.get("V%d"%i) for i in range(${ENV_VALUES.length})]}))`;
const command = ['/usr/bin/python3', '-c', program];
let unit = `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=${execCommandLine([...command, ...VALUES])}\n`;
ENV_VALUES.forEach((v, i) => (unit += `Environment=${quoteWord(`V${i}=${v}`)}\n`));

const units = mkdtempSync(join(tmpdir(), 'svcd-quote-units-'));
try {
  writeFileSync(join(units, 'quote.service'), unit);
  writeFileSync(join(units, 'x.target'), '[Unit]\nWants=quote.service\n');
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', units, 'x.target'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const got = JSON.parse(execFileSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'cat', '/run/quote-out.json'], { encoding: 'utf8' }));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'recorded.json'), `${JSON.stringify({ values: VALUES, envValues: ENV_VALUES, command, unit, systemd: got }, null, 1)}\n`);
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
  }
} finally {
  rmSync(units, { recursive: true, force: true });
}
