/**
 * Persistent= timers' stamp files (systemd keeps them in /var/lib/systemd/timers): one empty file
 * per timer, `stamp-NAME.timer`, whose modification time is when the timer last started its unit.
 * svcd keeps them in its state directory; a stamp survives svcd, so a run missed while svcd (or
 * the container) was down fires at the next boot.
 */
import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export class TimerStamps {
  constructor(private readonly dir: string) {}

  private path(unit: string): string {
    return join(this.dir, `stamp-${unit}`);
  }

  /** The stamp's time in realtime µs; undefined when there is none (or it cannot be read). */
  read(unit: string): bigint | undefined {
    try {
      return statSync(this.path(unit), { bigint: true }).mtimeNs / 1000n;
    } catch {
      return undefined;
    }
  }

  /** Creates the stamp if need be and sets its time; a failure is left to the caller's log. */
  write(unit: string, realtimeUs: bigint): void {
    const p = this.path(unit);
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    closeSync(openSync(p, 'a', 0o644));
    const seconds = Number(realtimeUs) / 1e6;
    utimesSync(p, seconds, seconds);
  }
}
