// DynamicUser= across daemon-reexec: a running unit's uid stays held by the next svcd, as systemd's
// lock files under /run/systemd/dynamic-uid/ keep it over its exec. What a user sees: `show` still
// gives the unit's UID=; a unit started afterwards whose user name hashes to that uid gets another
// one (not the same uid as a running service); the uid is released when the unit stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashedDynamicUid } from '../../src/exec/dynamic-users.js';
import { dynamicUserName } from '../../src/unit/dynamic-user.js';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-du-reexec-'));
const KEEP = 'svcd-du-keep';
const first = hashedDynamicUid(dynamicUserName(`${KEEP}.service`));
// A user name systemd's hash sends to the same first uid: it must be given another while KEEP runs.
const clash = Array.from({ length: 100000 }, (_, i) => `svcd-du-c${i}`).find((n) => hashedDynamicUid(n) === first)!;
const service = (more: string) => `[Service]\nDynamicUser=yes\nExecStart=/bin/sleep 600\n${more}`;
let svcd: SvcdInNamespace;
const uid = async (unit: string) => (await svcd.svcctl('show', '-p', 'UID', '--value', unit)).stdout.trim();

beforeAll(async () => {
  buildTree(join(dir, 'units'), { files: {
    [`${KEEP}.service`]: service(''),
    'svcd-du-clash.service': service(`User=${clash}\n`),
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'basic.target');
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps a running unit\'s dynamic uid held across daemon-reexec, and releases it when the unit stops', async () => {
  expect(clash).toBeDefined();
  expect((await svcd.svcctl('start', `${KEEP}.service`)).rc, svcd.console()).toBe(0);
  expect(await uid(`${KEEP}.service`)).toBe(String(first));
  expect((await svcd.svcctl('daemon-reexec')).rc).toBe(0);
  expect(svcd.console()).toMatch(/re-executed, took over/);
  // Still held: `show` resolves it, and the unit whose name hashes to it is given another uid.
  expect(await uid(`${KEEP}.service`)).toBe(String(first));
  expect((await svcd.svcctl('start', 'svcd-du-clash.service')).rc, svcd.console()).toBe(0);
  const other = await uid('svcd-du-clash.service');
  expect(Number(other)).toBeGreaterThanOrEqual(61184);
  expect(other).not.toBe(String(first));
  // Stopped, the uid is free again: the clashing user gets its hashed uid on its next run.
  expect((await svcd.svcctl('stop', `${KEEP}.service`, 'svcd-du-clash.service')).rc).toBe(0);
  expect(await uid(`${KEEP}.service`)).toBe('[not set]');
  expect((await svcd.svcctl('start', 'svcd-du-clash.service')).rc).toBe(0);
  expect(await uid('svcd-du-clash.service')).toBe(String(first));
  // And the first unit, started again while that one holds its uid, gets another.
  expect((await svcd.svcctl('start', `${KEEP}.service`)).rc).toBe(0);
  expect(await uid(`${KEEP}.service`)).not.toBe(String(first));
}, 60000);
