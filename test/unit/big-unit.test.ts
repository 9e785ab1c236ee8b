// A big unit file loads in time linear in its size: 100,000 Environment= lines (or names on one
// line, or continuation lines) once kept svcd from answering — and from honouring SIGTERM — for over
// a minute, because each assignment scanned every earlier one and each continuation line rescanned
// the statement so far. Checked by what a user sees (svcctl answers, in a child process, within a
// minute that the quadratic loader needed several of), and by the environment each form yields.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import type { Unit } from '../../src/unit/model.js';

const svcctl = join(__dirname, '../../bin/svcctl');
const dir = mkdtempSync(join(tmpdir(), 'svcd-big-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(text: string): Unit {
  const file = parseUnitText('/u/a.service', text, { knownSections: knownSections('service') });
  return buildUnit({ name: 'a.service', id: 'a.service', names: ['a.service'], fragmentPath: '/u/a.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files: [file] });
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `V${i}=${i}`);

/** `svcctl analyze verify` on the unit, in a child process that a quadratic loader cannot finish in time. */
function verifyInTime(name: string, text: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  writeFileSync(join(dir, name), text);
  const r = spawnSync(svcctl, ['analyze', 'verify', join(dir, name)], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

describe('a big unit file', () => {
  it('keeps the first place of a name set again, and starts afresh after Environment= with nothing', () => {
    const u = load('[Service]\nExecStart=/bin/true\nEnvironment=A=1 B=2\nEnvironment=A=3\nEnvironment=\nEnvironment=B=4 A=5\nEnvironment=B=6 C=7 B=8\n');
    expect(u.exec?.environment).toEqual(['B=8', 'A=5', 'C=7']);
  });

  it('with 100,000 Environment= lines is verified within a minute', () => {
    const r = verifyInTime('lines.service', ['[Service]', 'ExecStart=/bin/true', ...names(100_000).map((a) => `Environment=${a}`), ''].join('\n'));
    expect(r).toEqual({ status: 0, signal: null, stderr: '' });
  }, 90_000);

  it('with 60,000 names on one Environment= line is verified within a minute', () => {
    const r = verifyInTime('words.service', `[Service]\nExecStart=/bin/true\nEnvironment=${names(60_000).join(' ')}\n`);
    expect(r).toEqual({ status: 0, signal: null, stderr: '' });
  }, 90_000);

  it('with a statement continued over 50,000 lines is verified within a minute, and keeps every name', () => {
    const text = `[Service]\nExecStart=/bin/true\nEnvironment=\\\n${names(50_000).join(' \\\n')}\n`;
    expect(verifyInTime('continued.service', text)).toEqual({ status: 0, signal: null, stderr: '' });
    expect(load(text).exec?.environment).toHaveLength(50_000);
  }, 90_000);
});
