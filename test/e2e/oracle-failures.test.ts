// How services end, differential against real systemd 252: the units in
// test/fixtures/oracle/failures/units (exit codes, signals, timeouts on start and stop, a bad User=,
// a missing binary, the start limit, restart loops, failing pre-steps, forking without its PID file,
// notify without READY=1, the watchdog, Timeout{Start,Stop}FailureMode=) get the same actions under svcd as scripts/record-failure-oracle.sh gave
// them under systemd, and `svcctl show -p Result,ExecMainCode,ExecMainStatus,ActiveState,SubState,NRestarts`
// must print what systemd printed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(__dirname, '../..');
const fx = join(repo, 'test/fixtures/oracle/failures');
const dir = mkdtempSync(join(tmpdir(), 'svcd-oracle-'));
const run = join(dir, 'run');
const units = readdirSync(join(fx, 'units')).filter((n) => n.endsWith('.service')).sort();
let exitCode: number | null = null;
let console_ = '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const svcctl = (...args: string[]) => spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { encoding: 'utf8' });

beforeAll(async () => {
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(fx, 'units')}:${join(repo, 'units')}`, '--unit', 'basic.target', '--config', '/nonexistent', '--runtime-dir', run, '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  p.on('exit', (c) => (exitCode = c));
  for (let t = 0; t < 20000 && !existsSync(join(run, 'control.sock')); t += 50) await sleep(50);
  await sleep(300);
  // The recorder's script of actions.
  for (const u of units) svcctl('start', '--no-block', u);
  await sleep(3000);
  for (const u of ['stop-timeout.service', 'stop-abort.service']) svcctl('stop', '--no-block', u);
  await sleep(3000);
}, 30000);
afterAll(async () => {
  if (exitCode === null) svcctl('exit');
  // Its runtime directory goes next: let svcd finish its shutdown first.
  for (let t = 0; t < 20000 && exitCode === null; t += 50) await sleep(50);
  rmSync(dir, { recursive: true, force: true });
}, 30000);

describe('services end as systemd 252 ends them', () => {
  it.each(units)('%s', (u) => {
    const expected = readFileSync(join(fx, `${u.replace(/\.service$/, '')}.show`), 'utf8');
    const got = svcctl('show', '-p', 'Result,ExecMainCode,ExecMainStatus,ActiveState,SubState,NRestarts', u).stdout;
    expect(got, console_.split('\n').filter((l) => l.includes(u)).join('\n')).toBe(expected);
  });
});
