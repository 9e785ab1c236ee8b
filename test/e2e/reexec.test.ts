// daemon-reexec with svcd as PID 1 of a PID namespace: svcd replaces its own program image (after
// an upgrade) and the new one takes every unit over as it was. What a user sees: the same PID 1,
// the same service processes and properties, not one line of a chatty service lost from the
// journal across the exec, and supervision going on (a killed service is restarted, its zombie
// reaped). While jobs run, the call is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-reexec-'));
const PROPS = 'MainPID,ActiveState,SubState,Result,NRestarts,InvocationID,ActiveEnterTimestampMonotonic,ExecMainStartTimestampMonotonic,ExecMainPID';
let svcd: SvcdInNamespace;
let pid1 = 0;
let before: string;
let reexec: { rc: number; stdout: string; stderr: string };
let after: string;

const hostPid1 = () => Number(spawnSync('pgrep', ['-f', `svcd.js --unit-path ${join(dir, 'units')}`], { encoding: 'utf8' }).stdout.split('\n').map(Number).filter(Boolean)
  .map((p) => Number(spawnSync('pgrep', ['-P', String(p)], { encoding: 'utf8' }).stdout.trim())).find((p) => p > 0) ?? 0);

beforeAll(async () => {
  buildTree(join(dir, 'units'), {
    files: {
      'ticker.service': "[Unit]\nDescription=Ticker\n[Service]\nExecStart=/bin/sh -c 'i=0; while :; do echo tick $$i; i=$$((i+1)); sleep 0.02; done'\nRestart=on-failure\n",
      'once.service': '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n',
      'bad.service': '[Service]\nExecStart=/bin/false\n',
      'slow.service': '[Service]\nExecStartPre=/bin/sleep 3\nExecStart=/bin/sleep 600\n',
      // A daemon that forked twice and left the session: tracked by its INVOCATION_ID, also after.
      'escaper.service': `[Service]\nExecStart=/bin/sh -c "setsid --fork /bin/bash -c 'exec -a reexec-escapee-${process.pid} sleep 600' < /dev/null > /dev/null 2>&1; exec sleep 600"\n`,
      'x.target': '[Unit]\nWants=ticker.service once.service bad.service escaper.service\n',
    },
  });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  await sleep(500);
  pid1 = hostPid1();
  before = (await svcd.svcctl('show', '-p', PROPS, 'ticker.service', 'once.service', 'bad.service')).stdout;
  reexec = await svcd.svcctl('daemon-reexec');
  after = (await svcd.svcctl('show', '-p', PROPS, 'ticker.service', 'once.service', 'bad.service')).stdout;
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('svcctl daemon-reexec on svcd as PID 1', () => {
  it('returns once the new svcd answers, in the same process, which says so', () => {
    expect(reexec).toMatchObject({ rc: 0, stdout: '', stderr: '' });
    expect(svcd.console()).toMatch(/svcd: Reexecuting\.\n/);
    expect(svcd.console()).toMatch(/svcd \S+ \(pid 1\): re-executed, took over \d+ units from svcd \S+\n/);
    expect(pid1).toBeGreaterThan(0);
    expect(hostPid1()).toBe(pid1);
  });

  it('keeps every unit as it was: processes, states, results, counters, timestamps', async () => {
    expect(before).toMatch(/MainPID=[1-9]/);
    expect(after).toBe(before);
    expect((await svcd.svcctl('is-system-running')).stdout).toBe('degraded\n');
  });

  it('loses no line a service writes across the exec', async () => {
    await sleep(300);
    const lines = (await svcd.svcctl('logs', '-D', join(dir, 'journal'), '-u', 'ticker.service', '-o', 'cat', '--no-pager')).stdout.split('\n').filter((l) => l.startsWith('tick '));
    const n = lines.map((l) => Number(l.slice(5)));
    // The writer never stopped: its numbers run on without a gap or a repeat.
    expect(n.length).toBeGreaterThan(20);
    expect(n).toEqual(n.map((_, i) => i));
    const reexecAt = svcd.console().indexOf('Reexecuting');
    expect(svcd.console().slice(reexecAt)).toMatch(/sh\[\d+\]: tick \d+/);
  });

  it('goes on supervising: a killed service is restarted and its processes reaped', async () => {
    const main = Number(/MainPID=(\d+)/.exec(after)![1]);
    await svcd.svcctl('kill', '-s', 'KILL', 'ticker.service');
    await sleep(500);
    const now = (await svcd.svcctl('show', '-p', 'MainPID,NRestarts,ActiveState', 'ticker.service')).stdout;
    expect(now).toMatch(/NRestarts=1\nActiveState=active\n/);
    expect(now).not.toContain(`MainPID=${main}\n`);
    const zombies = spawnSync('ps', ['-o', 'stat=', '--ppid', String(pid1)], { encoding: 'utf8' }).stdout.split('\n').filter((s) => s.startsWith('Z'));
    expect(zombies).toEqual([]);
  });

  it('still knows the processes that left their session, and stops them with their unit', async () => {
    const escapees = () => spawnSync('pgrep', ['-f', `^reexec-escapee-${process.pid} `], { encoding: 'utf8' }).stdout.trim();
    expect(escapees()).not.toBe('');
    expect((await svcd.svcctl('status', 'escaper.service')).stdout).toMatch(/Tasks: 2\b/);
    expect((await svcd.svcctl('stop', 'escaper.service')).rc).toBe(0);
    expect(escapees()).toBe('');
  });

  it('refuses while a job runs, and says why', async () => {
    await svcd.svcctl('start', '--no-block', 'slow.service');
    const r = await svcd.svcctl('daemon-reexec');
    expect(r.rc).toBe(1);
    expect(r.stderr).toBe('Cannot re-execute now: slow.service has a start job queued; try again once jobs have finished.\n');
    expect((await svcd.svcctl('is-active', 'ticker.service')).stdout).toBe('active\n');
  });

  it('still shuts down cleanly, with status 0', async () => {
    await svcd.stop();
    expect(svcd.console()).toMatch(/svcd: exiting with status 0\.\n/);
  });
});
