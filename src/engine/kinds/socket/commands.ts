/**
 * A socket's ExecStartPre=/ExecStartPost=/ExecStopPre=/ExecStopPost= lines (socket_run_next): one
 * control process at a time, each phase ending in `done(ok)` — false once a line without "-"
 * failed, or the phase ran past TimeoutSec= (its process is killed). Runs are recorded as the
 * service kind records them, so show's ExecStartPre= reads the same.
 */
import { NEVER, withRun } from '../../api.js';
import type { ChildExitEvent } from '../../system.js';
import type { KindContext, ServiceCommand, UnitRuntime } from '../../unit-kind.js';
import { exitCodeName, exitCodeOf, statusText } from '../service/exec.js';

export interface CommandRun {
  readonly key: string;
  readonly queue: ServiceCommand[];
  index: number;
  current?: ServiceCommand;
  readonly done: (ok: boolean) => void;
}

interface WithRun {
  run?: CommandRun;
}

export function runCommands(u: UnitRuntime<WithRun>, ctx: KindContext, key: string, cmds: readonly ServiceCommand[], timeoutMs: number, done: (ok: boolean) => void): void {
  u.commands[key] = cmds.map((c) => ({ path: c.argv[0] ?? '', argv: c.source?.argv ?? c.argv, ignoreErrors: c.ignoreFailure }));
  u.state.run = { key, queue: [...cmds], index: -1, done };
  if (cmds.length > 0 && Number.isFinite(timeoutMs)) {
    ctx.stateTimer(u, timeoutMs, () => {
      ctx.log(u, `${key.replace(/^Exec/, '')} operation timed out. Terminating.`);
      if (u.controlPid > 0) ctx.kill(u, u.controlPid, 'SIGKILL');
      u.controlPid = 0;
      u.state.run = undefined;
      if (u.result === 'success') u.result = 'timeout';
      done(false);
    });
  }
  next(u, ctx);
}

function next(u: UnitRuntime<WithRun>, ctx: KindContext): void {
  const run = u.state.run;
  if (!run) return;
  const cmd = run.queue.shift();
  if (!cmd) {
    u.state.run = undefined;
    return run.done(true);
  }
  run.current = cmd;
  run.index++;
  const pid = ctx.spawn(u, cmd, { role: 'control', privileged: cmd.privileged });
  if (typeof pid === 'number') {
    u.controlPid = pid;
    const entry = u.commands[run.key]?.[run.index];
    if (entry) u.commands[run.key]![run.index] = withRun(entry, { pid, start: ctx.timestamp(), exit: NEVER, code: 0, status: 0 });
    return;
  }
  ctx.log(u, pid.message);
  controlExited(u, ctx, { pid: 0, code: pid.status, signal: 0 });
}

/** The control process of the running phase exited: the next line, or the phase's end. */
export function controlExited(u: UnitRuntime<WithRun>, ctx: KindContext, e: ChildExitEvent): void {
  const run = u.state.run;
  u.controlPid = 0;
  if (!run) return;
  const { code, status } = exitCodeOf(e);
  const entry = u.commands[run.key]?.[run.index];
  if (entry) u.commands[run.key]![run.index] = withRun(entry, { ...(entry.run ?? { pid: 0, start: ctx.timestamp() }), exit: ctx.timestamp(), code, status });
  const failed = e.signal !== 0 || e.code !== 0;
  if (failed && !run.current?.ignoreFailure) {
    ctx.log(u, `Control process exited, code=${exitCodeName(code)}, status=${statusText(code, status)}`);
    u.state.run = undefined;
    if (u.result === 'success') u.result = e.signal !== 0 ? (e.coreDumped ? 'core-dump' : 'signal') : 'exit-code';
    return run.done(false);
  }
  next(u, ctx);
}
