// `is-system-running` during a boot whose unit is reached while jobs it pulled in are still queued: a
// oneshot still activating and the target that waits for it, both wanted by a service the boot unit
// is not ordered after. systemd 252 says "starting" until the boot job is done and no job is left
// (manager_check_finished), which is what container readiness checks wait for; then "running".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-sysstate-'));
const out = join(dir, 'out');
const run = join(dir, 'run');
buildTree(dir, {
  files: {
    'units/app.service': '[Unit]\nWants=later.target\n[Service]\nExecStart=/bin/sleep 600\n',
    'units/later.target': '[Unit]\nWants=slow.service\n',
    // Holds its start until the test lets it go: no timing involved.
    'units/slow.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'touch ${out}/slow-started; while [ ! -e ${out}/go ]; do sleep 0.05; done'\n`,
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=app.service\n',
    'out/.keep': '',
  },
});

let console_ = '';
let exited = false;
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await new Promise((r) => setTimeout(r, 50));
  return pred();
};
const svcctl = (...args: string[]) => spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', run, '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  p.on('exit', () => (exited = true));
  await until(() => /Reached target x\.target/.test(console_) && existsSync(join(out, 'slow-started')) && existsSync(join(run, 'control.sock')));
});
afterAll(async () => {
  writeFileSync(join(out, 'go'), '');
  if (!exited) svcctl('exit');
  await until(() => exited, 10000);
  rmSync(dir, { recursive: true, force: true });
});

describe('is-system-running while the boot still has jobs', () => {
  it('says starting while a oneshot the boot pulled in is activating and its target waits', () => {
    expect(console_).toMatch(/Reached target x\.target - Test Target\./);
    expect(svcctl('list-jobs').stdout).toMatch(/later\.target\s+start\s+waiting/);
    const r = svcctl('is-system-running');
    expect(r.stdout).toBe('starting\n');
    expect(r.status).not.toBe(0);
  });

  it('says running once the last job is done', async () => {
    writeFileSync(join(out, 'go'), '');
    expect(await until(() => /Reached target later\.target/.test(console_)), console_).toBe(true);
    const r = svcctl('is-system-running', '--wait');
    expect(r.stdout).toBe('running\n');
    expect(r.status).toBe(0);
  });
});
