// journald's three sockets served by svcd (PID 1 of a PID+mount namespace with its own /run and
// /dev): real writers — logger (/dev/log), systemd-cat (the stdout socket), a python writer of the
// native protocol (KEY=VALUE, binary fields, a memfd-passed message) and raw syslog datagrams — and
// the entries compared with what systemd-journald 252 stored for the same writers
// (test/fixtures/journal-sockets/oracle.json, scripts/record-journal-sockets-oracle.sh), read back
// with the real journalctl where installed and with svcctl logs.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/journal-sockets');
const dir = mkdtempSync(join(tmpdir(), 'svcd-jsock-'));
const run = join(dir, 'run');
const jdir = join(dir, 'journal');
const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
buildTree(dir, {
  files: {
    // Writers started by svcd: their entries carry the unit they run for.
    // (alive while their message is read: who a gone sender was, neither svcd nor journald can tell)
    'units/syslogger.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=${python} -c "import socket, time; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'<14>unitlog: from a unit', '/dev/log'); time.sleep(1)"\n`,
    'units/catter.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c \'{ echo "cat in unit"; sleep 1; } | systemd-cat -t unitcat\'\n',
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=syslogger.service catter.service\n',
    'none.conf': '',
  },
});
chmodSync(dir, 0o755);

type Entry = Record<string, string | null | number[]>;
interface OracleEntry { fields: string[]; values: Entry }
const oracle = JSON.parse(readFileSync(join(fixtures, 'oracle.json'), 'utf8')) as OracleEntry[];

let console_ = '';
let exitCode: number | null = null;
let svcdPid = 0;
const until = async (pred: () => boolean, ms = 30000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
const run_ = (cmd: string, args: string[], input?: string) => spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
const svcctl = (...args: string[]) => run_(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args]);
const inside = (cmd: string, args: string[]) => run_('nsenter', ['-t', String(svcdPid), '-m', '-p', '--', cmd, ...args]);
const hasJournalctl = run_('journalctl', ['--version']).status === 0;
const entries = (out: string): Entry[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Entry);

beforeAll(async () => {
  const p = spawn('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'sh', join(fixtures, 'namespace.sh'), dir, repo,
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', join(dir, 'none.conf'),
    '--runtime-dir', run, '--journal-dir', jdir, '--journal-sockets'], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  p.on('exit', (c) => (exitCode = c));
  await until(() => /Reached target x\.target/.test(console_) && existsSync(join(run, 'control.sock')));
  // svcd: the child of unshare's forked child (sh exec'd node).
  const kids = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  await until(() => kids(p.pid!).length > 0);
  svcdPid = kids(p.pid!)[0]!;
  // The same writers the oracle recording ran, from outside any unit.
  inside('logger', ['-t', 'mytag', '-p', 'local3.warning', 'hello from logger']);
  inside('sh', ['-c', 'echo "cat line" | systemd-cat -t catid -p err']);
  inside('sh', ['-c', 'printf "<5>with level prefix\\nplain\\n" | systemd-cat -t pfx']);
  inside(python, [join(fixtures, 'native-send.py')]);
  await until(() => /just text/.test(svcctl('logs', '-o', 'cat').stdout), 10000);
}, 60000);
afterAll(() => {
  if (exitCode === null) svcctl('exit');
  rmSync(dir, { recursive: true, force: true });
});

/** Fields whose presence depends on the cgroup (svcd has none) or on whether the sender was still alive. */
const PROCESS_DEPENDENT = new Set(['_SYSTEMD_CGROUP', '_SYSTEMD_SLICE', '_SYSTEMD_UNIT', '_SYSTEMD_INVOCATION_ID', '_COMM', '_EXE', '_CMDLINE', '_CAP_EFFECTIVE']);

describe("journald's sockets, served by svcd", () => {
  it('links /dev/log to the syslog socket and makes the sockets writable by everyone, as journald does', () => {
    expect(inside('readlink', ['/dev/log']).stdout.trim()).toBe('/run/systemd/journal/dev-log');
    const ls = inside('stat', ['-c', '%A %n', '/run/systemd/journal/dev-log', '/run/systemd/journal/socket', '/run/systemd/journal/stdout']).stdout;
    expect(ls.trim().split('\n')).toEqual(['srw-rw-rw- /run/systemd/journal/dev-log', 'srw-rw-rw- /run/systemd/journal/socket', 'srw-rw-rw- /run/systemd/journal/stdout']);
  });

  it('stores what journald 252 stores for each writer: the same fields, the same values', () => {
    const got = entries(svcctl('logs', '-o', 'json', '--all').stdout).filter((e) => e._TRANSPORT !== undefined && e._PID !== '1' && e._SYSTEMD_UNIT === undefined);
    expect(got.length).toBe(oracle.length);
    oracle.forEach((want, i) => {
      const e = got[i]!;
      const message = typeof e.MESSAGE === 'string' && e.MESSAGE.length > 200 ? `x*${e.MESSAGE.length}` : e.MESSAGE;
      // journalctl prints null for a value over 4 KiB without --all; svcd's entry has it whole.
      const values = { ...want.values, MESSAGE: want.values.MESSAGE ?? 'x*4194304' };
      expect({ ...Object.fromEntries(Object.keys(values).map((k) => [k, e[k]])), MESSAGE: message }).toEqual(values);
      const fields = (f: string[]) => f.filter((k) => !PROCESS_DEPENDENT.has(k)).sort();
      expect(fields(Object.keys(e))).toEqual(fields(want.fields));
      expect(e._PID).toMatch(/^[1-9]\d*$/);
    });
  });

  it('takes the syslog timestamp, identifier and pid apart, and the native fields whole', () => {
    const all = entries(svcctl('logs', '-o', 'json', '--all').stdout);
    const raw = all.find((e) => e.MESSAGE === 'raw syslog line')!;
    expect(raw).toMatchObject({ SYSLOG_TIMESTAMP: 'Nov 22 18:50:01 ', SYSLOG_PID: '4242', SYSLOG_IDENTIFIER: 'rawid' });
    expect(all.find((e) => e.MESSAGE === 'hello from logger')?.SYSLOG_TIMESTAMP).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d $/);
    const native = all.find((e) => e.MESSAGE === 'native hello')!;
    // Trusted fields come from the kernel's credentials and /proc, never from the sender.
    expect(native._COMM).toBe('python3');
    expect(Number(native._SOURCE_REALTIME_TIMESTAMP)).toBeLessThanOrEqual(Number(native.__REALTIME_TIMESTAMP));
    expect(all.find((e) => e.MESSAGE === 'no ident')?._PID).not.toBe('999');
    expect(all.find((e) => e.SYSLOG_IDENTIFIER === 'pybig')?.MESSAGE).toBe('x'.repeat(4 * 1024 * 1024));
  });

  it("gives a unit's writers the unit's fields (_SYSTEMD_UNIT=, _SYSTEMD_INVOCATION_ID=)", () => {
    const fromUnit = entries(svcctl('logs', '-u', 'syslogger.service', '-o', 'json').stdout).find((e) => e.MESSAGE === 'from a unit');
    expect(fromUnit).toMatchObject({ _TRANSPORT: 'syslog', SYSLOG_IDENTIFIER: 'unitlog', _SYSTEMD_UNIT: 'syslogger.service' });
    expect(fromUnit?._SYSTEMD_INVOCATION_ID).toMatch(/^[0-9a-f]{32}$/);
    const cat = entries(svcctl('logs', '-u', 'catter', '-o', 'json').stdout).find((e) => e.MESSAGE === 'cat in unit');
    expect(cat).toMatchObject({ _TRANSPORT: 'stdout', SYSLOG_IDENTIFIER: 'unitcat', _SYSTEMD_UNIT: 'catter.service', PRIORITY: '6' });
  });

  it.skipIf(!hasJournalctl)('writes files the real journalctl verifies and reads exactly as svcctl logs does', () => {
    for (const f of readdirSync(jdir)) expect(run_('journalctl', ['--file', join(jdir, f), '--verify']).status).toBe(0);
    const theirs = entries(run_('journalctl', ['-D', jdir, '--no-pager', '-o', 'json', '--all']).stdout);
    const ours = entries(svcctl('logs', '-o', 'json', '--all').stdout);
    expect(ours.length).toBeGreaterThan(oracle.length);
    expect(theirs).toEqual(ours);
  });
});
