// What coldplug asks for after daemon-reexec runs at once: a timer whose elapse passed while svcd
// re-executed starts its unit as soon as the new svcd has taken over, as systemd's coldplug does —
// not at the next event, which may never come. The new svcd is held back on purpose (a preload
// module that waits before a --deserialize start), so the elapse surely falls in the gap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { runCount, until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-reexec-coldplug-'));
const out = join(dir, 'out');
const hold = join(dir, 'hold.mjs');
// 6 s in the re-executed svcd only (NODE_OPTIONS is kept across the exec, the first svcd starts at once).
writeFileSync(hold, "if (process.argv.includes('--deserialize')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000);\n");
buildTree(dir, {
  files: {
    'units/soon.timer': '[Timer]\nOnActiveSec=4s\nAccuracySec=1ms\n',
    'units/soon.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran >> ${out}/soon'\n`,
    'units/x.target': '[Unit]\nWants=soon.timer\n',
    'out/.keep': '',
  },
});

let svcd: SvcdInNamespace;
let before = -1;

beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', '/nonexistent', ['env', `NODE_OPTIONS=--import=${hold}`]);
  await until(async () => (await svcd.svcctl('show', '-p', 'SubState', 'soon.timer')).stdout === 'SubState=waiting\n');
  before = runCount(out, 'soon');
  const r = await svcd.svcctl('daemon-reexec');
  expect(r, svcd.console()).toMatchObject({ rc: 0, stderr: '' });
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('coldplug after daemon-reexec', () => {
  it('starts the unit of a timer that elapsed while svcd re-executed', async () => {
    expect(svcd.console()).toMatch(/re-executed, took over \d+ units/);
    // The old svcd had not fired it before the exec (its elapse was 4 s after the boot; the new svcd came 6 s after the exec).
    expect(before).toBe(0);
    expect(await until(() => runCount(out, 'soon') === 1, 10000), svcd.console()).toBe(true);
    expect((await svcd.svcctl('show', '-p', 'SubState', 'soon.timer')).stdout).toBe('SubState=elapsed\n');
  });
});
