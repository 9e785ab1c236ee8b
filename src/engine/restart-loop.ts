/**
 * Units caught in a restart loop, which make the system degraded (for health checks) even while
 * their start limit is never hit: RestartSec=5s loops forever under the default 5 starts in 10 s.
 *
 * A unit's states here: out of the loop → in the loop (it entered auto-restart) → clearing (it is
 * active again; a timer of RESTART_LOOP_CLEAR_MS runs) → out of the loop once the timer fires. A
 * new auto-restart while clearing cancels the timer (back in the loop); a stop asked for (not the
 * automatic restart's own stop half) takes the unit out at once.
 */
import type { ActiveState, QueuedJobType } from './job.js';
import type { System, TimerHandle } from './system.js';

/** How long a unit restarted automatically must stay active to leave the loop (systemd's default StartLimitIntervalSec=). */
export const RESTART_LOOP_CLEAR_MS = 10_000;

export class RestartLoops {
  /** The units in a loop, with the timer that clears them once they stay up (undefined: not clearing). */
  private readonly loops = new Map<string, TimerHandle | undefined>();

  constructor(
    private readonly system: Pick<System, 'setTimer'>,
    /** Called when a unit leaves the loop by its timer (the system state may change). */
    private readonly cleared: () => void,
  ) {}

  /** How many units are in a loop now. */
  get size(): number {
    return this.loops.size;
  }

  /** A unit changed state; `job` is its installed job's type, asked only when it went inactive. */
  track(id: string, to: ActiveState, sub: string | undefined, job: () => QueuedJobType | undefined): void {
    const timer = this.loops.get(id);
    if (sub === 'auto-restart') {
      timer?.cancel();
      this.loops.set(id, undefined);
    } else if (this.loops.has(id) && to === 'active' && timer === undefined) {
      this.loops.set(id, this.system.setTimer(RESTART_LOOP_CLEAR_MS, () => {
        this.loops.delete(id);
        this.cleared();
      }));
    } else if (this.loops.has(id) && to === 'inactive') {
      // The automatic restart's own stop half passes through dead: still in the loop. A stop
      // asked for (svcctl stop, a dependency) ends it.
      const type = job();
      if (type === 'restart' || type === 'start') return;
      timer?.cancel();
      this.loops.delete(id);
    }
  }
}
