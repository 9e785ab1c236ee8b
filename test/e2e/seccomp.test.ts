// seccomp filters, differential against real systemd 252: each unit in test/fixtures/seccomp/units
// runs the probe (probe.c: tries the forbidden thing — an AF_INET socket, a W+X mapping, unshare(),
// a personality change, an i386 system call, a call of a denied group …) under one sandboxing
// directive, with svcd as PID 1 of a PID namespace. What the probe saw (errno per action, or its
// death by SIGSYS part-way) and how the unit ended (Result, ExecMainCode/Status) must be what
// scripts/record-seccomp-fixtures.sh recorded under systemd (test/support/probe-units.ts).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { probeDifferential } from '../support/probe-units.js';

const run = probeDifferential(join(__dirname, '../fixtures/seccomp'), 'scripts/record-seccomp-fixtures.sh');

it('the probe can fail: without a filter every action is allowed (the control)', () => {
  expect(run.got.get('none')!.out).toContain('socket-inet=ok\nmmap-wx=ok');
  expect(run.got.get('restrict-af-unix')!.out).toContain('socket-inet=EAFNOSUPPORT');
});
it('says nothing of the seccomp directives not being enforced', () => {
  expect(run.svcd()!.console()).not.toMatch(/sandboxing settings? not enforced/);
});
