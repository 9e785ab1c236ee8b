// The fd store against real systemd 252 (recorded by scripts/record-fd-store-fixtures.mjs into
// test/fixtures/fd-store/): svcd as PID 1 runs a service that hands memfds to the manager over
// sd_notify (FDSTORE=1 with FDNAME=, one past FileDescriptorStoreMax=, one removed with
// FDSTOREREMOVE=1, one handed over twice). After a SIGKILL and the automatic restart, and after a
// restart job, it must get the same fds back after its socket's, in the same order and with the
// same LISTEN_FDNAMES=; a stop empties the store; NFileDescriptorStore= says so throughout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FD_STORE_FIXTURES, FD_STORE_RUN, runFdStoreSteps } from '../support/fd-store.mjs';
import { bootInNamespace, shellInside, type SvcdInNamespace } from '../support/svcd-ns.js';

const recorded = JSON.parse(readFileSync(join(FD_STORE_FIXTURES, 'recorded.json'), 'utf8')) as { steps: unknown };
const dir = mkdtempSync('/tmp/svcd-fd-store-');

let svcd: SvcdInNamespace;
beforeAll(async () => {
  rmSync(FD_STORE_RUN, { recursive: true, force: true });
  svcd = await bootInNamespace(dir, join(FD_STORE_FIXTURES, 'units'), 'x.target');
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(FD_STORE_RUN, { recursive: true, force: true });
});

it('keeps the fds a service stores across its restarts and hands them back as systemd does', async () => {
  const got = await runFdStoreSteps(async (...args: string[]) => (await svcd.svcctl(...args)).stdout, (script) => shellInside(svcd, script));
  expect(got, svcd.console()).toEqual(recorded.steps);
}, 120_000);
