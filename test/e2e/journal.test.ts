// The journal end to end: services' output captured by svcd (PID 1 of a PID namespace) into journal
// files that the real journalctl reads and verifies, `svcctl logs` answering exactly as journalctl
// does on them, forwarding to svcd's stdout with the "ident[pid]: " prefix, and `logs -f`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-journal-'));
const run = join(dir, 'run');
const jdir = join(dir, 'journal');
const LINES = 20000;
// chatty stays alive 1.5 s after it writes: the trusted fields (_CMDLINE, _CAP_EFFECTIVE) come from
// /proc when the stream's first line is read, and a loaded machine can read it late.
buildTree(dir, {
  files: {
    'units/chatty.service': "[Unit]\nDescription=Chatty\n[Service]\nType=oneshot\nRemainAfterExit=yes\nSyslogLevelPrefix=yes\nExecStart=/bin/sh -c 'echo hello from chatty; echo \"<3>something failed\"; printf \"no newline at the end\"; sleep 1.5'\n",
    'units/burst.service': `[Unit]\nDescription=Burst\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'i=0; while [ $$i -lt ${LINES} ]; do echo "line $$i"; i=$$((i+1)); done'\n`,
    'units/later.service': "[Unit]\nDescription=Later\n[Service]\nType=oneshot\nExecStart=/bin/echo said later\n",
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=chatty.service burst.service\n',
    'none.conf': '',
  },
});
chmodSync(dir, 0o755);

let console_ = '';
let exitCode: number | null = null;
const until = async (pred: () => boolean, ms = 30000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
const run_ = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const svcctl = (...args: string[]) => run_(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args]);
const journalctl = (...args: string[]) => run_('journalctl', ['-D', jdir, '--no-pager', ...args]);
const hasJournalctl = run_('journalctl', ['--version']).status === 0;

beforeAll(async () => {
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', join(dir, 'none.conf'), '--runtime-dir', run, '--journal-dir', jdir], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  p.on('exit', (c) => (exitCode = c));
  await until(() => /Reached target x\.target/.test(console_) && existsSync(join(run, 'control.sock')));
  // Every burst line is in the file once `logs` counts them all.
  await until(() => svcctl('logs', '-u', 'burst', '-o', 'cat').stdout.split('\n').filter((l) => l.startsWith('line ')).length >= LINES, 20000);
}, 60000);
afterAll(() => {
  if (exitCode === null) svcctl('exit');
  rmSync(dir, { recursive: true, force: true });
});

describe('the journal svcd writes', () => {
  it('keeps every line of a burst, in order, none twice', () => {
    const lines = svcctl('logs', '-u', 'burst.service', '-o', 'cat').stdout.split('\n').filter((l) => l.startsWith('line '));
    expect(lines.length).toBe(LINES);
    lines.forEach((l, i) => expect(l).toBe(`line ${i}`));
  });

  it('records the fields journald gives a stdout stream, and the <N> prefix as PRIORITY', () => {
    const entries = svcctl('logs', '-u', 'chatty', '-o', 'json').stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const hello = entries.find((e) => e.MESSAGE === 'hello from chatty')!;
    expect(hello).toMatchObject({ _SYSTEMD_UNIT: 'chatty.service', _TRANSPORT: 'stdout', PRIORITY: '6', SYSLOG_IDENTIFIER: 'sh', SYSLOG_FACILITY: '3', _UID: '0' });
    expect(hello._SYSTEMD_INVOCATION_ID).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(hello._PID)).toBeGreaterThan(1);
    expect(entries.find((e) => e.MESSAGE === 'something failed')?.PRIORITY).toBe('3');
    // journald 252's other stdout fields: the stream's id, the process's capabilities, its command line quoted as journald quotes it.
    expect(hello._STREAM_ID).toMatch(/^[0-9a-f]{32}$/);
    expect(hello._RUNTIME_SCOPE).toBe('system');
    expect(hello._CAP_EFFECTIVE).toMatch(/^[0-9a-f]+$/);
    expect(hello._CMDLINE).toBe('/bin/sh -c "echo hello from chatty; echo \\"<3>something failed\\"; printf \\"no newline at the end\\"; sleep 1.5"');
    expect(hello._LINE_BREAK).toBeUndefined();
    // A last line without a newline is kept when the stream ends, marked as journald marks it.
    expect(entries.find((e) => e.MESSAGE === 'no newline at the end')?._LINE_BREAK).toBe('eof');
    // svcd's own message about the unit carries UNIT=.
    const finished = entries.find((e) => e.UNIT === 'chatty.service' && /Finished chatty\.service/.test(e.MESSAGE ?? ''));
    // with systemd's MESSAGE_ID= for a finished start job, so tools that look for it find it.
    expect(finished).toMatchObject({ MESSAGE_ID: '39f53479d3a045ac8e11786248231fbf', JOB_TYPE: 'start', JOB_RESULT: 'done', _PID: '1', _TRANSPORT: 'journal' });
  });

  it('forwards service output to svcd\'s stdout as "ident[pid]: line"', () => {
    expect(console_).toMatch(/^sh\[\d+\]: hello from chatty$/m);
  });

  it.runIf(hasJournalctl)('is read by the real journalctl: --verify passes, and svcctl logs answers the same', () => {
    svcctl('daemon-reload');
    for (const f of readdirSync(jdir).filter((n) => n.endsWith('.journal'))) {
      const v = run_('journalctl', ['--file', join(jdir, f), '--verify']);
      expect(v.status, v.stderr).toBe(0);
    }
    for (const args of [[], ['-u', 'chatty.service'], ['-o', 'short-iso'], ['-o', 'short-precise', '-n', '30'], ['-o', 'cat', '-u', 'burst.service', '-n', '5'], ['-p', 'err'], ['-r', '-n', '7'], ['-o', 'verbose', '-u', 'chatty.service'], ['-o', 'cat', '-g', 'CHATTY'], ['-o', 'short-precise', '-u', 'chatty.service', '-p', '3..6']]) {
      expect(svcctl('logs', '-D', jdir, ...args).stdout, args.join(' ')).toBe(journalctl(...args).stdout);
    }
    const norm = (text: string) => text.trim().split('\n').map((l) => JSON.stringify(Object.entries(JSON.parse(l) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(norm(svcctl('logs', '-D', jdir, '-o', 'json', '-u', 'chatty.service').stdout)).toEqual(norm(journalctl('-o', 'json', '-u', 'chatty.service').stdout));
  });

  it('status shows the unit\'s last journal lines', () => {
    expect(svcctl('status', 'chatty').stdout).toMatch(/\n\w{3} \d\d \d\d:\d\d:\d\d \S+ sh\[\d+\]: hello from chatty\n/);
  });

  it('logs -f shows a new line as it is written', async () => {
    const f = spawn(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, 'logs', '-f', '-u', 'later', '-o', 'cat'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let seen = '';
    f.stdout.on('data', (d: Buffer) => (seen += d.toString()));
    await new Promise((r) => setTimeout(r, 500));
    expect(svcctl('start', 'later').status).toBe(0);
    const ok = await until(() => seen.includes('said later'), 5000);
    f.kill('SIGTERM');
    expect(ok).toBe(true);
  });
});
