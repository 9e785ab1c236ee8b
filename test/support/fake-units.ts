/**
 * Unit definitions without files, for engine tests and simulations: a builder with systemd's
 * defaults, and the standard targets of systemd.special(7) with the dependencies their unit files
 * in systemd 252 state (the boot path sysinit → basic → multi-user, and shutdown).
 */
import type { ForwardKind } from '../../src/graph/atoms.js';
import { type GraphUnitType, missingUnit } from '../../src/graph/graph.js';
import type { EngineUnit, ServiceCommand, ServiceSpec } from '../../src/engine/unit-kind.js';

type CommandKeys = 'execCondition' | 'execStartPre' | 'execStart' | 'execStartPost' | 'execReload' | 'execStop' | 'execStopPost';
/** A service as tests write it: command lines as argv arrays ("-" before argv[0] ignores failure). */
export type FakeServiceInput = Partial<Omit<ServiceSpec, CommandKeys>> & { readonly [K in CommandKeys]?: readonly (readonly string[])[] };

export type FakeUnitInput = Partial<Omit<EngineUnit, 'id' | 'dependencies' | 'serviceSpec' | 'service'>> & {
  readonly deps?: Readonly<Partial<Record<ForwardKind, string | readonly string[]>>>;
  readonly service?: FakeServiceInput;
};

function command(argv: readonly string[]): ServiceCommand {
  const first = argv[0] ?? '';
  const ignoreFailure = first.startsWith('-');
  return { argv: ignoreFailure ? [first.slice(1), ...argv.slice(1)] : argv, ignoreFailure, privileged: false };
}

function fakeServiceSpec(id: string, input: FakeServiceInput = {}): ServiceSpec {
  const commands = (k: CommandKeys) => (input[k] ?? []).map(command);
  return {
    type: 'simple',
    remainAfterExit: false,
    ...input,
    execCondition: commands('execCondition'),
    execStartPre: commands('execStartPre'),
    execStart: (input.execStart ?? [[`/usr/bin/${id.replace(/\.service$/, '')}`]]).map(command),
    execStartPost: commands('execStartPost'),
    execReload: commands('execReload'),
    execStop: commands('execStop'),
    execStopPost: commands('execStopPost'),
  };
}

export function fakeUnit(id: string, input: FakeUnitInput = {}): EngineUnit {
  const type = (id.slice(id.lastIndexOf('.') + 1) as GraphUnitType);
  const dependencies: Partial<Record<ForwardKind, readonly string[]>> = {};
  for (const [k, v] of Object.entries(input.deps ?? {}) as [ForwardKind, string | readonly string[]][]) {
    dependencies[k] = typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v;
  }
  const { deps: _deps, service, ...rest } = input;
  const serviceSpec: ServiceSpec | undefined = type === 'service' ? fakeServiceSpec(id, service) : undefined;
  return {
    ...missingUnit(id, 'loaded'),
    type,
    onSuccessJobMode: 'fail',
    // As systemd does for slices: isolating must not stop them (and with them every unit inside).
    ignoreOnIsolate: type === 'slice',
    ...rest,
    id,
    names: input.names ?? [id],
    dependencies,
    serviceSpec,
    service: type === 'service' ? { type: serviceSpec!.type } : undefined,
    // Services here log nowhere and live in system.slice unless told otherwise.
    exec: type === 'service' ? input.exec ?? { logsToJournal: false } : input.exec,
  };
}

/**
 * The standard units a boot goes through (systemd.special(7)); default.target is multi-user's
 * alias. `multiUserWants` stands in for the multi-user.target.wants/ links of enabled units.
 */
export function standardUnits(multiUserWants: readonly string[] = []): EngineUnit[] {
  const noDefaults = { defaultDependencies: false } as const;
  return [
    fakeUnit('-.slice', { ...noDefaults }),
    fakeUnit('system.slice', { ...noDefaults }),
    fakeUnit('local-fs.target', { ...noDefaults, deps: { Conflicts: 'shutdown.target', Before: 'shutdown.target' } }),
    fakeUnit('sysinit.target', { ...noDefaults, deps: { Wants: 'local-fs.target', After: 'local-fs.target', Conflicts: 'emergency.target', Before: 'emergency.target' } }),
    fakeUnit('sockets.target', { ...noDefaults }),
    fakeUnit('timers.target', { ...noDefaults }),
    fakeUnit('paths.target', { ...noDefaults }),
    fakeUnit('slices.target', { ...noDefaults, deps: { Wants: '-.slice system.slice' } }),
    fakeUnit('basic.target', { deps: { Requires: 'sysinit.target', Wants: 'sockets.target timers.target paths.target slices.target', After: 'sysinit.target sockets.target paths.target slices.target' } }),
    fakeUnit('multi-user.target', { names: ['multi-user.target', 'default.target'], allowIsolate: true, deps: { Requires: 'basic.target', Wants: multiUserWants, Conflicts: 'rescue.target', After: 'basic.target rescue.target' } }),
    fakeUnit('rescue.target', { allowIsolate: true, deps: { Requires: 'sysinit.target', After: 'sysinit.target' } }),
    fakeUnit('emergency.target', { ...noDefaults, allowIsolate: true }),
    fakeUnit('shutdown.target', { ...noDefaults, refuseManualStart: true }),
  ];
}

/** A lookup over a list of units (aliases included); unknown names are not-found. */
export function fakeLookup(units: readonly EngineUnit[]): (name: string) => EngineUnit {
  const byName = new Map<string, EngineUnit>();
  for (const u of units) for (const n of [u.id, ...u.names]) byName.set(n, u);
  return (name) => byName.get(name) ?? (missingUnit(name) as EngineUnit);
}
