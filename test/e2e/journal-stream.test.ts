// `svcctl logs` on a large journal streams: a listing is written as it is read, in constant memory
// (checked by running svcctl with a V8 heap far smaller than its output), `-n 50` reads from the
// end of the unit's entry arrays (checked by the bytes the process read, against the journal's size),
// and a reader that stops early (`| head -1`) ends it quietly with status 0. The journal is written
// by svcd's own writer: 300,000 lines of one unit interleaved with another unit's, rotated into
// several files, so the reads merge files as journalctl does.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JournalDirectory } from '../../src/journal/directory.js';
import { JournalData, JournalField } from '../../src/journal/file-writer.js';

const repo = join(__dirname, '../..');
const svcctl = join(repo, 'bin', 'svcctl');
const LINES = 300_000;
// One line of the other unit after every OTHER_EVERY of the big one's.
const OTHER_EVERY = 100;
const dir = mkdtempSync(join(tmpdir(), 'svcd-jstream-'));
const hasJournalctl = spawnSync('journalctl', ['--version']).status === 0;
// A heap far below what the output would need if it were held (about 30 MB of text, several
// times that as entries): only a streaming reader finishes.
const SMALL_HEAP = { ...process.env, NODE_OPTIONS: '--max-old-space-size=48' };
const line = (i: number) => `${String(i).padStart(7, '0')} ${'flood of lines '.repeat(6)}`;

beforeAll(() => {
  const machineId = '3d1219c7c4c5404aaa1f6d2a48adfda4';
  const bootId = '0123456789abcdef0123456789abcdef';
  const d = JournalDirectory.open({ dir, machineId, bootId, limits: { maxFileSize: 32 * 1024 * 1024, maxUse: 1 << 30 } });
  const fields = (unit: string, pid: number) => [
    new JournalData('_SYSTEMD_UNIT', unit), new JournalData('_PID', String(pid)), new JournalData('_COMM', unit.split('.')[0]!),
    new JournalData('SYSLOG_IDENTIFIER', unit.split('.')[0]!), new JournalData('PRIORITY', '6'), new JournalData('_TRANSPORT', 'stdout'),
    new JournalData('_HOSTNAME', 'stream'), new JournalData('_BOOT_ID', bootId),
  ];
  const flood = fields('flood.service', 100);
  const other = fields('other.service', 200);
  const MESSAGE = new JournalField('MESSAGE');
  let t = 1_765_000_000_000_000;
  let m = 1_000_000;
  for (let i = 0; i < LINES; i++) {
    d.append([...flood, [MESSAGE, line(i)]], { realtime: t++, monotonic: m++ });
    if (i % OTHER_EVERY === 0) d.append([...other, [MESSAGE, `other ${i}`]], { realtime: t++, monotonic: m++ });
  }
  d.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs svcctl logs, reading its output line by line as it comes (the test holds none of it). */
function logsLines(args: string[], env: NodeJS.ProcessEnv, onLine: (l: string) => void): Promise<{ code: number | null; stderr: string }> {
  const p = spawn(svcctl, ['logs', '-D', dir, '--no-pager', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: p.stdout }).on('line', onLine);
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, stderr })));
}

describe('svcctl logs on a large journal', () => {
  it('the journal spans several files', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.journal')).length).toBeGreaterThan(2);
  });

  it('-u X -o cat streams every line, in order, with a small heap', async () => {
    let n = 0;
    let wrong = '';
    const r = await logsLines(['-u', 'flood.service', '-o', 'cat'], SMALL_HEAP, (l) => {
      if (!wrong && l !== line(n)) wrong = `line ${n}: ${l}`;
      n++;
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(wrong).toBe('');
    expect(n).toBe(LINES);
  }, 120_000);

  it('-o json streams too, every entry of both units, in order', async () => {
    let n = 0;
    let other = 0;
    let last = '';
    const r = await logsLines(['-o', 'json'], SMALL_HEAP, (l) => {
      n++;
      last = l;
      if (l.includes('"_SYSTEMD_UNIT":"other.service"')) other++;
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(n).toBe(LINES + LINES / OTHER_EVERY);
    expect(other).toBe(LINES / OTHER_EVERY);
    expect((JSON.parse(last) as Record<string, string>).MESSAGE).toBe(line(LINES - 1));
  }, 120_000);

  it('-u X -n 50 reads from the end: the last 50 lines, as journalctl gives them, reading a small part of the journal', () => {
    const bytesFile = join(dir, 'read-bytes');
    const env = { ...process.env, NODE_OPTIONS: `--import=${join(repo, 'test/support/read-bytes.mjs')}`, SVCD_READ_BYTES_FILE: bytesFile };
    const r = spawnSync(svcctl, ['logs', '-D', dir, '--no-pager', '-u', 'other.service', '-n', '50'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const got = r.stdout.trimEnd().split('\n');
    expect(got.map((l) => l.replace(/^.*: /, ''))).toEqual(Array.from({ length: 50 }, (_, k) => `other ${(LINES / OTHER_EVERY - 50 + k) * OTHER_EVERY}`));
    if (hasJournalctl) {
      for (const args of [['-u', 'other.service', '-n', '50'], ['-u', 'flood.service', '-n', '50', '-o', 'short-precise'], ['-n', '50', '-r']]) {
        const theirs = spawnSync('journalctl', ['-D', dir, '--no-pager', ...args], { encoding: 'utf8' }).stdout;
        expect(spawnSync(svcctl, ['logs', '-D', dir, '--no-pager', ...args], { encoding: 'utf8' }).stdout, args.join(' ')).toBe(theirs);
      }
    }
    const journalBytes = readdirSync(dir).filter((f) => f.endsWith('.journal')).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
    // Node's start-up reads its modules (a few MB); reading the unit's whole chain or the files'
    // entries would read a large part of the journal.
    expect(Number(readFileSync(bytesFile, 'utf8'))).toBeLessThan(journalBytes / 10);
  }, 120_000);

  it('-f streams what is appended while it follows, however much, with a small heap', async () => {
    const fdir = mkdtempSync(join(tmpdir(), 'svcd-jstream-f-'));
    const jd = JournalDirectory.open({ dir: fdir, machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', bootId: '0123456789abcdef0123456789abcdef' });
    const unit = new JournalData('_SYSTEMD_UNIT', 'flood.service');
    const MESSAGE = new JournalField('MESSAGE');
    let t = 1_765_000_000_000_000;
    const append = (i: number) => jd.append([unit, [MESSAGE, line(i)]], { realtime: t, monotonic: t++ - 1_764_000_000_000_000 });
    const p = spawn(svcctl, ['logs', '-D', fdir, '--no-pager', '-f', '-u', 'flood.service', '-o', 'cat'], { env: SMALL_HEAP, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let n = 0;
    let wrong = '';
    createInterface({ input: p.stdout }).on('line', (l) => {
      if (!wrong && l !== line(n)) wrong = `line ${n}: ${l}`;
      n++;
    });
    const until = async (pred: () => boolean, ms: number) => {
      for (let w = 0; w < ms && !pred(); w += 50) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      for (let i = 0; i < 10; i++) append(i);
      jd.sync();
      await until(() => n >= 10, 20_000);
      expect(n).toBe(10);
      // Stopped while the lines arrive, it finds them all at its next look: one backlog of LINES.
      p.kill('SIGSTOP');
      for (let i = 10; i < LINES; i++) append(i);
      jd.sync();
      p.kill('SIGCONT');
      await until(() => n >= LINES || p.exitCode !== null, 90_000);
      expect(stderr).toBe('');
      expect(wrong).toBe('');
      expect(n).toBe(LINES);
    } finally {
      p.kill('SIGTERM');
      jd.close();
      rmSync(fdir, { recursive: true, force: true });
    }
  }, 150_000);

  it('a reader that stops early (| head -1) ends the listing quietly, with status 0', async () => {
    const p = spawn(svcctl, ['logs', '-D', dir, '--no-pager', '-u', 'flood.service', '-o', 'cat'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) => p.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    p.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => p.on('close', (c) => resolve(c)));
    expect(first.split('\n')[0]).toBe(line(0));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 120_000);
});
