// The probe-unit differential both test/e2e/seccomp.test.ts and sandbox-ns.test.ts run: each unit of
// FIXTURES/units runs the probe (test/fixtures/seccomp/probe.c) under one sandboxing setting with svcd
// as PID 1 of a PID namespace, and what the probe saw (errno per action, or its death part-way) and
// how the unit ended must be what the record script wrote under systemd 252 into FIXTURES/expected;
// where systemd-ns runs, the recording is made again live and compared too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from './svcd-ns.js';

const repo = join(__dirname, '../..');
// Where the units (as recorded under systemd) find the probe and write what it saw.
const probeDir = '/var/tmp/svcd-seccomp';
const nsScript = '/work/shared/tools/systemd-ns/systemd-ns.sh';
const SHOWN = 'Result,ExecMainCode,ExecMainStatus,ActiveState';
/** The sandboxing settings' properties the namespace units also compare (scripts/record-sandbox-ns-fixtures.sh reads this line). */
export const SANDBOX_PROPERTIES = 'CapabilityBoundingSet,ReadWritePaths,ReadOnlyPaths,InaccessiblePaths,ExecPaths,NoExecPaths,PrivateTmp,PrivateDevices,ProtectClock,ProtectKernelTunables,ProtectKernelModules,ProtectKernelLogs,ProtectControlGroups,PrivateNetwork,PrivateMounts,PrivateIPC,ProtectHome,ProtectSystem,LockPersonality,MemoryDenyWriteExecute,RestrictRealtime,RestrictSUIDSGID,BindPaths,BindReadOnlyPaths,TemporaryFileSystem,ProtectProc,ProcSubset,ProtectHostname,SystemCallArchitectures,RestrictAddressFamilies,RestrictNamespaces';
/** PrivateUsers=/DynamicUser= and what DynamicUser= implies (scripts/record-userns-fixtures.sh reads this line). */
export const USERNS_PROPERTIES = 'User,Group,DynamicUser,RemoveIPC,PrivateUsers,PrivateTmp,NoNewPrivileges,RestrictSUIDSGID,ProtectSystem,ProtectHome,StateDirectory,CacheDirectory,LogsDirectory';

/** What the probe printed, how the unit ended, and (where recorded) its sandboxing properties. */
interface Answer { out: string; show: string; props?: string }

export interface ProbeRun {
  readonly names: readonly string[];
  /** What each unit's probe printed and how the unit ended, under svcd. */
  readonly got: Map<string, Answer>;
  svcd(): SvcdInNamespace | undefined;
}

/**
 * The probe directory is one fixed path (the recorded units name it), shared by every file that runs
 * probe units: a file holds it from its setup to its end, or one file's setup would empty the other's
 * outputs and rebuild the probe under its running units. A holder that died leaves a stale lock,
 * taken over once its pid is gone.
 */
const lockDir = `${probeDir}.lock`;
async function lockProbeDir(): Promise<void> {
  for (let t = 0; ; t += 200) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch {
      const holder = Number(existsSync(join(lockDir, 'pid')) ? readFileSync(join(lockDir, 'pid'), 'utf8') : 0);
      const alive = holder > 0 && spawnSync('kill', ['-0', String(holder)]).status === 0;
      if (!alive && t >= 1000) rmSync(lockDir, { recursive: true, force: true });
      await sleep(200);
    }
  }
}
const unlockProbeDir = () => rmSync(lockDir, { recursive: true, force: true });

/** Starts the units and waits for their probes to have ended (no unit still active). */
async function runToEnd(s: SvcdInNamespace, units: readonly string[]): Promise<void> {
  // One svcctl at a time (two cores are shared by everyone running tests); a start returns once
  // the probe runs (Type=simple), so a unit seen inactive afterwards has ended.
  for (const n of units) await s.svcctl('start', `${n}.service`);
  for (let t = 0; t < 60000; t += 200) {
    const states = (await s.svcctl('show', '-p', 'ActiveState', '--value', ...units.map((n) => `${n}.service`))).stdout.split('\n').filter(Boolean);
    if (states.length === units.length && states.every((x) => x === 'inactive' || x === 'failed')) return;
    await sleep(200);
  }
}

/** Boots svcd with FIXTURES/units, runs them all, and declares the per-unit comparisons. */
export function probeDifferential(fixtures: string, recordScript: string, properties = SANDBOX_PROPERTIES): ProbeRun {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-probe-'));
  const names = readdirSync(join(fixtures, 'units')).filter((n) => n.endsWith('.service')).map((n) => n.slice(0, -'.service'.length)).sort();
  const got = new Map<string, Answer>();
  let svcd: SvcdInNamespace | undefined;
  const recorded = (at: string, n: string): Answer => {
    const props = join(at, `${n}.props`);
    return { out: readFileSync(join(at, `${n}.out`), 'utf8'), show: readFileSync(join(at, `${n}.show`), 'utf8'), ...(existsSync(props) ? { props: readFileSync(props, 'utf8') } : {}) };
  };
  const expected = (n: string) => recorded(join(fixtures, 'expected'), n);
  const readOut = (n: string) => (existsSync(join(probeDir, 'out', n)) ? readFileSync(join(probeDir, 'out', n), 'utf8') : '(no output)');

  beforeAll(async () => {
    await lockProbeDir();
    const setup = spawnSync(join(repo, 'test/fixtures/seccomp/setup.sh'), { encoding: 'utf8' });
    expect(setup.status, setup.stderr).toBe(0);
    svcd = await bootInNamespace(dir, join(fixtures, 'units'), 'basic.target');
    await runToEnd(svcd, names);
    for (const n of names) {
      const props = existsSync(join(fixtures, 'expected', `${n}.props`)) ? { props: (await svcd.svcctl('show', '-p', properties, `${n}.service`)).stdout } : {};
      got.set(n, { out: readOut(n), show: (await svcd.svcctl('show', '-p', SHOWN, `${n}.service`)).stdout, ...props });
    }
  }, 600000);
  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
    unlockProbeDir();
  }, 30000);

  describe('the service sees what it sees under systemd 252', () => {
    it.each(names)('%s', (n) => {
      expect(got.get(n), svcd?.console().split('\n').filter((l) => l.includes(n)).join('\n')).toEqual(expected(n));
    });
  });

  describe.runIf(existsSync(nsScript))('the recordings still hold under systemd 252 (systemd-ns)', () => {
    it('re-recorded live, every unit answers as recorded', () => {
      const live = join(dir, 'live');
      const r = spawnSync(join(repo, recordScript), [live], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const n of names) expect({ n, ...expected(n) }).toEqual({ n, ...recorded(live, n) });
    }, 120000);
  });
  return { names, got, svcd: () => svcd };
}
