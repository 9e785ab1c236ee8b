// Namespaces, differential against real systemd 252: each unit in test/fixtures/sandbox-ns/units
// runs the seccomp probe under PrivateDevices= (a /dev of pseudo devices, read-only; no mknod, no
// raw I/O), PrivateNetwork= (only lo, up; one namespace for all of a run's processes), PrivateIPC=,
// PrivateMounts= …, and what it saw must be what scripts/record-sandbox-ns-fixtures.sh recorded
// under systemd (test/support/probe-units.ts).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { probeDifferential } from '../support/probe-units.js';

const run = probeDifferential(join(__dirname, '../fixtures/sandbox-ns'), 'scripts/record-sandbox-ns-fixtures.sh');

it('the probe can fail: without the settings the host\'s namespaces and devices are seen (the control)', () => {
  expect(run.got.get('pn-none')!.out).toContain('own-ns:net=EEXIST');
  expect(run.got.get('pd-none')!.out).toContain('cap:27=ok');
});
it('names none of the enforced settings as not enforced', () => {
  expect(run.svcd()!.console()).not.toMatch(/not enforced/);
});
