// The running manager against real systemd 252, with real processes: each scenario of
// test/fixtures/graph/engine-scenarios.mjs was booted in systemd as PID 1 of a namespace and driven
// with systemctl (scripts/record-engine-fixtures.mjs). Here svcd boots the same unit files as PID 1
// of a PID namespace, svcctl runs the same steps, and after the boot and every step:
//   - svcctl's exit status and stderr are systemctl's, word for word;
//   - every observed unit's ActiveState/SubState is systemd's;
//   - a main process was replaced exactly where systemd replaced it;
//   - the units whose ActiveEnter/InactiveEnter timestamps moved are the ones that moved in systemd,
//     in the same order wherever After=/Before= orders two of them.
// test/unit/engine-differential.test.ts checks the engine alone on a fake system; this one checks
// the whole path: loader, engine, native spawn and reaping, control socket and svcctl's words.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { SCENARIOS } from '../fixtures/graph/engine-scenarios.mjs';

interface Observed { readonly state: string; readonly mainPid: number; readonly activeEnter: number; readonly inactiveEnter: number }
interface Step { readonly step: string; readonly rc: number; readonly stderr: string; readonly units: Record<string, Observed> }
interface Replay { steps: Step[]; after: Record<string, string[]>; console: string }

const repo = join(__dirname, '../..');
const recorded = (JSON.parse(readFileSync(join(repo, 'test/fixtures/graph/engine-recorded.json'), 'utf8')) as { scenarios: Record<string, Step[]> }).scenarios;
const dirs: string[] = [];
const replays = new Map<string, Replay>();

async function observe(svcd: SvcdInNamespace, units: readonly string[]): Promise<Record<string, Observed>> {
  const out: Record<string, Observed> = {};
  for (const u of units) {
    const r = await svcd.svcctl('show', '-p', 'ActiveState,SubState,MainPID,ActiveEnterTimestampMonotonic,InactiveEnterTimestampMonotonic', u);
    const p = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    out[u] = { state: `${p.ActiveState}/${p.SubState}`, mainPid: Number(p.MainPID), activeEnter: Number(p.ActiveEnterTimestampMonotonic), inactiveEnter: Number(p.InactiveEnterTimestampMonotonic) };
  }
  return out;
}

async function replay(sc: (typeof SCENARIOS)[number]): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-engine-e2e-'));
  dirs.push(dir);
  buildTree(join(dir, 'units'), { files: sc.files, links: {} });
  const svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
  const result: Replay = { steps: [], after: {}, console: '' };
  try {
    await sleep(500);
    result.steps.push({ step: 'boot', rc: 0, stderr: '', units: await observe(svcd, sc.observe) });
    for (const [verb, unit] of sc.steps) {
      const r = verb === 'kill' ? await svcd.svcctl('kill', '-s', 'KILL', unit) : await svcd.svcctl(verb, unit);
      // As the recorder: let consequences no job waits for (OnFailure=, BindsTo= stops) settle.
      await sleep(500);
      result.steps.push({ step: `${verb} ${unit}`, rc: r.rc, stderr: r.stderr.trim(), units: await observe(svcd, sc.observe) });
    }
    for (const u of sc.observe) {
      const r = await svcd.svcctl('show', '-p', 'After,Before', u);
      result.after[u] = r.stdout.split('\n').flatMap((l) => l.slice(l.indexOf('=') + 1).split(' ')).filter(Boolean);
    }
  } finally {
    await svcd.stop();
    result.console = svcd.console();
  }
  return result;
}

beforeAll(async () => {
  // Four at a time: each scenario mostly waits (half a second after every step, as the recorder).
  const queue = [...SCENARIOS];
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let sc = queue.shift(); sc; sc = queue.shift()) replays.set(sc.name, await replay(sc));
  }));
}, 400000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * systemd reports a job conflict on whichever unit its hashmap visits first (two recordings of the
 * same tree named c.service once and d.service the next time): the unit is not part of the contract.
 */
const stable = (stderr: string) => stderr.replace(/conflicting jobs '\w+' and '\w+' for \S+\. /, "conflicting jobs '…' and '…' for …. ");

/** The units whose enter timestamps moved between two observations, as "unit active|inactive". */
function moved(prev: Record<string, Observed> | undefined, now: Record<string, Observed>): [number, string][] {
  const out: [number, string][] = [];
  for (const [u, o] of Object.entries(now)) {
    const b = prev?.[u];
    if (o.activeEnter && o.activeEnter !== b?.activeEnter) out.push([o.activeEnter, `${u} active`]);
    if (o.inactiveEnter && o.inactiveEnter !== b?.inactiveEnter) out.push([o.inactiveEnter, `${u} inactive`]);
    // systemd unloads an inactive unit nobody references: its timestamps read 0 again.
    if (b?.activeEnter && !o.activeEnter && !o.inactiveEnter) out.push([Number.MAX_SAFE_INTEGER, `${u} inactive`]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('svcd as PID 1, scenario %s, equals systemd 252', (name, sc) => {
  const theirs = recorded[name]!;
  it.each(theirs.map((s, i) => [s.step, i] as const))('%s', (_label, i) => {
    const r = replays.get(name)!;
    const ours = r.steps[i]!;
    const want = theirs[i]!;
    const context = `${want.step}\n${r.console}`;
    expect({ rc: ours.rc, stderr: stable(ours.stderr) }, context).toEqual({ rc: want.rc, stderr: stable(want.stderr) });
    expect(Object.fromEntries(Object.entries(ours.units).map(([u, o]) => [u, o.state])), context)
      .toEqual(Object.fromEntries(Object.entries(want.units).map(([u, o]) => [u, o.state])));
    if (i === 0) return;
    const [prevOurs, prevTheirs] = [r.steps[i - 1]!, theirs[i - 1]!];
    for (const u of sc.observe) {
      if (!want.units[u]!.mainPid || !prevTheirs.units[u]!.mainPid) continue;
      expect(ours.units[u]!.mainPid !== prevOurs.units[u]!.mainPid, `${u} main process replaced`)
        .toBe(want.units[u]!.mainPid !== prevTheirs.units[u]!.mainPid);
    }
    const movedTheirs = moved(prevTheirs.units, want.units).map(([, t]) => t);
    const movedOurs = moved(prevOurs.units, ours.units).map(([, t]) => t);
    expect([...movedOurs].sort(), `${want.step}: transitions`).toEqual([...movedTheirs].sort());
    for (let a = 0; a < movedTheirs.length; a++) {
      for (let b = a + 1; b < movedTheirs.length; b++) {
        const [ua, ub] = [movedTheirs[a]!.split(' ')[0]!, movedTheirs[b]!.split(' ')[0]!];
        if (ua === ub || !r.after[ua]?.includes(ub) && !r.after[ub]?.includes(ua)) continue;
        expect(movedOurs.indexOf(movedTheirs[a]!), `${movedTheirs[a]} before ${movedTheirs[b]}`).toBeLessThan(movedOurs.indexOf(movedTheirs[b]!));
      }
    }
  });
});
