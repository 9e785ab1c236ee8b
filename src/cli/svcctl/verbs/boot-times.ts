/**
 * What `analyze time`, `blame` and `critical-chain` read from the running manager, as
 * systemd-analyze 252 reads it over D-Bus: the manager's *TimestampMonotonic= properties (through
 * `show`) and every unit's four state-change times (through `unit-times`), shifted as systemd shifts
 * them. svcd sets up no security module, which is how systemd-analyze tells a container: every time is
 * then counted from the userspace start, and firmware, loader, kernel and initrd are absent.
 */
import { call, ConnectionError, type Method, type Methods } from '../../../control/protocol.js';
import type { VerbContext } from '../context.js';
import { socketPath } from './online.js';

/** An error systemd-analyze reports and exits 1 with; `message` undefined: it says nothing (parse_sec's failure). */
export class AnalyzeError extends Error {
  constructor(readonly text: string | undefined) {
    super(text ?? 'failed');
  }
}

export async function rpc<M extends Method>(ctx: VerbContext, method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
  let r;
  try {
    r = await call(socketPath(ctx), method, params);
  } catch (e) {
    if (e instanceof ConnectionError) throw new AnalyzeError(e.message);
    throw e;
  }
  if (!r.ok) throw new AnalyzeError(r.error.message);
  return r.result;
}

/** Runs a verb body, turning an AnalyzeError into its message on stderr and exit status 1. */
export async function guarded(ctx: VerbContext, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof AnalyzeError)) throw e;
    if (e.text !== undefined) ctx.stderr.write(`${e.text}\n`);
    return 1;
  }
}

/** The manager's boot times in µs, counted from the userspace start (0: never). */
export interface BootTimes {
  /** Always 0 here (a container's times count from it); kept for the formulas systemd writes with it. */
  readonly userspace: bigint;
  readonly finish: bigint;
  readonly generatorsStart: bigint;
  readonly generatorsFinish: bigint;
  readonly unitsLoadStart: bigint;
  readonly unitsLoadFinish: bigint;
  /** The userspace start on CLOCK_MONOTONIC: what every unit time is shifted by. */
  readonly reverseOffset: bigint;
}

const MANAGER_TIMES = ['UserspaceTimestampMonotonic', 'FinishTimestampMonotonic', 'GeneratorsStartTimestampMonotonic', 'GeneratorsFinishTimestampMonotonic',
  'UnitsLoadStartTimestampMonotonic', 'UnitsLoadFinishTimestampMonotonic'] as const;

/** A value shifted to count from `offset`; 0 (never) stays 0. */
const shift = (v: bigint, offset: bigint): bigint => (v > 0n ? v - offset : 0n);

/** The unit's properties `names` as show prints them (values as text). */
export async function showProperties(ctx: VerbContext, unit: string | undefined, names: readonly string[]): Promise<Map<string, string>> {
  const r = await rpc(ctx, 'show', { unit, properties: [...names] });
  return new Map(r.properties);
}

export async function acquireBootTimes(ctx: VerbContext, requireFinished: boolean): Promise<BootTimes> {
  const p = await showProperties(ctx, undefined, MANAGER_TIMES);
  const get = (k: (typeof MANAGER_TIMES)[number]) => BigInt(p.get(k) ?? '0');
  const finish = get('FinishTimestampMonotonic');
  if (requireFinished && finish <= 0n) {
    throw new AnalyzeError(
      `Bootup is not yet finished (org.freedesktop.systemd1.Manager.FinishTimestampMonotonic=${finish}).\nPlease try again later.\nHint: Use 'svcctl list-jobs' to see active jobs`,
    );
  }
  const offset = get('UserspaceTimestampMonotonic');
  return {
    userspace: 0n,
    finish: shift(finish, offset),
    generatorsStart: shift(get('GeneratorsStartTimestampMonotonic'), offset),
    generatorsFinish: shift(get('GeneratorsFinishTimestampMonotonic'), offset),
    unitsLoadStart: shift(get('UnitsLoadStartTimestampMonotonic'), offset),
    unitsLoadFinish: shift(get('UnitsLoadFinishTimestampMonotonic'), offset),
    reverseOffset: offset,
  };
}

/** One unit's times, shifted like the boot's, and how long it took to start (or to fail). */
export interface UnitTimes {
  readonly id: string;
  readonly activating: bigint;
  readonly activated: bigint;
  readonly deactivating: bigint;
  readonly deactivated: bigint;
  /** activated − activating; for a unit that never came up, deactivated − activating; else 0. */
  readonly time: bigint;
  readonly after: readonly string[];
}

/** Every unit that ever left inactive, with its times (systemd's acquire_time_data). */
export async function acquireTimeData(ctx: VerbContext, requireFinished: boolean): Promise<{ boot: BootTimes; units: UnitTimes[] }> {
  const boot = await acquireBootTimes(ctx, requireFinished);
  const rows = await rpc(ctx, 'unit-times', {});
  const units: UnitTimes[] = [];
  for (const r of rows) {
    const activating = shift(BigInt(r.inactiveExit), boot.reverseOffset);
    if (activating === 0n) continue;
    const activated = shift(BigInt(r.activeEnter), boot.reverseOffset);
    const deactivating = shift(BigInt(r.activeExit), boot.reverseOffset);
    const deactivated = shift(BigInt(r.inactiveEnter), boot.reverseOffset);
    const time = activated >= activating ? activated - activating : deactivated >= activating ? deactivated - activating : 0n;
    units.push({ id: r.id, activating, activated, deactivating, deactivated, time, after: r.after });
  }
  return { boot, units };
}

/** systemd-analyze's answer to arguments a verb takes none of. */
export function noArguments(ctx: VerbContext): boolean {
  if (ctx.args.length === 0) return true;
  ctx.stderr.write('Too many arguments.\n');
  return false;
}
