// Capture with real processes: children spawned through the native addon write into the pipe a
// Journal stream hands out; what lands in the journal file is read back (and by journalctl where
// installed). Line cutting as journald does it: "\n", NUL, LineMax=, EOF; bytes kept; <N> prefixes;
// and a million-line burst kept whole, in order, with svcd's memory bounded.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from '../../src/exec/native.js';
import { Journal, type StreamMeta } from '../../src/journal/journal.js';
import { readDirectory } from '../../src/journal/directory.js';
import { quoteCommandLine, shellMaybeQuote } from '../../src/shared/shell-quote.js';
import type { JournalEntry } from '../../src/journal/file-reader.js';

const MACHINE = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const BOOT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const hasJournalctl = spawnSync('journalctl', ['--version']).status === 0;

/** Runs argv with its stdout (and stderr) on one journal stream; resolves once the stream ended. */
async function capture(argv: string[], meta: Partial<StreamMeta> = {}, lineMax?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-capture-'));
  dirs.push(dir);
  const console = new PassThrough();
  let forwarded = '';
  console.on('data', (d: Buffer) => (forwarded += d.toString('latin1')));
  const journal = new Journal({ dir, machineId: MACHINE, bootId: BOOT, consoleOutput: 'prefixed', console, lineMax });
  const m: StreamMeta = { unit: 'cap.service', invocationId: '0123456789abcdef0123456789abcdef', identifier: 'cap', levelPrefix: true, ...meta };
  const stream = journal.openStream(m);
  const pid = spawn({ file: argv[0]!, argv, envp: ['PATH=/usr/bin:/bin'], fds: ['null', stream.fd, stream.fd] });
  stream.started(pid);
  closeSync(stream.fd);
  // The stream ends when the child (the last writer) exits: wait until nothing is open any more.
  const streams = (journal as unknown as { streams: Set<unknown> }).streams;
  for (let t = 0; streams.size > 0 && t < 60000; t += 20) await new Promise((r) => setTimeout(r, 20));
  journal.close();
  return { dir, pid, forwarded, entries: (): JournalEntry[] => [...readDirectory(dir)] };
}

const get = (e: JournalEntry, name: string): Buffer | undefined => e.fields.find((f) => f.name === name)?.value;
const text = (e: JournalEntry, name: string): string | undefined => get(e, name)?.toString('latin1');

describe('capture of a process\'s output', () => {
  it('cuts lines at newline, NUL, LineMax= and EOF as journald does, keeping every byte', async () => {
    // printf with octal escapes: a NUL-ended line, a non-UTF-8 byte, a 10-byte line max exceeded, no final newline.
    const r = await capture(['/usr/bin/printf', 'one\\ntwo\\000three \\377\\n0123456789abcdefghij\\n<3>bad\\n<9>not a level\\ntail'], {}, 10);
    const e = r.entries();
    expect(e.map((x) => get(x, 'MESSAGE')!.toString('latin1'))).toEqual(['one', 'two', 'three \xff', '0123456789', 'abcdefghij', '', 'bad', '<9>not a l', 'evel', 'tail']);
    expect(e.map((x) => text(x, '_LINE_BREAK') ?? '')).toEqual(['', 'nul', '', 'line-max', 'line-max', '', '', 'line-max', '', 'eof']);
    expect(get(e[2]!, 'MESSAGE')!.equals(Buffer.from([0x74, 0x68, 0x72, 0x65, 0x65, 0x20, 0xff]))).toBe(true);
    expect(e.map((x) => text(x, 'PRIORITY'))).toEqual(['6', '6', '6', '6', '6', '6', '3', '6', '6', '6']);
    expect(text(e[0]!, '_PID')).toBe(String(r.pid));
    expect(text(e[0]!, '_SYSTEMD_UNIT')).toBe('cap.service');
    expect(text(e[0]!, '_TRANSPORT')).toBe('stdout');
    expect(r.forwarded).toContain(`cap[${r.pid}]: one\n`);
  });

  it('keeps order, priorities and line ends across pipe reads when plain lines go in batches', async () => {
    // 20,000 lines, every 7th with a <3> prefix, every 1000th ended by NUL instead of newline,
    // every 997th longer than LineMax=: batches of one priority, broken up by the lines the
    // line-by-line path takes, with lines split between two reads of the pipe.
    const n = 20000;
    const script = `for my $i (0..${n - 1}) { my $p = $i % 7 == 0 ? "<3>" : ""; my $x = $i % 997 == 0 ? "y" x 300 : "x" x ($i % 50);` +
      ` my $end = $i % 1000 == 0 ? "\\0" : "\\n"; print "$p$i $x$end" }`;
    const r = await capture(['/usr/bin/perl', '-e', script], {}, 256);
    const want: [string, string, string][] = [];
    for (let i = 0; i < n; i++) {
      const m = `${i} ${i % 997 === 0 ? 'y'.repeat(300) : 'x'.repeat(i % 50)}`;
      const p = i % 7 === 0 ? '<3>' : '';
      const prio = p ? '3' : '6';
      // LineMax= counts the raw bytes, prefix included; the prefix is taken off the first part.
      if (p.length + m.length >= 256) {
        want.push([(p + m).slice(p.length, 256), prio, 'line-max']);
        want.push([(p + m).slice(256), '6', i % 1000 === 0 ? 'nul' : '']);
      } else {
        want.push([m, prio, i % 1000 === 0 ? 'nul' : '']);
      }
    }
    const got = r.entries().map((e) => [text(e, 'MESSAGE'), text(e, 'PRIORITY'), text(e, '_LINE_BREAK') ?? ''] as [string, string, string]);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
  }, 60000);

  it('stops reading while the console lags (the writer waits on a full pipe) and reads on once it drains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svcd-capture-'));
    dirs.push(dir);
    // Nobody reads the console at first: once 64 times its high-water mark is queued, the journal
    // pauses its streams and the child blocks in write(2).
    const console = new PassThrough({ highWaterMark: 1024 });
    const journal = new Journal({ dir, machineId: MACHINE, bootId: BOOT, consoleOutput: 'raw', console });
    const stream = journal.openStream({ unit: 'lag.service', invocationId: '0123456789abcdef0123456789abcdef', identifier: 'lag', levelPrefix: true });
    const n = 50000;
    const pid = spawn({ file: '/usr/bin/perl', argv: ['perl', '-e', `for my $i (0..${n - 1}) { print "line $i\\n" }`], envp: [], fds: ['null', stream.fd, stream.fd] });
    stream.started(pid);
    closeSync(stream.fd);
    await new Promise((r) => setTimeout(r, 500));
    const streams = (journal as unknown as { streams: Set<unknown> }).streams;
    expect(streams.size).toBe(1); // still open: the child is blocked, not done
    const stalled = console.writableLength;
    expect(stalled).toBeGreaterThanOrEqual(64 * 1024);
    expect(stalled).toBeLessThan(n * 8);
    let forwarded = 0;
    console.on('data', (d: Buffer) => (forwarded += d.length));
    for (let t = 0; streams.size > 0 && t < 30000; t += 20) await new Promise((r) => setTimeout(r, 20));
    journal.close();
    const messages = [...readDirectory(dir)].map((e) => text(e, 'MESSAGE'));
    expect(messages.length).toBe(n);
    expect(messages.every((m, i) => m === `line ${i}`)).toBe(true);
    expect(forwarded).toBe(Array.from({ length: n }, (_, i) => `line ${i}\n`).join('').length);
  }, 60000);

  it('many open streams hold no read buffer each, and pipes read in turn keep their lines apart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svcd-capture-'));
    dirs.push(dir);
    const journal = new Journal({ dir, machineId: MACHINE, bootId: BOOT, consoleOutput: 'off', console: new PassThrough() });
    const meta = (i: number): StreamMeta => ({ unit: `w${i}.service`, invocationId: '0123456789abcdef0123456789abcdef', identifier: `w${i}`, levelPrefix: false });
    const streams = (journal as unknown as { streams: Set<unknown> }).streams;
    // 300 streams that never write, as 300 idle services at boot: 64 KiB of read buffer each was
    // 19 MiB of array buffers (a resident page or two of each).
    const before = process.memoryUsage().arrayBuffers;
    const idle = Array.from({ length: 300 }, (_, i) => journal.openStream(meta(i)));
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(2 * 1024 * 1024);
    // Four writers at once, each line written in two parts around the others' (every read leaves
    // an unfinished line behind in each stream): each stream's lines come out whole and its own.
    const pids: number[] = [];
    for (let w = 0; w < 4; w++) {
      const s = journal.openStream(meta(1000 + w));
      const script = `$| = 1; for my $i (0..199) { print "w${w} line $i "; select(undef, undef, undef, 0.001); print "end\\n" }`;
      const pid = spawn({ file: '/usr/bin/perl', argv: ['perl', '-e', script], envp: [], fds: ['null', s.fd, s.fd] });
      s.started(pid);
      closeSync(s.fd);
      pids.push(pid);
    }
    for (const s of idle) closeSync(s.fd);
    for (let t = 0; streams.size > 0 && t < 60000; t += 20) await new Promise((r) => setTimeout(r, 20));
    journal.close();
    const entries = [...readDirectory(dir)];
    for (let w = 0; w < 4; w++) {
      const mine = entries.filter((e) => text(e, '_SYSTEMD_UNIT') === `w${1000 + w}.service`);
      expect(mine.map((e) => text(e, 'MESSAGE'))).toEqual(Array.from({ length: 200 }, (_, i) => `w${w} line ${i} end`));
      expect(mine.every((e) => text(e, '_PID') === String(pids[w]))).toBe(true);
    }
  }, 60000);

  it('leaves <N> alone without SyslogLevelPrefix=', async () => {
    const r = await capture(['/usr/bin/printf', '<3>kept\\n'], { levelPrefix: false });
    const e = r.entries();
    expect(text(e[0]!, 'MESSAGE')).toBe('<3>kept');
    expect(text(e[0]!, 'PRIORITY')).toBe('6');
  });

  it('quotes _CMDLINE= arguments as journald does', () => {
    expect(['/bin/sh', '-c', 'echo "a" $x', '', 'plain'].map(shellMaybeQuote).join(' ')).toBe('/bin/sh -c "echo \\"a\\" \\$x" "" plain');
  });

  it('reads a command line as systemd does: inner empty words kept, the NULs padding a rewritten one dropped', () => {
    expect(quoteCommandLine('/bin/sh\0-c\0true\0\0[x]\0')).toBe('/bin/sh -c true "" "[x]"');
    expect(quoteCommandLine('nginx: worker process\0\0\0\0')).toBe('"nginx: worker process"');
    expect(quoteCommandLine('')).toBe('');
  });

  // 200,000 lines here (a million with SVCD_BURST_LINES=1000000; test/e2e/journal-million.test.ts checks a million through svcd as PID 1).
  it('keeps all of a large burst, in order, once, with the capturing process\'s memory bounded', () => {
    const N = Number(process.env.SVCD_BURST_LINES ?? 200_000);
    const dir = mkdtempSync(join(tmpdir(), 'svcd-capture-'));
    dirs.push(dir);
    // A separate process (the dist/ build, as svcd runs it), so its peak RSS is its own.
    const run = spawnSync(process.execPath, [join(__dirname, '../fixtures/journal/capture-burst.mjs'), dir, String(N)], { encoding: 'utf8', timeout: 170000 });
    expect(run.status, run.stderr).toBe(0);
    const { peakRssKiB } = JSON.parse(run.stdout) as { peakRssKiB: number };
    let i = 0;
    for (const e of readDirectory(dir)) {
      const m = get(e, 'MESSAGE')!.toString('latin1');
      if (m !== `${String(i).padStart(7, '0')} ${'x'.repeat(92)}`) throw new Error(`entry ${i}: ${m}`);
      i++;
    }
    expect(i).toBe(N);
    // 36 bytes per data object in the writer's mirror, nothing queued from the pipe, plus the pages of
    // the journal file it has mapped (page cache, one file at most): ~160 MiB measured for a million.
    expect(peakRssKiB).toBeLessThan(250 * 1024);
    if (hasJournalctl) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.journal'))) {
        const v = spawnSync('journalctl', ['--file', join(dir, f), '--verify'], { encoding: 'utf8' });
        expect(v.status, v.stderr).toBe(0);
      }
    }
  }, 180000);
});
