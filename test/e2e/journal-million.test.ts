// A service printing 1,000,000 lines of ~100 bytes as fast as it can, under svcd as PID 1 of a PID
// namespace: every line reaches the journal, in order, none twice (read back with svcd's reader
// over all the files the burst rotated through, and counted by the real journalctl where installed),
// and svcd's resident memory stays bounded while it runs (VmRSS sampled every 50 ms).
// SVCD_MILLION_LINES=N changes the count (e.g. to iterate faster).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { readDirectory, tailDirectory } from '../../src/journal/directory.js';

const repo = join(__dirname, '../..');
const LINES = Number(process.env.SVCD_MILLION_LINES ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'svcd-million-'));
const run = join(dir, 'run');
const jdir = join(dir, 'journal');
// Each line: a 7-digit sequence number and 92 more bytes (100 with the newline).
const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 91);
buildTree(dir, {
  files: {
    'units/flood.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/bin/mawk 'BEGIN { for (i = 0; i < ${LINES}; i++) printf "%%07d ${PAD}\\\\n", i }'\n`,
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=flood.service\n',
    'none.conf': '',
  },
});
chmodSync(dir, 0o755);
const FLOOD = [{ name: '_SYSTEMD_UNIT', value: 'flood.service' }];

let console_ = '';
let exitCode: number | null = null;
let peakRssKiB = 0;
let baseRssKiB = 0;
let seconds = 0;
const until = async (pred: () => boolean, ms: number) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
const svcctl = (...args: string[]) => spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { encoding: 'utf8' });
const rssKiB = (pid: number): number => {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  const t0 = Date.now();
  // svcd's console forwarding is off: the test is about the journal, not the pipe to vitest.
  buildTree(dir, { files: { 'none.conf': '[Journal]\nConsoleOutput=off\n' } });
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', join(dir, 'none.conf'),
    '--runtime-dir', run, '--journal-dir', jdir], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  p.on('exit', (c) => (exitCode = c));
  const kids = () => readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  await until(() => kids().length > 0, 10000);
  const svcd = kids()[0]!;
  baseRssKiB = rssKiB(svcd);
  const sampler = setInterval(() => (peakRssKiB = Math.max(peakRssKiB, rssKiB(svcd))), 50);
  // The oneshot is done once mawk exited and its last line was read: "Finished flood.service".
  await until(() => /Finished flood\.service/.test(console_) || exitCode !== null, 240000);
  // The unit is done when mawk exits; its last lines may still be in the pipe: wait for the last one.
  const last = `${String(LINES - 1).padStart(7, '0')} ${PAD}`;
  await until(() => tailDirectory(jdir, 1, { matches: FLOOD })[0]?.fields.find((f) => f.name === 'MESSAGE')?.value?.toString('latin1') === last, 30000);
  clearInterval(sampler);
  seconds = (Date.now() - t0) / 1000;
}, 300000);
afterAll(() => {
  if (exitCode === null) svcctl('exit');
  rmSync(dir, { recursive: true, force: true });
});

describe(`a ${LINES.toLocaleString('en')}-line burst from one service`, () => {
  it('is in the journal whole: every line, in order, none twice', () => {
    expect(console_, console_.slice(-3000)).toMatch(/Finished flood\.service/);
    let n = 0;
    let bad = 0;
    for (const e of readDirectory(jdir, { matches: FLOOD })) {
      const m = e.fields.find((f) => f.name === 'MESSAGE')?.value?.toString('latin1');
      if (m !== `${String(n).padStart(7, '0')} ${PAD}`) bad++;
      n++;
    }
    expect(bad).toBe(0);
    expect(n).toBe(LINES);
    console.log(`journal-million: ${LINES} lines in ${seconds.toFixed(1)} s (boot included); svcd RSS ${Math.round(baseRssKiB / 1024)} MiB at start, ${Math.round(peakRssKiB / 1024)} MiB at peak`);
  }, 120000);

  it("keeps svcd's memory bounded while it runs", () => {
    expect(peakRssKiB).toBeGreaterThan(0);
    // Generous: the writer's data-object mirror plus the pages of the active journal file svcd has
    // mapped (VmRSS counts them; page cache, one file at most), not the million lines (~100 MB).
    expect(peakRssKiB).toBeLessThan(250 * 1024);
  });

  it.skipIf(spawnSync('journalctl', ['--version']).status !== 0)('is counted the same by the real journalctl', () => {
    const r = spawnSync('sh', ['-c', `journalctl -D '${jdir}' _SYSTEMD_UNIT=flood.service -o cat --no-pager | wc -l`], { encoding: 'utf8' });
    expect(Number(r.stdout.trim())).toBe(LINES);
  }, 120000);
});
