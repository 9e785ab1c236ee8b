// Timers and path units across daemon-reexec, with svcd as PID 1 of a PID namespace: the new svcd
// takes them over waiting and they go on working — a timer armed before the exec fires after it, a
// timer that fired before keeps its LastTriggerUSec=, a path unit watches again (systemd's coldplug).
// The late timer waits 12 s: a loaded machine may take several seconds to boot and re-execute.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { runCount, until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-timer-reexec-'));
const out = join(dir, 'out');
const noting = (name: string) => `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran >> ${out}/${name}'\n`;
buildTree(dir, {
  files: {
    'units/early.timer': '[Timer]\nOnActiveSec=1s\nOnUnitActiveSec=1h\nAccuracySec=100ms\n',
    'units/early.service': noting('early'),
    'units/late.timer': '[Timer]\nOnActiveSec=12s\nAccuracySec=100ms\n',
    'units/late.service': noting('late'),
    'units/watch.path': `[Path]\nPathExists=${dir}/flag\n`,
    'units/watch.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran >> ${out}/watch; rm -f ${dir}/flag'\n`,
    'units/x.target': '[Unit]\nWants=early.timer late.timer watch.path\n',
    'out/.keep': '',
  },
});

let svcd: SvcdInNamespace;
const runs = (name: string) => runCount(out, name);
const show = async (unit: string, props: string) => (await svcd.svcctl('show', '-p', props, unit)).stdout;
let earlyBefore = '';

beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  await until(() => runs('early') === 1);
  await until(async () => (await show('early.timer', 'SubState')) === 'SubState=waiting\n');
  earlyBefore = await show('early.timer', 'SubState,LastTriggerUSec,LastTriggerUSecMonotonic,NextElapseUSecMonotonic');
  const r = await svcd.svcctl('daemon-reexec');
  expect(r, svcd.console()).toMatchObject({ rc: 0, stderr: '' });
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('timers and paths across daemon-reexec', () => {
  it('re-executed while the late timer still waited', async () => {
    expect(svcd.console()).toMatch(/re-executed, took over \d+ units/);
    expect(runs('late')).toBe(0);
    expect(await show('late.timer', 'SubState')).toBe('SubState=waiting\n');
  });

  it('keeps a timer that fired before as it was: last trigger, next elapse', async () => {
    expect(earlyBefore).toMatch(/LastTriggerUSecMonotonic=[1-9]/);
    expect(await show('early.timer', 'SubState,LastTriggerUSec,LastTriggerUSecMonotonic,NextElapseUSecMonotonic')).toBe(earlyBefore);
  });

  it('fires a timer armed before the exec, after it', async () => {
    expect(await until(() => runs('late') === 1), svcd.console()).toBe(true);
  });

  it('watches a path again: the file appearing starts its service', async () => {
    expect(await show('watch.path', 'SubState')).toBe('SubState=waiting\n');
    writeFileSync(join(dir, 'flag'), '');
    expect(await until(() => runs('watch') === 1), svcd.console()).toBe(true);
  });
});
