// sd_notify messages from a process of the unit that is neither its main nor its control process
// (a daemon's worker: squid's kid says READY=1), with real processes under svcd as PID 1, against
// what systemd 252 makes of the same units (test/fixtures/notify-access/show.txt, recorded by
// scripts/record-notify-access-fixtures.sh): NotifyAccess=all hears the worker, as systemd finds
// the unit by the sender's cgroup; NotifyAccess=main does not, and the start times out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/notify-access');
const UNITS = ['worker-all.service', 'worker-main.service'];
const dir = mkdtempSync(join(tmpdir(), 'svcd-notify-access-'));
let svcd: SvcdInNamespace;

beforeAll(async () => {
  buildTree(join(dir, 'units'), {
    files: Object.fromEntries(UNITS.map((u) => [u, readFileSync(join(fixtures, 'units', u), 'utf8')])),
    links: Object.fromEntries(UNITS.map((u) => [`multi-user.target.wants/${u}`, `../${u}`])),
  });
  // Settled once no job is left: worker-main.service's start has timed out by then.
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'multi-user.target');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('hears READY=1 and STATUS= from a worker under NotifyAccess=all only, as systemd 252 does', async () => {
  const got = await svcd.svcctl('show', '-p', 'Id,ActiveState,SubState,Result,StatusText', ...UNITS);
  expect(got.stdout, svcd.console()).toBe(readFileSync(join(fixtures, 'show.txt'), 'utf8'));
});
