/**
 * Which pid a service may take as its main process when the service itself names it (MAINPID=,
 * PIDFile=), as systemd's service_is_suitable_main_pid: never the manager, the unit's control
 * process nor a pid that is not a live process; one of the unit's own processes always; any other only on root's word (a privileged
 * sender, a PID file root owns). Without this a service running as nobody could name another
 * unit's process, and svcd would signal that process when the service stops.
 */
import { NEVER } from '../../api.js';
import type { KindContext } from '../../unit-kind.js';
import { processesOf } from './kill.js';
import type { ServiceUnit } from './state.js';

/** own: one of the unit's processes; foreign: believable on root's word only; refused: never. */
export type MainPidSuitability = 'own' | 'foreign' | 'refused';

export function mainPidSuitability(u: ServiceUnit, ctx: KindContext, pid: number): MainPidSuitability {
  // svcd is PID 1 of its namespace, or a manager outside one: either is "the manager".
  if (pid === 1 || pid === process.pid) return refuse(u, ctx, pid, `New main PID ${pid} is the manager, refusing.`);
  if (pid === u.controlPid) return refuse(u, ctx, pid, `New main PID ${pid} is the control process, refusing.`);
  // A stale PID file (or a late MAINPID=) would make svcd wait on, and later signal, whatever takes the pid next.
  if (!ctx.isAlive(pid)) return refuse(u, ctx, pid, `New main PID ${pid} does not exist or is a zombie.`);
  return processesOf(u, ctx, true).includes(pid) ? 'own' : 'foreign';
}

/**
 * Logs why `pid` was not taken. A PID file is polled while the service starts: the same refusal
 * is told once per run, not at every poll.
 */
export function refuse(u: ServiceUnit, ctx: KindContext, pid: number, why: string): 'refused' {
  if (u.state.refusedMainPid !== pid) ctx.log(u, why);
  u.state.refusedMainPid = pid;
  return 'refused';
}

export function setMainPid(u: ServiceUnit, ctx: KindContext, pid: number): void {
  u.mainPid = pid;
  u.execMain = { pid, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 };
}
