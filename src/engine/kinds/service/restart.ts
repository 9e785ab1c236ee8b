/**
 * Restart=, the restart conditions and the start limit (systemd's service_shall_restart,
 * service_enter_restart and unit_test_start_limit).
 */
import type { KindContext, RestartPolicy } from '../../unit-kind.js';
import { enterDead } from './transitions.js';
import { setState, spec, type ServiceUnit } from './state.js';

/** systemd's service_shall_restart. */
export function shallRestart(u: ServiceUnit): boolean {
  const s = spec(u);
  const d = u.state;
  if (d.forbidRestart) return false;
  const { code, status } = u.execMain;
  const matches = (codes?: readonly number[], signals?: readonly number[]) =>
    (code === 1 && (codes ?? []).includes(status)) || ((code === 2 || code === 3) && (signals ?? []).includes(status));
  if (matches(s.restartPreventExitStatus, s.restartPreventExitSignals)) return false;
  if (matches(s.restartForceExitStatus, s.restartForceExitSignals)) return true;
  const r = u.result;
  const policy: RestartPolicy = s.restart ?? 'no';
  switch (policy) {
    case 'no': return false;
    case 'always': return r !== 'exec-condition';
    case 'on-success': return r === 'success';
    case 'on-failure': return r !== 'success' && r !== 'exec-condition';
    case 'on-abnormal': return r !== 'success' && r !== 'exit-code' && r !== 'exec-condition';
    case 'on-watchdog': return r === 'watchdog';
    case 'on-abort': return r === 'signal' || r === 'core-dump';
  }
}

/** auto-restart: after RestartSec=, a restart job is asked of the engine (NRestarts= counts it). */
export function enterAutoRestart(u: ServiceUnit, ctx: KindContext): void {
  setState(u, ctx, 'auto-restart');
  const delay = spec(u).restartMs ?? ctx.defaults.restartMs;
  const schedule = () => {
    u.state.autoRestart = true;
    u.nRestarts++;
    ctx.log(u, `Scheduled restart job, restart counter is at ${u.nRestarts}.`);
    ctx.requestJob(u, 'restart', 'replace');
  };
  if (delay > 0 && Number.isFinite(delay)) ctx.stateTimer(u, delay, schedule);
  else schedule();
}

/**
 * The start limit counts every start, automatic restarts included: true (and the unit is failed
 * with start-limit-hit) when this start is one too many within StartLimitIntervalSec=.
 */
export function startLimitHit(u: ServiceUnit, ctx: KindContext): boolean {
  const s = spec(u);
  const d = u.state;
  const now = ctx.now();
  const interval = s.startLimitIntervalMs ?? ctx.defaults.startLimitIntervalMs;
  const burst = s.startLimitBurst ?? ctx.defaults.startLimitBurst;
  if (interval <= 0 || burst <= 0) return false;
  d.startTimes = d.startTimes.filter((t) => now - t < interval);
  if (d.startTimes.length >= burst) {
    ctx.log(u, 'Start request repeated too quickly.');
    u.startLimitHit = true;
    // The check comes before the run's reset (systemd's unit_start → service_start): a unit that
    // failed keeps its earlier Result= (exit-code …); only a clean one shows start-limit-hit.
    enterDead(u, ctx, 'start-limit-hit', false);
    return true;
  }
  d.startTimes = d.startTimes.concat(now); // the exact length, as d.leaders
  u.startLimitHit = false;
  return false;
}
