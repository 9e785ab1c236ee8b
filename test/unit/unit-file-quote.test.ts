/**
 * The generators' quoting (src/unit/unit-file-quote.ts) read back by svcd's unit parser: each value
 * written with it comes back exactly — as Environment= entries, and as the argv an Exec*= line is
 * spawned with (specifiers resolved, then $VAR/$$ expanded with no variables set, as at spawn).
 * And by systemd 252: test/fixtures/unit-file-quote/recorded.json holds what it passed to a unit
 * written so (scripts/record-unit-file-quote-fixtures.mjs; re-checked live where systemd-ns is).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execCommandLine, quoteWord, specifierEscape } from '../../src/unit/unit-file-quote.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnit } from '../../src/unit/load.js';
import type { ServiceUnit } from '../../src/unit/model.js';
import { expandArgv } from '../../src/exec/exec-context.js';
import { expandSpecifiers, systemContext } from '../../src/unit/specifiers.js';
import { liveOracle } from '../support/oracle.js';

interface Recorded {
  readonly values: string[];
  readonly envValues: string[];
  readonly command: string[];
  readonly unit: string;
  readonly systemd: { readonly argv: string[]; readonly env: string[] };
}
const repo = join(__dirname, '../..');
const readRecorded = (d: string): Recorded => JSON.parse(readFileSync(join(d, 'recorded.json'), 'utf8')) as Recorded;
const fixtures = join(repo, 'test/fixtures/unit-file-quote');

const dir = mkdtempSync(join(tmpdir(), 'svcd-quote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALUES = [
  'plain', 'two words', ' lead and trail ', '', 'double"quote', "single'quote", 'back\\slash', 'trailing\\', '\\n not a newline',
  'dollar $HOME', '$HOME', '${HOME}', 'a$$b', '$', 'percent %n %i %%', '%', 'tab\there', 'new\nline',
  ';', 'a ; b', '#not a comment', 'unicode é ☃', '"', '\\"', '=x=y',
];
/** Control characters other than tab and newline: an argument may hold them; an environment value may not (systemd refuses it). */
const CONTROL = ['cr\rhere', 'bell\x07', 'ctl\x01\x1f\x7f'];

let n = 0;
function load(service: string): ServiceUnit {
  const d = join(dir, String(n++));
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d);
  writeFileSync(join(d, 'q.service'), `[Unit]\nDescription=${specifierEscape('100% of %n')}\n[Service]\n${service}`);
  const u = loadUnit(buildUnitFileMap([d]), 'q.service') as ServiceUnit;
  expect(u.diagnostics.filter((x) => x.severity !== 'debug').map((x) => x.message)).toEqual([]);
  return u;
}

const spawnedArgv = (argv: readonly string[]): string[] =>
  expandArgv(argv.map((w) => {
    const r = expandSpecifiers(w, { name: 'q.service' }, systemContext());
    if (!r.ok) throw new Error(r.error);
    return r.value;
  }), new Map());

describe('values written with the shared quoting read back as written', () => {
  it('Environment= assignments', () => {
    const u = load(`ExecStart=/bin/true\n${VALUES.map((v, i) => `Environment=${quoteWord(`V${i}=${v}`)}\n`).join('')}`);
    expect(u.exec.environment).toEqual(VALUES.map((v, i) => `V${i}=${v}`));
  });

  it('Exec*= arguments, one command line holding them all', () => {
    const argv = ['/bin/echo', ...VALUES, ...CONTROL];
    const u = load(`ExecStart=${execCommandLine(argv)}\n`);
    expect(u.service.execStart.map((c) => spawnedArgv(c.argv))).toEqual([argv]);
  });

  it('an executable with spaces, % and $ in its path', () => {
    // Quotes, backslashes and control characters systemd refuses in the executable's name.
    const argv = ['/opt/my app 100%/$bin', 'x'];
    const u = load(`ExecStart=${execCommandLine(argv)}\n`);
    expect(u.service.execStart.map((c) => spawnedArgv(c.argv))).toEqual([argv]);
  });

  it('Description= with % written unquoted', () => {
    expect(load('ExecStart=/bin/true\n').unit.description).toBe('100% of %n');
  });
});

describe('systemd 252 reads the same quoting back (recorded)', () => {
  const rec = readRecorded(fixtures);
  it('the quoting still writes the unit systemd was given', () => {
    let unit = `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=${execCommandLine([...rec.command, ...rec.values])}\n`;
    rec.envValues.forEach((v, i) => (unit += `Environment=${quoteWord(`V${i}=${v}`)}\n`));
    expect(unit).toBe(rec.unit);
  });

  it('systemd ran the command with exactly the values as arguments, and set them as the environment', () => {
    expect(rec.systemd.argv).toEqual(rec.values);
    expect(rec.systemd.env).toEqual(rec.envValues);
  });

  it.runIf(liveOracle)('the recording is what systemd answers today', () => {
    const out = mkdtempSync(join(tmpdir(), 'svcd-quote-live-'));
    try {
      const r = spawnSync(process.execPath, [join(repo, 'scripts/record-unit-file-quote-fixtures.mjs'), out], { encoding: 'utf8', timeout: 90_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(readRecorded(out)).toEqual(rec);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
