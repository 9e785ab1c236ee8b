// Where svcd has a cgroup (v2) of its own, each unit gets one (/system.slice/NAME under svcd's), and
// the kernel's list of its processes is the unit's: a daemon that forks twice, calls setsid() and
// starts over with an empty environment (so neither its session nor its INVOCATION_ID gives it away)
// is still shown by status, stopped with its service, and nothing of it is left. The same unit under
// an svcd that shares its cgroup with other processes (the host's root here) falls back to sessions
// and INVOCATION_ID, and that daemon escapes: the difference docs/differences.md describes.
// svcd is PID 1 of a PID namespace; the test's cgroup is made under the host's cgroup2 mount.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { processesMatching } from '../support/proc.js';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-cgroup-'));

/** The cgroup2 mount and whether a test cgroup can be made there (root, a writable hierarchy). */
function cgroupMount(): string | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.startsWith('cgroup2 ') && pre!.split(' ')[3] === '/') return pre!.split(' ')[4];
  }
  return undefined;
}
const mount = cgroupMount();
const name = `svcd-test-${process.pid}-${Date.now()}`;
const cg = mount ? join(mount, name) : '';
let usable = false;
try {
  if (mount) {
    mkdirSync(cg);
    usable = true;
  }
} catch {
  // a read-only cgroup fs (an unprivileged container): the test is skipped
}

const processes = processesMatching;
const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'latin1');
const cgroupOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3);

function removeTree(d: string): void {
  if (!existsSync(d)) return;
  for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) removeTree(join(d, e.name));
  rmdirSync(d);
}

// The daemon: a new session in a forked child (setsid --fork), an empty environment (env -i), the
// outer shell exits: reparented to svcd, in no session svcd started, with no INVOCATION_ID.
const unit = (tag: string) =>
  `[Service]\nExecStart=/bin/sh -c "echo hello from ${tag}; setsid --fork env -i /bin/bash -c 'exec -a ${tag} sleep 600' < /dev/null > /dev/null 2>&1; exec sleep 600"\nTimeoutStopSec=2\n`;

let inCgroup: SvcdInNamespace;
let shared: SvcdInNamespace;

beforeAll(async () => {
  if (!usable) return;
  buildTree(join(dir, 'a/units'), { files: { 'scrub.service': unit('cg-escapee-a'), 'x.target': '[Unit]\nWants=scrub.service\n' } });
  buildTree(join(dir, 'b/units'), { files: { 'scrub.service': unit('cg-escapee-b'), 'x.target': '[Unit]\nWants=scrub.service\n' } });
  // svcd alone in a fresh cgroup: the shell moves itself there, then becomes svcd (PID 1).
  inCgroup = await bootInNamespace(join(dir, 'a'), join(dir, 'a/units'), 'x.target', '/nonexistent', ['sh', '-c', `echo $$ > ${cg}/cgroup.procs && exec "$@"`, 'sh']);
  // svcd in the host's root cgroup, beside everything else.
  shared = await bootInNamespace(join(dir, 'b'), join(dir, 'b/units'), 'x.target');
  for (let t = 0; t < 5000 && (processes('cg-escapee-a').length === 0 || processes('cg-escapee-b').length === 0); t += 50) await sleep(50);
}, 40000);
afterAll(async () => {
  await inCgroup?.stop();
  await shared?.stop();
  for (const p of [...processes('cg-escapee-a'), ...processes('cg-escapee-b')]) process.kill(p, 'SIGKILL');
  await sleep(200);
  if (usable) removeTree(cg);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!usable)('a cgroup per unit (cgroup v2, svcd alone in its cgroup)', () => {
  it('the daemon has left the session and dropped INVOCATION_ID (the premise)', () => {
    const [pid] = processes('cg-escapee-a');
    expect(pid).toBeGreaterThan(0);
    const st = readFileSync(`/proc/${pid}/stat`, 'latin1').slice(readFileSync(`/proc/${pid}/stat`, 'latin1').lastIndexOf(')') + 2).split(' ');
    expect(Number(st[1])).toBe(inCgroup.hostPid); // reparented to svcd
    expect(environOf(pid!)).not.toContain('INVOCATION_ID=');
  });

  it('every process of the unit is in /system.slice/NAME under svcd\'s cgroup, as ControlGroup= says', async () => {
    const [pid] = processes('cg-escapee-a');
    expect(cgroupOf(pid!)).toBe(`/${name}/system.slice/scrub.service`);
    expect((await inCgroup.svcctl('show', '-p', 'ControlGroup', '--value', 'scrub.service')).stdout).toBe(`/${name}/system.slice/scrub.service\n`);
    const status = (await inCgroup.svcctl('status', '--no-pager', 'scrub.service')).stdout;
    expect(status).toContain(`CGroup: /${name}/system.slice/scrub.service`);
    expect(status).toMatch(/Tasks: 2\n/);
    expect(status).toContain('cg-escapee-a 600');
  });

  it('files the unit\'s output under its cgroup (_SYSTEMD_CGROUP=)', async () => {
    const entries = (await inCgroup.svcctl('logs', '--no-pager', '-D', join(dir, 'a/journal'), '-u', 'scrub.service', '-o', 'json')).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(entries.find((e) => e.MESSAGE === 'hello from cg-escapee-a')).toMatchObject({ _SYSTEMD_UNIT: 'scrub.service', _SYSTEMD_CGROUP: `/${name}/system.slice/scrub.service` });
  });

  it('says in the journal how it tracks processes', async () => {
    const logs = (await inCgroup.svcctl('logs', '--no-pager', '-D', join(dir, 'a/journal'), '-g', 'Tracking unit processes')).stdout;
    expect(logs).toContain(`Tracking unit processes with cgroup v2 under /${name}.`);
  });

  it('stop ends the daemon too, and the unit\'s cgroup goes with the run', async () => {
    expect((await inCgroup.svcctl('stop', 'scrub.service')).rc).toBe(0);
    expect(processes('cg-escapee-a')).toEqual([]);
    // Ended by SIGTERM, not by the timeout's SIGKILL.
    expect((await inCgroup.svcctl('show', '-p', 'ActiveState,Result', 'scrub.service')).stdout).toBe('Result=success\nActiveState=inactive\n');
    expect(existsSync(join(cg, 'system.slice/scrub.service'))).toBe(false);
    expect((await inCgroup.svcctl('show', '-p', 'ControlGroup', '--value', 'scrub.service')).stdout).toBe('\n');
  });

  it('started again, the unit gets its cgroup back', async () => {
    expect((await inCgroup.svcctl('start', 'scrub.service')).rc).toBe(0);
    for (let t = 0; t < 5000 && processes('cg-escapee-a').length === 0; t += 50) await sleep(50);
    expect(cgroupOf(processes('cg-escapee-a')[0]!)).toBe(`/${name}/system.slice/scrub.service`);
  });

  it('after daemon-reexec the new svcd finds the unit\'s cgroup and stops everything in it', async () => {
    expect((await inCgroup.svcctl('daemon-reexec')).rc).toBe(0);
    expect((await inCgroup.svcctl('show', '-p', 'ControlGroup', '--value', 'scrub.service')).stdout).toBe(`/${name}/system.slice/scrub.service\n`);
    expect((await inCgroup.svcctl('stop', 'scrub.service')).rc).toBe(0);
    expect(processes('cg-escapee-a')).toEqual([]);
    expect(existsSync(join(cg, 'system.slice/scrub.service'))).toBe(false);
  });
});

describe.skipIf(!usable)('the same unit where svcd shares its cgroup (the host\'s root)', () => {
  it('falls back to sessions and INVOCATION_ID, and says why in the journal', async () => {
    const logs = (await shared.svcctl('logs', '--no-pager', '-D', join(dir, 'b/journal'), '-g', 'Tracking unit processes')).stdout;
    expect(logs).toMatch(/Tracking unit processes by session and INVOCATION_ID \(no cgroup of its own: svcd's cgroup \/ is shared with \d+ other process(es)?\)\./);
  });

  it('cannot find the daemon that scrubbed its environment: stop leaves it behind', async () => {
    expect(processes('cg-escapee-b')).toHaveLength(1);
    expect((await shared.svcctl('stop', 'scrub.service')).rc).toBe(0);
    expect(processes('cg-escapee-b')).toHaveLength(1);
  });
});
