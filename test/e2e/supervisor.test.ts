// A supervisord configuration under svcd as PID 1 of a PID + mount namespace with its own /run and
// svcd's own generators: its programs run as units (numprocs as several processes named as
// supervisord names them, a [group:x] as a target, environment= and %(ENV_X)s expansion), `svcctl
// status` and `svcctl logs` show them, and autorestart= decides what happens when one dies —
// `unexpected` restarts after kill -9 and after a plain kill (supervisord restarts a process any
// signal ended), not after an expected exit code; a process that keeps dying is given up after
// startretries; a bad numprocs is a warning at file:line and the rest runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript, until, type ScriptBoot } from '../support/ns-boot.js';
import { signalPid } from '../support/proc.js';

const repo = join(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'svcd-supervisor-e2e-'));
const usable = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', 'true']).status === 0;
let ns: ScriptBoot | undefined;
const svcctl = (...args: string[]) => ns!.svcctl(...args);
const prop = (unit: string, p: string) => svcctl('show', '-p', p, '--value', unit).stdout.trim();
const logs = (unit: string) => svcctl('logs', '--no-pager', '-o', 'cat', '-u', unit).stdout;
const count = (text: string, line: string) => text.split('\n').filter((l) => l === line).length;

const MAIN = `[supervisord]
nodaemon=true ; svcd is the supervisor now

[include]
files = conf.d/*.conf

[program:greeter]
command=/bin/sh -c 'echo "hello $GREETING from $SUPERVISOR_PROCESS_NAME"; exec sleep 1000'
environment=GREETING="svcd world"
autorestart=unexpected
stdout_logfile=%(ENV_SUPERVISOR_TEST_WORK)s/greeter.log
priority=10
`;
const POOL = `[program:worker]
command=/bin/sh -c 'echo "worker $SUPERVISOR_PROCESS_NAME of $SUPERVISOR_GROUP_NAME"; exec sleep 1000'
process_name=%(program_name)s_%(process_num)d
numprocs=2
autorestart=true
priority=20

[program:expected]
command=/bin/sh -c 'echo expected exit; exit 3'
exitcodes=0,3
autorestart=unexpected
startsecs=0

[program:crasher]
command=/bin/sh -c 'echo crash; exit 1'
startretries=2

[program:manual]
command=/bin/sleep 1000
autostart=false

[program:bad]
command=/bin/true
numprocs=two

[group:pool]
programs=worker
`;

beforeAll(async () => {
  if (!usable) return;
  mkdirSync(join(work, 'conf.d'));
  writeFileSync(join(work, 'supervisord.conf'), MAIN);
  writeFileSync(join(work, 'conf.d', 'pool.conf'), POOL);
  ns = bootScript(join(repo, 'test/fixtures/supervisor-boot/boot-in-namespace.sh'), [work, repo]);
  await until(() => /Reached target multi-user\.target/.test(ns!.output()));
}, 60000);
afterAll(() => {
  ns?.kill();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!usable)('a supervisord configuration under svcd as PID 1', () => {
  it('warns about the bad numprocs at its file and line, and starts the rest', () => {
    expect(ns!.output()).toContain(`${join(work, 'conf.d/pool.conf')}:24: [program:bad] numprocs: not an integer: two; program "bad" not loaded`);
    for (const u of ['greeter.service', 'worker_0.service', 'worker_1.service', 'pool.target']) expect(prop(u, 'ActiveState')).toBe('active');
    expect(prop('bad.service', 'LoadState')).toBe('not-found');
    expect(prop('manual.service', 'ActiveState')).toBe('inactive');
  });

  it('svcctl status shows a program running, with its output', async () => {
    expect(await until(() => /hello svcd world from greeter/.test(svcctl('status', '--no-pager', 'greeter').stdout), 10000)).toBe(true);
    const r = svcctl('status', '--no-pager', 'greeter');
    expect(r.stdout).toMatch(/^● greeter\.service - supervisord program greeter\n/);
    expect(r.stdout).toMatch(/ {5}Loaded: loaded \(.*; generated\)\n/);
    expect(r.stdout).toMatch(/ {5}Active: active \(running\) since /);
    expect(r.status).toBe(0);
  });

  it('svcctl logs shows each process\'s output, with its environment; a log file gets a copy', () => {
    expect(logs('greeter')).toContain('hello svcd world from greeter\n');
    expect(logs('worker_0')).toContain('worker worker_0 of pool\n');
    expect(logs('worker_1')).toContain('worker worker_1 of pool\n');
    expect(readFileSync(join(work, 'greeter.log'), 'utf8')).toBe('hello svcd world from greeter\n');
  });

  it('orders by priority and makes the group a target of its processes', () => {
    expect(prop('worker_0.service', 'After').split(' ')).toContain('greeter.service');
    expect(prop('pool.target', 'Wants').split(' ').sort()).toEqual(['worker_0.service', 'worker_1.service']);
  });

  it('autorestart=unexpected: restarted after kill -9 and after a plain kill', async () => {
    for (const sig of ['SIGKILL', 'SIGTERM'] as const) {
      const before = Number(prop('greeter.service', 'MainPID'));
      expect(before).toBeGreaterThan(1);
      ns!.inside('kill', `-${sig.slice(3)}`, String(before));
      expect(await until(() => {
        const now = Number(prop('greeter.service', 'MainPID'));
        return now > 1 && now !== before && prop('greeter.service', 'ActiveState') === 'active';
      }, 15000)).toBe(true);
    }
    expect(prop('greeter.service', 'NRestarts')).toBe('2');
    expect(await until(() => count(logs('greeter'), 'hello svcd world from greeter') === 3, 10000)).toBe(true);
  });

  it('autorestart=unexpected: an expected exit code is not restarted', () => {
    expect(count(logs('expected'), 'expected exit')).toBe(1);
    expect(prop('expected.service', 'ActiveState')).toBe('inactive');
    expect(prop('expected.service', 'Result')).toBe('success');
    expect(prop('expected.service', 'NRestarts')).toBe('0');
  });

  it('a process that keeps dying is given up after startretries', async () => {
    expect(await until(() => prop('crasher.service', 'ActiveState') === 'failed', 20000)).toBe(true);
    // Result= stays the first failure's (exit-code), as systemd keeps it when the limit refuses a restart.
    expect(prop('crasher.service', 'Result')).toBe('exit-code');
    expect(count(logs('crasher'), 'crash')).toBe(3);
  });

  it('an autostart=false program starts when asked; stopping the group\'s target stops its processes', async () => {
    expect(svcctl('start', 'manual').status).toBe(0);
    expect(prop('manual.service', 'ActiveState')).toBe('active');
    expect(svcctl('stop', 'pool.target').status).toBe(0);
    expect(await until(() => prop('worker_0.service', 'ActiveState') === 'inactive' && prop('worker_1.service', 'ActiveState') === 'inactive', 15000)).toBe(true);
    expect(prop('greeter.service', 'ActiveState')).toBe('active');
  });

  it('stops everything on SIGTERM', async () => {
    signalPid(ns!.pid1(), 'SIGTERM');
    expect(await ns!.exit).toBe(0);
    expect(existsSync(join(work, 'greeter.log'))).toBe(true);
  });
});
