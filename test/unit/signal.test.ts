// The one signal table (src/shared/signal.ts) against systemd 252's own: `systemctl kill -s help`
// lists signal_to_string() for 0…64, and `systemctl -s ARG` shows which arguments
// signal_from_string() takes (recorded by scripts/record-signal-fixtures.sh; re-checked live
// where systemctl is installed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGNALS, signalFromString, signalNumber, signalTable, signalToString } from '../../src/shared/signal.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'signal');
const help = readFileSync(join(fixtures, 'help.txt'), 'utf8').split('\n').slice(0, -1);
interface Case { arg: string; refused: boolean }
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];
const live = spawnSync('systemctl', ['--version']).status === 0;
const root = mkdtempSync(join(tmpdir(), 'svcd-signal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('signal_to_string(): the names systemctl lists', () => {
  it('names every number 0…64 as systemctl kill -s help does', () => {
    expect(help).toHaveLength(65);
    expect(signalTable()).toEqual(help);
  });
  it.runIf(live)('still matches the installed systemctl', () => {
    const r = spawnSync('systemctl', ['-s', 'help', 'kill'], { encoding: 'utf8' });
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(help);
  });
  it('agrees with the typed C names code uses', () => {
    for (const [name, n] of Object.entries(SIGNALS)) expect(`SIG${signalToString(n)}`).toBe(name);
    expect(signalNumber('SIGRTMIN+3')).toBe(help.indexOf('RTMIN+3'));
  });
});

describe('signal_from_string(): what systemctl kill -s accepts', () => {
  it.each(cases)('$arg', ({ arg, refused }) => {
    const r = signalFromString(arg);
    expect(!r.ok).toBe(refused);
    // Where the recorded list names the argument, the number is its place in that list.
    const listed = help.indexOf(arg.startsWith('SIG') ? arg.slice(3) : arg);
    if (r.ok && listed > 0) expect(r.value).toBe(listed);
  });
  it('reads relative real-time names and C numbers', () => {
    const n = (s: string) => { const r = signalFromString(s); return r.ok ? r.value : r.error; };
    expect(['RTMAX', 'RTMAX-2', 'RTMIN', '0x0f', ' 15', '010', 'RTMIN+0x3'].map(n)).toEqual([64, 62, 34, 15, 15, 8, 37]);
    expect(['0', '65', 'RTMIN+31', 'RTMAX-31', 'RTMIN-1', 'sigterm'].map(n))
      .toEqual(['Numerical result out of range', 'Numerical result out of range', 'Numerical result out of range', 'Numerical result out of range', 'Invalid argument', 'Invalid argument']);
  });
  it.runIf(live)('agrees with the installed systemctl on every case', () => {
    for (const { arg, refused } of cases) {
      const r = spawnSync('systemctl', [`--root=${root}`, '-s', arg, 'kill', 'probe.service'], { encoding: 'utf8' });
      expect(r.stderr.startsWith('Failed to parse signal string'), arg).toBe(refused);
    }
  });
});
