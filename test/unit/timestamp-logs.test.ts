// `svcctl logs --since/--until` reads systemd.time(7) time stamps as journalctl does: a journal
// with entries around known instants is written, queried through bin/svcctl, and compared with
// the entries the time stamp selects (and with journalctl itself on the same directory, when
// installed). TZ is pinned to Asia/Kolkata (UTC+05:30, no daylight saving since 1945) so local
// dates and "today" differ from UTC and the expected instants can be computed here by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalFileWriter } from '../../src/journal/file-writer.js';

const root = join(import.meta.dirname, '..', '..');
const svcctl = join(root, 'bin', 'svcctl');
const built = existsSync(join(root, 'dist', 'cli', 'svcctl.js'));
const haveJournalctl = spawnSync('journalctl', ['--version'], { encoding: 'utf8' }).status === 0;

const TZ = 'Asia/Kolkata';
const KOLKATA_OFFSET_SEC = 19800;
const EPOCH = 1_765_000_000n * 1_000_000n; // Sat 2025-12-06 05:46:40 UTC, 11:16:40 IST
const nowUsec = BigInt(Date.now()) * 1000n;
const nowSec = Number(nowUsec / 1_000_000n);
const todayIst = BigInt(Math.floor((nowSec + KOLKATA_OFFSET_SEC) / 86400) * 86400 - KOLKATA_OFFSET_SEC) * 1_000_000n;
const MIN = 60_000_000n;

const WRITTEN: Array<[string, bigint]> = [
  ['just-before-epoch', EPOCH - 1n],
  ['at-epoch', EPOCH],
  ['after-epoch', EPOCH + 1_500_000n],
  ['before-today', todayIst - 1_000_000n],
  ['after-today', todayIst + 1_000_000n],
  ['ten-minutes-ago', nowUsec - 10n * MIN],
  ['one-minute-ago', nowUsec - MIN],
];
const ENTRIES = [...WRITTEN].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

const between = (since?: bigint, until?: bigint): string[] =>
  ENTRIES.filter(([, t]) => (since === undefined || t >= since) && (until === undefined || t <= until)).map(([m]) => m);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-timestamp-logs-'));
  const w = JournalFileWriter.create(join(dir, 'system.journal'), { machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', bootId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' });
  ENTRIES.forEach(([message, realtime], i) => w.append([['MESSAGE', message], ['PRIORITY', '6']], { realtime: Number(realtime), monotonic: 1_000_000 + i }));
  w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logs(cmd: string, args: string[]) {
  const r = spawnSync(cmd, [...(cmd === svcctl ? ['logs'] : []), '-D', dir, '-o', 'cat', '--no-pager', ...args], { env: { ...process.env, TZ }, encoding: 'utf8' });
  return { lines: r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('-- ')), stderr: r.stderr, status: r.status };
}

const CASES: ReadonlyArray<{ args: string[]; want: string[] }> = [
  { args: ['--since', '@1765000000'], want: between(EPOCH) },
  { args: ['--since', '@1765000000.000001'], want: between(EPOCH + 1n) },
  { args: ['--until', '@1765000000'], want: between(undefined, EPOCH) },
  { args: ['-S', '@1765000000', '-U', '@1765000001'], want: between(EPOCH, EPOCH + 1_000_000n) },
  { args: ['--since', '2025-12-06 11:16:40'], want: between(EPOCH) },
  { args: ['--since', 'Sat 2025-12-06 05:46:40 UTC'], want: between(EPOCH) },
  { args: ['--since', '2025-12-06 06:46:40 Europe/Berlin'], want: between(EPOCH) },
  { args: ['--since', '2025-12-06 11:16:40 IST'], want: between(EPOCH) },
  { args: ['--since', 'today'], want: between(todayIst) },
  { args: ['--until', 'yesterday'], want: between(undefined, todayIst - 86_400_000_000n) },
  { args: ['--since', '5min ago'], want: between(nowUsec - 5n * MIN) },
  { args: ['--since', '-30s'], want: [] },
];

describe.skipIf(!built)('svcctl logs --since/--until take systemd.time(7) time stamps', () => {
  it.each(CASES)('$args', ({ args, want }) => {
    const r = logs(svcctl, args);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(want);
    expect(r.status).toBe(0);
  });

  it('refuses what journalctl refuses, with its words', () => {
    expect(logs(svcctl, ['--since', 'Sat 2025-12-07'])).toEqual({ lines: [], stderr: 'Failed to parse timestamp: Sat 2025-12-07\n', status: 1 });
    expect(logs(svcctl, ['--until', '10:00 Mars/Olympus'])).toEqual({ lines: [], stderr: 'Failed to parse timestamp: 10:00 Mars/Olympus\n', status: 1 });
    expect(logs(svcctl, ['--since', '@1765000002', '--until', '@1765000000'])).toEqual({ lines: [], stderr: '--since= must be before --until=.\n', status: 1 });
  });
});

describe.skipIf(!built || !haveJournalctl)('svcctl logs --since/--until vs live journalctl', () => {
  it.each([...CASES.map((c) => c.args), ['--since', 'Sat 2025-12-07'], ['--since', '@1765000002', '--until', '@1765000000']])('%j', (...args) => {
    const theirs = logs('journalctl', args);
    const ours = logs(svcctl, args);
    expect(ours.lines).toEqual(theirs.lines);
    expect(ours.status).toBe(theirs.status);
  });
});
