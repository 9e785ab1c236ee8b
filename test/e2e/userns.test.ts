// PrivateUsers= and DynamicUser=, differential against real systemd 252: each unit in
// test/fixtures/userns/units prints what it is and sees (pu-*: its /proc/self/uid_map, gid_map and
// setgroups, `id`, its capabilities, who owns a root file and one of an unmapped user, and whether it
// is in a user namespace of its own; du-*: its uid, gid and groups, its environment, its state,
// cache and logs directories' owners and links, and what it may write), and what it printed must be
// what scripts/record-userns-fixtures.sh recorded under systemd (test/support/probe-units.ts).
import { spawnSync } from 'node:child_process';
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { probeDifferential, USERNS_PROPERTIES } from '../support/probe-units.js';

// As the record script: no directory of an earlier run, whose owner would be the uid tried first.
const DU_DIRS = ['/var/lib', '/var/cache', '/var/log'].flatMap((r) => [join(r, 'private/svcd-du-state'), join(r, 'svcd-du-state')]);
beforeAll(() => {
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
