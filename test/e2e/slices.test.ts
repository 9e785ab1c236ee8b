// Slice= and the slice hierarchy on a hybrid host: svcd, PID 1 of a PID namespace and alone in
// cgroups the test makes in each v1 controller, files a service with Slice=a-b.slice in
// a.slice/a-b.slice/NAME (as systemd 252 nests slices), and writes each slice's own limits on the
// slice's directory, so they bound every process inside: a fork past the slice's TasksMax= gets
// EAGAIN, an allocation past its MemoryMax= is OOM-killed. system.slice's limits may come from a
// drop-in alone (system.slice.d/*.conf, no system.slice file), as systemd reads them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { FORK_UNTIL_REFUSED, makeTestCgroups } from '../support/v1-cgroups.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-slices-'));
const name = `svcd-slices-${process.pid}-${Date.now()}`;
const cgroups = makeTestCgroups(name);
const cg = cgroups.path;

const forker = FORK_UNTIL_REFUSED;
const go = join(dir, 'go');
const units: Record<string, string> = {
  // The slices' own limits; the services set none of their own.
  'tasks-few.slice': '[Slice]\nTasksMax=4\nCPUWeight=50\n',
  'mem-small.slice': '[Slice]\nMemoryMax=64M\n',
  'forker.service': `[Service]\nSlice=tasks-few.slice\nExecStart=/usr/bin/python3 ${join(dir, 'fork.py')}\n`,
  'hog.service': `[Service]\nSlice=mem-small.slice\nExecStart=/bin/sh -c 'while [ ! -e ${go} ]; do sleep 0.1; done; exec ${process.execPath} -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"'\n`,
  'plain.service': '[Service]\nExecStart=/bin/sleep 600\nExecReload=/bin/true\n',
  'deleg.service': '[Service]\nExecStart=/bin/sleep 600\nDelegate=yes\nUser=nobody\n',
  // No system.slice file: the drop-in alone sets its limits.
  'system.slice.d/10-limits.conf': '[Slice]\nTasksMax=333\n',
  'x.target': '[Unit]\nWants=forker.service hog.service plain.service deleg.service\n',
};

let svcd: SvcdInNamespace;
const show = async (unit: string, props: string) => (await svcd.svcctl('show', '-p', props, unit)).stdout;
async function until(what: () => Promise<boolean> | boolean, ms = 15000): Promise<void> {
  for (let t = 0; t < ms && !(await what()); t += 100) await sleep(100);
}
const read = (c: Parameters<typeof cg>[0], ...rest: string[]) => readFileSync(cg(c, ...rest), 'utf8').trim();

beforeAll(async () => {
  if (!cgroups.usable) return;
  writeFileSync(join(dir, 'fork.py'), forker);
  buildTree(join(dir, 'units'), { files: units });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', '/nonexistent', cgroups.wrapper);
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  await sleep(200);
  cgroups.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!cgroups.usable)('Slice= and the slices\' own limits in the cgroup v1 controllers', () => {
  it('a service with Slice=tasks-few.slice runs in tasks.slice/tasks-few.slice/NAME, and show says so', async () => {
    await until(async () => (await show('forker.service', 'MainPID')) !== 'MainPID=0\n');
    expect(read('pids', 'tasks.slice/tasks-few.slice/forker.service/cgroup.procs')).toMatch(/^\d+(\n\d+)*$/);
    expect(await show('forker.service', 'Slice,ControlGroup')).toBe(`Slice=tasks-few.slice\nControlGroup=/${name}/tasks.slice/tasks-few.slice/forker.service\n`);
  });

  it('a fork past the slice\'s TasksMax= gets EAGAIN in the service', async () => {
    expect(read('pids', 'tasks.slice/tasks-few.slice/pids.max')).toBe('4');
    let logs = '';
    await until(async () => (logs = (await svcd.svcctl('logs', '--no-pager', '-D', join(dir, 'journal'), '-u', 'forker.service', '-o', 'cat')).stdout).includes('fork '));
    expect(logs).toContain('fork 4 failed: EAGAIN');
    // The slice's CPUWeight= is on the slice's directory (weight × 1024 / 100).
    expect(read('cpu', 'tasks.slice/tasks-few.slice/cpu.shares')).toBe('512');
  });

  it('an allocation past the slice\'s MemoryMax= is killed by the kernel, and the unit fails', async () => {
    expect(read('memory', 'mem.slice/mem-small.slice/memory.limit_in_bytes')).toBe(String(64 * 1024 * 1024));
    writeFileSync(go, '');
    await until(async () => (await show('hog.service', 'ActiveState')).includes('=failed'));
    expect(await show('hog.service', 'Result,ActiveState')).toBe('Result=oom-kill\nActiveState=failed\n');
  });

  it('show of a slice: its cgroup, its parent and its own limits', async () => {
    // The parent slice exists without a file, and is limited by nothing of its own.
    expect(await show('tasks.slice', 'Slice,ControlGroup,TasksMax,ActiveState')).toBe(`Slice=-.slice\nControlGroup=/${name}/tasks.slice\nTasksMax=infinity\nActiveState=active\n`);
    expect(read('pids', 'tasks.slice/pids.max')).toBe('max');
    expect(await show('tasks-few.slice', 'Slice,ControlGroup,TasksMax,MemoryMax,CPUWeight,Delegate')).toBe(
      `Slice=tasks.slice\nControlGroup=/${name}/tasks.slice/tasks-few.slice\nDelegate=no\nCPUWeight=50\nMemoryMax=infinity\nTasksMax=4\n`);
  });

  it('show and status of a slice count what its cgroups count: every unit and sub-slice in it together', async () => {
    // The forker and its children, stopped at the slice's TasksMax=4, fill tasks-few.slice and so tasks.slice.
    await until(async () => (await show('tasks-few.slice', 'TasksCurrent')) === 'TasksCurrent=4\n');
    const counts = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => l.split('=') as [string, string]));
    for (const slice of ['tasks-few.slice', 'tasks.slice']) {
      const c = counts(await show(slice, 'CPUUsageNSec,MemoryCurrent,TasksCurrent'));
      expect(c.TasksCurrent, slice).toBe(read('pids', 'tasks.slice/pids.current'));
      expect(c.MemoryCurrent, slice).toMatch(/^[1-9]\d*$/);
      // Hierarchical: at least what its unit has used (read after, so no less).
      expect(BigInt(c.CPUUsageNSec!), slice).toBeGreaterThan(0n);
      expect(BigInt(c.CPUUsageNSec!)).toBeLessThanOrEqual(BigInt(read('cpuacct', 'tasks.slice/tasks-few.slice/cpuacct.usage')));
    }
    const page = (slice: string) => svcd.svcctl('status', '--no-pager', '-n0', slice).then((r) => r.stdout);
    // The limit shown is the slice's own TasksMax=; a slice without one is not capped (DefaultTasksMax= is for units).
    expect(await page('tasks-few.slice')).toMatch(/\n {6}Tasks: 4 \(limit: 4\)\n {5}Memory: \d+(\.\d)?[BKMG]\n {8}CPU: \d+(\.\d+)?m?s\n {5}CGroup: /);
    expect(await page('tasks.slice')).toMatch(/\n {6}Tasks: 4\n {5}Memory: \d+(\.\d)?[BKMG]\n {8}CPU: /);
  });

  it('status of a slice: the tree of its sub-slices and units, their processes beneath', async () => {
    const page = (await svcd.svcctl('status', '--no-pager', '-n0', 'tasks.slice')).stdout;
    expect(page).toMatch(new RegExp(`\n {5}CGroup: /${name}/tasks\\.slice\n {13}└─tasks-few\\.slice\n {15}└─forker\\.service\n( {17}├─ *\\d+ [^\n]+\n){3} {17}└─ *\\d+ [^\n]+\n$`));
  });

  it('a system.slice.d drop-in without a system.slice file sets system.slice\'s limits', async () => {
    expect(await show('system.slice', 'TasksMax,DropInPaths')).toBe(`TasksMax=333\nDropInPaths=${join(dir, 'units/system.slice.d/10-limits.conf')}\n`);
    expect(read('pids', 'system.slice/pids.max')).toBe('333');
  });

  it('a running unit stays in its cgroup when a daemon-reload gives it another Slice=, as systemd keeps a realized unit where it is', async () => {
    const before = await show('plain.service', 'ControlGroup');
    expect(before).toBe(`ControlGroup=/${name}/system.slice/plain.service\n`);
    mkdirSync(join(dir, 'units/plain.service.d'));
    writeFileSync(join(dir, 'units/plain.service.d/slice.conf'), '[Service]\nSlice=moved.slice\n');
    expect((await svcd.svcctl('daemon-reload')).rc).toBe(0);
    // The reload command is a new process of the unit: it joins the unit's cgroup, not moved.slice's.
    expect((await svcd.svcctl('reload', 'plain.service')).rc).toBe(0);
    expect(await show('plain.service', 'ControlGroup')).toBe(before);
    expect(existsSync(cg('pids', 'moved.slice/plain.service'))).toBe(false);
    expect(read('pids', 'system.slice/plain.service/cgroup.procs')).toMatch(/^\d+$/);
  });

  it('Delegate=yes with User=: the unit\'s cgroup is the user\'s', async () => {
    await until(async () => (await show('deleg.service', 'MainPID')) !== 'MainPID=0\n');
    expect(await show('deleg.service', 'Delegate,DelegateControllers')).toBe('Delegate=yes\nDelegateControllers=cpu cpuset io memory pids\n');
    const nobody = Number(/^nobody:[^:]*:(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'))![1]);
    const main = (await show('deleg.service', 'ControlGroup')).trim().split('=')[1]!;
    const fsPath = cgroups.unified(main.slice(`/${name}/`.length));
    expect(statSync(fsPath).uid).toBe(nobody);
    expect(statSync(join(fsPath, 'cgroup.procs')).uid).toBe(nobody);
    // Not the slice's: delegation hands over the unit's own subtree only.
    expect(statSync(cgroups.unified('system.slice')).uid).toBe(0);
  });
});
