// A oneshot whose script leaves a process behind (`daemon &` in a setup script): once the script
// exits, the leftover is stopped (KillMode=control-group) — the unit passes through deactivating —
// and the start is still a success, as systemd 252 answers it: `systemctl start` exits 0, the unit
// ends inactive with Result=success. (svcd once failed such a start: "Job failed to start" from
// upstart's `start` on a task whose run coincided with another unit's helpers.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-oneshot-left-'));
buildTree(dir, {
  files: {
    'units/left.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 100123 & echo started'\n`,
    'units/x.target': '[Unit]\n',
  },
});
let svcd: SvcdInNamespace;
beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a oneshot that leaves a process behind', () => {
  it('starts successfully: the leftover is stopped, the job is done, the unit inactive with Result=success', async () => {
    const r = await svcd.svcctl('start', 'left.service');
    expect(r, svcd.console()).toMatchObject({ rc: 0, stderr: '' });
    expect((await svcd.svcctl('show', '-p', 'Result,ActiveState', 'left.service')).stdout).toBe('Result=success\nActiveState=inactive\n');
    expect((await svcd.svcctl('logs', '-u', 'left.service', '-o', 'cat')).stdout).toMatch(/^started$/m);
  });
});
