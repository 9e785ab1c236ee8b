// Every process of a service is the service's, also one that left: a daemon that forks twice and
// calls setsid() (a new session, its parent gone, reparented to PID 1) is still found by the
// INVOCATION_ID it inherited, shown in `status`, signalled on stop — SIGKILLed after
// TimeoutStopSec= when it ignores SIGTERM — and nothing of the service is left afterwards.
// KillMode=process leaves such processes alone, as systemd does. svcd is PID 1 of a PID namespace.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { processesMatching } from '../support/proc.js';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-track-'));
let svcd: SvcdInNamespace;

const processes = processesMatching;

// setsid(1) --fork: a new session in a forked child; the outer shell then exits, so the daemon is
// reparented to svcd, outside every session and process group svcd started.
const daemon = (tag: string, ignoreTerm: boolean) =>
  `/bin/sh -c "setsid --fork /bin/bash -c '${ignoreTerm ? 'trap \\"\\" TERM; ' : ''}exec -a ${tag} sleep 600' < /dev/null > /dev/null 2>&1; exec sleep 600"`;

beforeAll(async () => {
  buildTree(join(dir, 'units'), {
    files: {
      'escaper.service': `[Service]\nExecStart=${daemon('escaped-daemon-a', false)}\n`,
      'stubborn.service': `[Service]\nExecStart=${daemon('escaped-daemon-b', true)}\nTimeoutStopSec=1\n`,
      'keep.service': `[Service]\nExecStart=${daemon('escaped-daemon-c', false)}\nKillMode=process\n`,
      'x.target': '[Unit]\nWants=escaper.service stubborn.service keep.service\n',
    },
  });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  await sleep(500);
}, 30000);
afterAll(async () => {
  await svcd?.stop();
  for (const p of processes('escaped-daemon-')) process.kill(p, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('a service whose daemon forked twice and called setsid()', () => {
  it('has escaped the sessions svcd started (the premise)', () => {
    const [pid] = processes('escaped-daemon-a');
    expect(pid).toBeGreaterThan(0);
    const st = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const [ppid, , sid] = st.slice(st.lastIndexOf(')') + 2).split(' ').slice(1, 4).map(Number);
    expect(ppid).toBe(svcd.hostPid);
    expect(sid).toBe(pid);
  });

  it('still lists the daemon among the unit\'s processes', async () => {
    const page = (await svcd.svcctl('status', '--no-pager', 'escaper.service')).stdout;
    expect(page).toMatch(/Tasks: 2\b/);
    expect(page).toMatch(/escaped-daemon-a/);
  });

  it('stops it with the service', async () => {
    const r = await svcd.svcctl('stop', 'escaper.service');
    expect(r.rc).toBe(0);
    expect(processes('escaped-daemon-a')).toEqual([]);
  });

  it('SIGKILLs one that ignores SIGTERM after TimeoutStopSec=, and names the unit it reaps it for', async () => {
    const t0 = Date.now();
    const r = await svcd.svcctl('stop', 'stubborn.service');
    expect(r.rc).toBe(0);
    expect(Date.now() - t0).toBeGreaterThan(900);
    expect(processes('escaped-daemon-b')).toEqual([]);
    expect(svcd.console()).toMatch(/stubborn\.service: State 'final-sigterm' timed out\. Killing\./);
    // At debug level, as in systemd: in the journal under the unit, not on the console (issue 18).
    expect((await svcd.svcctl('logs', '-u', 'stubborn.service', '-o', 'cat')).stdout).toMatch(/stubborn\.service: Reaped orphan process \d+\./);
    expect(svcd.console()).not.toMatch(/Reaped orphan/);
  });

  it('leaves it running under KillMode=process, as systemd does', async () => {
    expect((await svcd.svcctl('stop', 'keep.service')).rc).toBe(0);
    expect(processes('escaped-daemon-c')).toHaveLength(1);
  });
});
