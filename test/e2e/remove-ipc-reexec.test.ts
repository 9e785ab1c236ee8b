// RemoveIPC= across daemon-reexec: the ids whose IPC objects go when the last unit of that user
// stops are remembered by the next svcd, as systemd serializes each unit's uid/gid references.
// What a user sees: a DynamicUser= service (RemoveIPC= implied) makes a SysV message queue, a SysV
// shared memory segment and a POSIX shared memory file as its uid; svcd re-executes; the service is
// stopped — and nothing of its uid is left. And as systemd counts references per uid: a second
// unit of the same user (User= of the first's uid) keeps the objects until it stops too.
import { readFileSync, rmSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-ipc-reexec-'));
const shm = `svcd-ipc-reexec-${process.pid}`;
// Made as the unit's user, then kept running: ipcmk makes the SysV objects, the file is POSIX shm.
const MAKE = `/bin/sh -c 'ipcmk -Q >/dev/null && ipcmk -M 4096 >/dev/null && touch /dev/shm/${shm}-%n && exec sleep 600'`;
let svcd: SvcdInNamespace;
let uid = -1;

/** What uid owns now: SysV queues and segments (/proc/sysvipc) and files in /dev/shm. */
function owned(u: number): string[] {
  const out: string[] = [];
  for (const kind of ['msg', 'shm']) {
    const [head, ...rows] = readFileSync(`/proc/sysvipc/${kind}`, 'utf8').trim().split('\n');
    const at = head!.trim().split(/\s+/).indexOf('uid');
    for (const r of rows) if (Number(r.trim().split(/\s+/)[at]) === u) out.push(`${kind} ${r.trim().split(/\s+/)[1]}`);
  }
  for (const f of readdirSync('/dev/shm')) if (f.startsWith(shm) && statSync(join('/dev/shm', f)).uid === u) out.push(`/dev/shm/${f}`);
  return out;
}

async function waitOwned(u: number, n: number): Promise<string[]> {
  for (let t = 0; t < 100 && owned(u).length < n; t++) await sleep(100);
  return owned(u);
}

beforeAll(async () => {
  buildTree(join(dir, 'units'), { files: {
    'ipc-keep.service': `[Service]\nDynamicUser=yes\nExecStart=${MAKE}\n`,
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'basic.target');
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  // Whatever a failed run left behind.
  for (const o of uid > 0 ? owned(uid) : []) {
    if (o.startsWith('/')) rmSync(o, { force: true });
    else spawnSync('ipcrm', [o.startsWith('msg') ? '-q' : '-m', o.split(' ')[1]!]);
  }
  rmSync(dir, { recursive: true, force: true });
});

it('removes the IPC objects of a DynamicUser= service stopped after a daemon-reexec', async () => {
  expect((await svcd.svcctl('start', 'ipc-keep.service')).rc, svcd.console()).toBe(0);
  uid = Number((await svcd.svcctl('show', '-p', 'UID', '--value', 'ipc-keep.service')).stdout.trim());
  expect(uid).toBeGreaterThanOrEqual(61184);
  expect(await waitOwned(uid, 3)).toHaveLength(3);
  expect((await svcd.svcctl('daemon-reexec')).rc).toBe(0);
  expect(svcd.console()).toMatch(/re-executed, took over/);
  expect((await svcd.svcctl('stop', 'ipc-keep.service')).rc).toBe(0);
  expect(owned(uid)).toEqual([]);
}, 60000);

it('keeps them while another unit of the same uid runs, across daemon-reexec, and removes them when it stops too', async () => {
  expect((await svcd.svcctl('start', 'ipc-keep.service')).rc, svcd.console()).toBe(0);
  const u = Number((await svcd.svcctl('show', '-p', 'UID', '--value', 'ipc-keep.service')).stdout.trim());
  uid = u;
  // A second unit running as that uid, without RemoveIPC= of its own: it holds the uid all the same.
  buildTree(join(dir, 'units'), { files: { 'ipc-same.service': `[Service]\nUser=${u}\nExecStart=${MAKE}\n` } });
  expect((await svcd.svcctl('daemon-reload')).rc).toBe(0);
  expect((await svcd.svcctl('start', 'ipc-same.service')).rc, svcd.console()).toBe(0);
  expect(await waitOwned(u, 6)).toHaveLength(6);
  expect((await svcd.svcctl('daemon-reexec')).rc).toBe(0);
  expect((await svcd.svcctl('stop', 'ipc-keep.service')).rc).toBe(0);
  expect(owned(u)).toHaveLength(6);
  expect((await svcd.svcctl('stop', 'ipc-same.service')).rc).toBe(0);
  expect(owned(u)).toEqual([]);
}, 60000);
