// SIGKILL of svcd during a flood (issue 18, fault injection): what a crash of PID 1 costs the
// journal. A service prints numbered lines as fast as it can, noting each number in a file as
// well; svcd is SIGKILLed mid-flood. Its files must pass journalctl --verify, the journal must hold
// the flood from its first line without a hole, and the lines missing at the end must be no more
// than were in flight: what the pipe's buffer can hold (64 KiB) — svcd holds none of its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-jkill-'));
const written = join(dir, 'written');
const jdir = join(dir, 'journal');
buildTree(dir, {
  files: {
    // The number is appended to the file after the line went to the pipe: the file never runs ahead.
    'units/flood.service': `[Service]\nExecStart=/bin/sh -c 'i=0; while :; do echo "flood $$i"; echo $$i >> ${written}; i=$$((i+1)); done'\n`,
    'units/x.target': '[Unit]\nWants=flood.service\n',
  },
});
const hasJournalctl = spawnSync('journalctl', ['--version']).status === 0;
const run_ = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });

let svcd: SvcdInNamespace | undefined;
let exit: number | null = null;
/** The last number the service wrote whole to the file (the kill may cut the last one short). */
const lastWritten = (): number => {
  let text: string;
  try {
    text = readFileSync(written, 'utf8');
  } catch {
    return -1;
  }
  const whole = text.slice(0, text.lastIndexOf('\n'));
  return whole === '' ? -1 : Number(whole.slice(whole.lastIndexOf('\n') + 1));
};

beforeAll(async () => {
  if (!hasJournalctl) return;
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  for (let t = 0; t < 20000 && lastWritten() < 20000; t += 100) await sleep(100);
  spawnSync('kill', ['-KILL', String(svcd.hostPid)]);
  exit = await svcd.exited;
}, 60000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasJournalctl)('svcd SIGKILLed during a flood', () => {
  it('died of the SIGKILL (the premise)', () => {
    expect(exit).not.toBe(null);
    expect(exit).not.toBe(0);
    expect(spawnSync('kill', ['-0', String(svcd!.hostPid)]).status).not.toBe(0);
  });

  it('leaves files journalctl verifies', () => {
    const r = run_('journalctl', ['-D', jdir, '--verify']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('keeps the flood from its first line without a hole; only lines in flight are missing at the end', () => {
    const lines = run_('journalctl', ['-D', jdir, '-u', 'flood', '-o', 'cat']).stdout.split('\n').filter((l) => l.startsWith('flood '));
    const numbers = lines.map((l) => Number(l.slice(6)));
    expect(numbers.length).toBeGreaterThan(10000);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
    // The service printed every number in the file, and perhaps one more (killed between its two
    // writes). Each line is at least 8 bytes, so a 64 KiB pipe holds fewer than 8,192 of them.
    const printed = lastWritten() + 1;
    expect(numbers.length).toBeLessThanOrEqual(printed + 1);
    const lost = Math.max(0, printed - numbers.length);
    console.log(`flood: ${printed} or ${printed + 1} lines printed, ${numbers.length} in the journal, at most ${lost + 1} lost with svcd`);
    expect(lost).toBeLessThan(8192);
  });
});
