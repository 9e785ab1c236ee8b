/**
 * WatchdogSec= (systemd.service(5)): the watchdog runs beside the state timers in start-post,
 * running and reload only. It is a state timer re-armed, with what is left of its period, by
 * every entry into those states; WATCHDOG=1 starts a new period, WATCHDOG_USEC= replaces the
 * period for the run, and expiry stops the service with Result=watchdog.
 */
import { formatTimespan } from '../../../shared/timespan.js';
import type { KindContext } from '../../unit-kind.js';
import { enterSignal } from './kill.js';
import { spec, type ServiceSubState, type ServiceUnit } from './state.js';

/** States in which the watchdog runs (systemd's SERVICE_STATE_WITH_WATCHDOG). */
const WATCHDOG_STATES: ReadonlySet<string> = new Set<ServiceSubState>(['start-post', 'running', 'reload']);

/** WatchdogSec=, or what WATCHDOG_USEC= set for this run; undefined: no watchdog. */
export function watchdogPeriod(u: ServiceUnit): number | undefined {
  const ms = u.state.watchdogOverrideMs ?? spec(u).watchdogMs;
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** systemd's service_reset_watchdog: a new period starts now (start-post entry, WATCHDOG=1, WATCHDOG_USEC=). */
export function resetWatchdog(u: ServiceUnit, ctx: KindContext): void {
  const d = u.state;
  d.watchdogTimer?.cancel();
  d.watchdogTimer = undefined;
  const ms = watchdogPeriod(u);
  d.watchdogDeadline = ms === undefined ? undefined : ctx.now() + ms;
  if (ms !== undefined) armWatchdogTimer(u, ctx);
}

export function armWatchdogTimer(u: ServiceUnit, ctx: KindContext): void {
  const d = u.state;
  const ms = watchdogPeriod(u) ?? 0;
  d.watchdogTimer = ctx.stateTimer(u, Math.max(0, (d.watchdogDeadline ?? 0) - ctx.now()), () => {
    d.watchdogTimer = undefined;
    d.watchdogDeadline = undefined;
    ctx.log(u, `Watchdog timeout (limit ${formatTimespan(BigInt(Math.round(ms * 1000)), 1n)})!`);
    enterSignal(u, ctx, 'stop-watchdog', 'watchdog');
  });
}

/**
 * The watchdog's rule at every state change: kept, with what is left of its period, in the
 * watchdog states; stopped in any other (systemd's service_set_state).
 */
export function watchdogFollowsState(u: ServiceUnit, ctx: KindContext, state: ServiceSubState): void {
  const d = u.state;
  d.watchdogTimer = undefined;
  if (d.watchdogDeadline === undefined) return;
  if (WATCHDOG_STATES.has(state)) armWatchdogTimer(u, ctx);
  else d.watchdogDeadline = undefined;
}
