// PrivateUsers=, differential against real systemd 252: each unit in test/fixtures/userns/units prints
// its /proc/self/uid_map, gid_map and setgroups, `id`, its capabilities, who owns a root file and one
// of an unmapped user, and whether it is in a user namespace of its own, and what it printed must be
// what scripts/record-userns-fixtures.sh recorded under systemd (test/support/probe-units.ts).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { probeDifferential, USERNS_PROPERTIES } from '../support/probe-units.js';

const run = probeDifferential(join(__dirname, '../fixtures/userns'), 'scripts/record-userns-fixtures.sh', USERNS_PROPERTIES);

it('the probe can fail: without PrivateUsers= the host\'s user namespace and ids are seen (the control)', () => {
  expect(run.got.get('pu-none')!.out).toContain('userns=host');
  expect(run.got.get('pu-none')!.out).toContain('4242:4243');
});
it('names PrivateUsers= nowhere as not enforced', () => {
  expect(run.svcd()!.console()).not.toMatch(/PrivateUsers=.*not enforced|not enforced.*PrivateUsers=/);
});
