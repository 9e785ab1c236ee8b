// seccomp filters, differential against real systemd 252: each unit in test/fixtures/seccomp/units
// runs the probe (probe.c: tries the forbidden thing — an AF_INET socket, a W+X mapping, unshare(),
// a personality change, an i386 system call, a call of a denied group …) under one sandboxing
// directive, with svcd as PID 1 of a PID namespace. What the probe saw (errno per action, or its
// death by SIGSYS part-way) and how the unit ended (Result, ExecMainCode/Status) must be what
// scripts/record-seccomp-fixtures.sh recorded under systemd. Where systemd-ns runs, the recording
// is made again live and compared too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fx = join(repo, 'test/fixtures/seccomp');
// Where the units (as recorded under systemd) find the probe and write what it saw.
const probeDir = '/var/tmp/svcd-seccomp';
const dir = mkdtempSync(join(tmpdir(), 'svcd-seccomp-'));
const names = readdirSync(join(fx, 'units')).filter((n) => n.endsWith('.service')).map((n) => n.slice(0, -'.service'.length)).sort();
const nsScript = '/work/shared/tools/systemd-ns/systemd-ns.sh';
const SHOWN = 'Result,ExecMainCode,ExecMainStatus,ActiveState';
const got = new Map<string, { out: string; show: string }>();
let svcd: SvcdInNamespace | undefined;

const expected = (n: string) => ({ out: readFileSync(join(fx, 'expected', `${n}.out`), 'utf8'), show: readFileSync(join(fx, 'expected', `${n}.show`), 'utf8') });
const readOut = (n: string) => (existsSync(join(probeDir, 'out', n)) ? readFileSync(join(probeDir, 'out', n), 'utf8') : '(no output)');

/** Starts the unit and waits for its probe to have ended (the unit no longer active). */
async function runToEnd(s: SvcdInNamespace, n: string): Promise<void> {
  await s.svcctl('start', `${n}.service`);
  for (let t = 0; t < 10000; t += 50) {
    const state = (await s.svcctl('show', '-p', 'ActiveState', '--value', `${n}.service`)).stdout.trim();
    if (state === 'inactive' || state === 'failed') return;
    await sleep(50);
  }
}

beforeAll(async () => {
  const setup = spawnSync(join(fx, 'setup.sh'), { encoding: 'utf8' });
  expect(setup.status, setup.stderr).toBe(0);
  svcd = await bootInNamespace(dir, join(fx, 'units'), 'basic.target');
  await Promise.all(names.map((n) => runToEnd(svcd!, n)));
  for (const n of names) got.set(n, { out: readOut(n), show: (await svcd.svcctl('show', '-p', SHOWN, `${n}.service`)).stdout });
}, 120000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30000);

describe('the service sees what it sees under systemd 252\'s filters', () => {
  it.each(names)('%s', (n) => {
    expect(got.get(n), svcd?.console().split('\n').filter((l) => l.includes(n)).join('\n')).toEqual(expected(n));
  });
  it('the probe can fail: without a filter every action is allowed (the control)', () => {
    expect(got.get('none')!.out).toContain('socket-inet=ok\nmmap-wx=ok');
    expect(got.get('restrict-af-unix')!.out).toContain('socket-inet=EAFNOSUPPORT');
  });
  it('says nothing of the seccomp directives not being enforced', () => {
    expect(svcd!.console()).not.toMatch(/sandboxing settings? not enforced/);
  });
});

describe.runIf(existsSync(nsScript))('the recordings still hold under systemd 252 (systemd-ns)', () => {
  it('re-recorded live, every unit answers as recorded', () => {
    const live = join(dir, 'live');
    const r = spawnSync(join(repo, 'scripts/record-seccomp-fixtures.sh'), [live], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const n of names) expect({ n, ...expected(n) }).toEqual({ n, out: readFileSync(join(live, `${n}.out`), 'utf8'), show: readFileSync(join(live, `${n}.show`), 'utf8') });
  }, 60000);
});
