// Fault injection (issue 18): svcd, PID 1 of a PID namespace, has its file descriptor limit cut to
// what it holds already (as a client hoarding connections or a leak would leave it) while a service
// restarts in a loop, printing numbered lines. Each restart then fails for want of an fd: systemd
// says "Failed to run 'start' task: Too many open files" and fails the run with result
// 'resources' — not 203/EXEC, there is no process — and goes on. Once the limit is back the
// restarts succeed again, svcd answers, and every line of every run that did start is in the journal.
// Then the same with no pid left for a clone (a pids cgroup at its limit, as a container's pids.max
// leaves it): EAGAIN, result 'resources' again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-faults-'));
const counter = join(dir, 'runs');
const RUN_LINES = 10;
buildTree(dir, {
  files: {
    // Each run takes the next number and prints its lines: a run that started is counted. The number
    // is renamed into place: a run stopped between the shell's truncation and its write would
    // otherwise leave the file empty, and the test would count no run at all.
    'units/flood.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nRestart=always\nRestartSec=100ms\nExecStart=/bin/sh -c 'r=$$(cat ${counter} 2>/dev/null || echo 0); echo $$((r+1)) > ${counter}.new; mv ${counter}.new ${counter}; j=0; while [ $$j -lt ${RUN_LINES} ]; do echo "run $$r line $$j"; j=$$((j+1)); done'\n`,
    'units/x.target': '[Unit]\nWants=flood.service\n',
  },
});

let svcd: SvcdInNamespace;
const runs = () => Number(readFileSync(counter, 'utf8').trim() || 0);
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await sleep(50);
  return pred();
};
const nofile = (limit: string) => spawnSync('prlimit', ['--pid', String(svcd.hostPid), `--nofile=${limit}`], { encoding: 'utf8' });
let hard = '';
let during = { ok: false, failuresInWindow: 0 };
let after = { resumed: false, answered: -1 };
// cgroup v1's pids controller, where this machine has it (v2 needs a delegated subtree).
const PIDS_ROOT = '/sys/fs/cgroup/pids';
const havePids = existsSync(join(PIDS_ROOT, 'cgroup.procs'));
const pidsGroup = join(PIDS_ROOT, `svcd-faults-${process.pid}`);
let pids = { failed: false, resumed: false };

/** svcd in a pids cgroup with no room for one more task, then room again. */
async function withoutPids(): Promise<void> {
  mkdirSync(pidsGroup);
  try {
    writeFileSync(join(pidsGroup, 'cgroup.procs'), String(svcd.hostPid));
    writeFileSync(join(pidsGroup, 'pids.max'), readFileSync(join(pidsGroup, 'pids.current'), 'utf8').trim());
    const at = svcd.console().length;
    const failed = await until(() => /Failed to run 'start' task: Resource temporarily unavailable/.test(svcd.console().slice(at)));
    writeFileSync(join(pidsGroup, 'pids.max'), 'max');
    const back = runs();
    pids = { failed, resumed: await until(() => runs() >= back + 3) };
  } finally {
    writeFileSync(join(PIDS_ROOT, 'cgroup.procs'), String(svcd.hostPid));
    for (let t = 0; t < 50; t++) {
      try {
        rmdirSync(pidsGroup);
        break;
      } catch {
        // a run of the service still in it: it ends within the loop's 100 ms
        await sleep(100);
      }
    }
  }
}

beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  await until(() => runs() >= 3);
  hard = spawnSync('prlimit', ['--pid', String(svcd.hostPid), '--nofile', '--raw', '--noheadings', '--output=HARD'], { encoding: 'utf8' }).stdout.trim();
  // Fewer than it holds (the count may catch a run's pipe in flight): the next pipe2()/open() fails
  // with EMFILE, and so does every look at /proc — which must not fail the start any other way.
  const open = spawnSync('ls', [`/proc/${svcd.hostPid}/fd`], { encoding: 'utf8' }).stdout.trim().split('\n').length;
  expect(nofile(`${open - 2}:${hard}`).status).toBe(0);
  const failedAt = svcd.console().length;
  const ok = await until(() => /Failed to run 'start' task: Too many open files/.test(svcd.console().slice(failedAt)));
  // Restarts go on failing the same way (one may slip through when a finished run gives back its fds).
  await sleep(1000);
  during = { ok, failuresInWindow: svcd.console().slice(failedAt).split("Failed to run 'start' task: Too many open files").length - 1 };
  expect(nofile(`${hard}:${hard}`).status).toBe(0);
  const back = runs();
  after = { resumed: await until(() => runs() >= back + 3), answered: (await svcd.svcctl('show', '-p', 'Id', 'flood.service')).rc };
  if (havePids) await withoutPids();
  await svcd.svcctl('stop', 'flood.service');
}, 90000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('svcd out of file descriptors', () => {
  it('fails each restart for want of resources, as systemd does, not as a process that exited 203/EXEC', () => {
    expect(during.ok).toBe(true);
    expect(during.failuresInWindow).toBeGreaterThanOrEqual(2);
    const out = svcd.console();
    expect(out).toMatch(/flood\.service: Failed with result 'resources'\./);
    expect(out).not.toMatch(/status=203\/EXEC/);
    expect(out).not.toMatch(/pipe2: /);
  });

  it('lives on, answers, and restarts the service once descriptors are there again', async () => {
    expect(after).toEqual({ resumed: true, answered: 0 });
    expect(spawnSync('kill', ['-0', String(svcd.hostPid)]).status).toBe(0);
  });

  it.runIf(havePids)('fails each restart for want of a pid as well (EAGAIN from clone), and recovers', () => {
    expect(pids).toEqual({ failed: true, resumed: true });
  });

  it('loses no line of any run that started (the last, stopped, may be cut short)', async () => {
    const lines = new Set((await svcd.svcctl('logs', '-u', 'flood.service', '-o', 'cat')).stdout.split('\n'));
    const total = runs();
    const missing: string[] = [];
    for (let r = 0; r < total - 1; r++) {
      for (let j = 0; j < RUN_LINES; j++) if (!lines.has(`run ${r} line ${j}`)) missing.push(`run ${r} line ${j}`);
    }
    expect(total).toBeGreaterThan(6);
    expect(missing).toEqual([]);
  });
});
