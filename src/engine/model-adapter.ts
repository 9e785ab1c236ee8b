/**
 * From src/unit's loaded model to what the engine runs (EngineUnit): the graph's view plus the
 * service settings the engine's service kind acts on. The only engine file that knows the model.
 */
import { toGraphUnit } from '../graph/model-adapter.js';
import { USEC_INFINITY, type Usec } from '../shared/timespan.js';
import type { Unit } from '../unit/model.js';
import type { EngineUnit, ServiceSpec } from './unit-kind.js';

const SERVICE_TYPES: readonly string[] = ['simple', 'exec', 'oneshot', 'forking', 'notify', 'dbus', 'idle'];
const ms = (u: Usec | undefined): number | undefined => (u === undefined || u === 0n || u >= USEC_INFINITY ? undefined : Number(u / 1000n));

export function toEngineUnit(u: Unit): EngineUnit {
  const g = toGraphUnit(u);
  const s = u.service;
  const argv = (c: { path: string; argv: readonly string[] }) => [c.path, ...c.argv.slice(1)];
  const serviceSpec: ServiceSpec | undefined = s
    ? {
        type: (SERVICE_TYPES.includes(s.type) ? s.type : 'simple') as ServiceSpec['type'],
        execStart: s.execStart.map(argv),
        execReload: s.execReload.length > 0 ? s.execReload.map(argv) : undefined,
        remainAfterExit: s.remainAfterExit,
        timeoutStartMs: ms(s.timeoutStartUSec),
        timeoutStopMs: ms(s.timeoutStopUSec),
        successExitStatus: s.successExitStatus.status,
      }
    : undefined;
  return { ...g, description: u.unit.description, serviceSpec };
}
