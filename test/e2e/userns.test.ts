// PrivateUsers= and DynamicUser=, differential against real systemd 252: each unit in
// test/fixtures/userns/units prints what it is and sees (pu-*: its /proc/self/uid_map, gid_map and
// setgroups, `id`, its capabilities, who owns a root file and one of an unmapped user, and whether it
// is in a user namespace of its own; du-*: its uid, gid and groups, its environment, its state,
// cache and logs directories' owners and links, and what it may write; du-tree: the owners and modes
// throughout a state directory an earlier user left, which du-tree-prep makes), and what it printed must be
// what scripts/record-userns-fixtures.sh recorded under systemd (test/support/probe-units.ts).
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { probeDifferential, USERNS_PROPERTIES } from '../support/probe-units.js';
import { bootInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

// As the record script: no directory of an earlier run, whose owner would be the uid tried first.
const DU_DIRS = ['/var/lib', '/var/cache', '/var/log'].flatMap((r) => ['svcd-du-state', 'svcd-du-tree'].flatMap((n) => [join(r, 'private', n), join(r, n)]));
beforeAll(() => {
  spawnSync('rm', ['-rf', ...DU_DIRS]);
});
afterAll(() => {
  spawnSync('rm', ['-rf', ...DU_DIRS]);
});

// Before the comparisons: the live re-recording under systemd replaces these directories.
it('DynamicUser=: on the host, the state directory is below a root-only private/, owned by the uid the service ran as, linked from its name', () => {
  const uid = Number(run.got.get('du-state')!.out.split('\n')[0]);
  expect(uid).toBeGreaterThanOrEqual(61184);
  expect(uid).toBeLessThanOrEqual(65519);
  for (const root of ['/var/lib', '/var/cache', '/var/log']) {
    const top = statSync(join(root, 'private'));
    expect({ root, mode: top.mode & 0o7777, uid: top.uid }).toEqual({ root, mode: 0o700, uid: 0 });
    const dir = statSync(join(root, 'private/svcd-du-state'));
    expect({ root, uid: dir.uid, gid: dir.gid }).toEqual({ root, uid, gid: uid });
    expect(lstatSync(join(root, 'svcd-du-state')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, 'svcd-du-state'))).toBe('private/svcd-du-state');
  }
});

const run = probeDifferential(join(__dirname, '../fixtures/userns'), 'scripts/record-userns-fixtures.sh', USERNS_PROPERTIES);

it('the probe can fail: without PrivateUsers= the host\'s user namespace and ids are seen (the control)', () => {
  expect(run.got.get('pu-none')!.out).toContain('userns=host');
  expect(run.got.get('pu-none')!.out).toContain('4242:4243');
});
it('names PrivateUsers= nowhere as not enforced', () => {
  expect(run.svcd()!.console()).not.toMatch(/PrivateUsers=.*not enforced|not enforced.*PrivateUsers=/);
});

it('without CAP_SYS_ADMIN the user namespace comes first, and a unit may have its mount namespace inside it; other units still run without theirs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-userns-'));
  // Outside /tmp, which PrivateTmp= replaces.
  const outDir = mkdtempSync('/run/svcd-userns-');
  // In the host's /tmp: a private one has it not.
  const marker = mkdtempSync(join(tmpdir(), 'svcd-userns-host-'));
  const out = (n: string) => join(outDir, n);
  const probe = (n: string) => `/bin/sh -c 'cat /proc/self/uid_map /proc/self/setgroups > ${out(n)}; touch /tmp/svcd-userns-${n}; echo tmp=$$(ls /tmp | tr "\\n" " ") >> ${out(n)}'`;
  const unit = (n: string, more: string) => `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=${probe(n)}\n${more}`;
  buildTree(join(dir, 'units'), { files: {
    'early-tmp.service': unit('early-tmp', 'PrivateUsers=yes\nPrivateTmp=yes\n'),
    'early-user.service': unit('early-user', 'PrivateUsers=yes\nUser=daemon\n'),
    'later-tmp.service': unit('later-tmp', 'PrivateTmp=yes\n'),
  } });
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'basic.target', '/nonexistent', ['setpriv', '--bounding-set', '-sys_admin']);
  try {
    for (const n of ['early-tmp', 'early-user', 'later-tmp']) await svcd.svcctl('start', `${n}.service`);
    const show = async (n: string) => (await svcd.svcctl('show', '-p', 'ActiveState,ExecMainStatus', `${n}.service`)).stdout;
    // Its own user namespace, made before the mount namespace, which it may then have: a /tmp with only its file.
    expect(await show('early-tmp'), svcd.console()).toBe('ExecMainStatus=0\nActiveState=active\n');
    const seen = readFileSync(out('early-tmp'), 'utf8');
    expect(seen.split('\n').slice(0, 2).map((l) => l.trim().split(/ +/).join(' ')), svcd.console()).toEqual(['0 0 1', 'deny']);
    expect(seen).toContain('svcd-userns-early-tmp');
    expect(seen).not.toContain(basename(marker));
    // systemd 252 sets the groups after that namespace, where setgroups() is denied: 216/GROUP (read from its exec_child()).
    expect(await show('early-user')).toBe('ExecMainStatus=216\nActiveState=failed\n');
    // The container's refusal still holds for a unit without its own user namespace: one notice, and it runs.
    expect(await show('later-tmp')).toBe('ExecMainStatus=0\nActiveState=active\n');
    expect(svcd.console()).toContain('later-tmp.service: PrivateTmp= not enforced (this container refuses a mount namespace: EPERM)');
  } finally {
    await svcd.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
    rmSync(marker, { recursive: true, force: true });
    spawnSync('rm', ['-f', '/tmp/svcd-userns-later-tmp']);
  }
}, 60000);
