// A slice's cgroup lives as long as the slice, as under systemd 252: starting a unit in it starts
// the slice, which makes its directories; the slice stays active — its directories, empty, with it
// — after its last unit stops; stopping the slice removes its directories (not its parent's, still
// active) and leaves it inactive; starting it alone makes them again. The steps of
// test/fixtures/slice-lifecycle/steps.txt are run on svcd — PID 1 of a PID namespace, alone in
// cgroups the test makes in each v1 controller and in the unified tree — and its answers compared
// with systemd's, recorded by scripts/record-slice-lifecycle.sh (and recorded again live where
// systemd-ns can boot systemd here). `status` compares the Loaded:, Active: and CGroup: lines: an
// active slice shows its cgroup though it is empty, system.slice not before a unit in it made one,
// the root slice always. A slice whose name has no place in the hierarchy (a--b.slice, -a.slice,
// a-.slice) fails to load, and a unit in it cannot start. A `dir` step asks the unified tree and every v1 controller a
// unit is filed in by default: all of them must agree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { makeTestCgroups, V1_CONTROLLERS } from '../support/v1-cgroups.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/slice-lifecycle');
const STEPS = readFileSync(join(fixtures, 'steps.txt'), 'utf8').split('\n').filter(Boolean);
const name = `svcd-slice-life-${process.pid}-${Date.now()}`;
const cgroups = makeTestCgroups(name);
// cpuset takes a unit (and makes its slices' directories) only when it sets AllowedCPUs=.
const filed = V1_CONTROLLERS.filter((c) => c !== 'cpuset');

let svcd: SvcdInNamespace;
let work = '';

/** One step's answer, in the recording's words. */
async function answer(step: string): Promise<string> {
  const [verb, ...args] = step.split(' ');
  if (verb === 'dir') {
    const seen = [cgroups.unified(args[0]!), ...filed.map((c) => cgroups.path(c, args[0]!))].map((d) => `${existsSync(d) ? 'exists' : 'absent'}`);
    return new Set(seen).size === 1 ? seen[0]! : `disagree: unified, ${filed.join(', ')}: ${seen.join(' ')}`;
  }
  if (verb === 'status') {
    const r = await svcd.svcctl('status', '--no-pager', '-n0', '--', args[0]!);
    const loaded = /^ *(Loaded: .*)$/m.exec(r.stdout);
    const active = /^ *Active: (.*?)(?:( since) .*|;.*)?$/m.exec(r.stdout);
    // svcd's cgroup is the test's, below the host's root: the path is shown below it, as systemd's (in its own cgroup namespace) is below "/".
    const cgroup = /^ *CGroup: (.*)$/m.exec(r.stdout);
    const below = cgroup ? cgroup[1]!.replace(`/${name}`, '') || '/' : '';
    return `${loaded ? `${loaded[1]}\n` : ''}${active ? `Active: ${active[1]}${active[2] ?? ''}\n` : ''}${cgroup ? `CGroup: ${below}\n` : ''}rc=${r.rc}`;
  }
  const r = await svcd.svcctl(...args);
  return `${r.stdout}${r.stderr}rc=${r.rc}`;
}

async function transcript(): Promise<string> {
  let out = '';
  for (const step of STEPS) out += `> ${step}\n${(await answer(step)).replace(/\n$/, '')}\n`;
  return out;
}

beforeAll(async () => {
  if (!cgroups.usable) return;
  work = mkdtempSync(join(tmpdir(), 'svcd-slice-life-'));
  svcd = await bootInNamespace(work, join(fixtures, 'units'), 'x.target', '/nonexistent', cgroups.wrapper);
}, 60000);
afterAll(async () => {
  await svcd?.stop();
  await sleep(200);
  cgroups.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!cgroups.usable)('a slice\'s cgroup is made when the slice starts and removed when it stops', () => {
  let mine = '';
  it('every step answers as systemctl 252 answered (recorded)', async () => {
    mine = await transcript();
    expect(mine).toBe(readFileSync(join(fixtures, 'recorded.txt'), 'utf8'));
  });

  it.skipIf(!liveOracle)('and as a live systemd 252 answers now (systemd-ns)', () => {
    const out = join(work, 'live.txt');
    const r = spawnSync('sh', [join(repo, 'scripts/record-slice-lifecycle.sh'), out], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(mine).toBe(readFileSync(out, 'utf8'));
  }, 120000);
});
