/**
 * systemd's pager (pager_open): on a terminal, a verb's output goes through $SYSTEMD_PAGER,
 * $PAGER or less, with LESS=FRSXMK unless $SYSTEMD_LESS says otherwise — so output that fits the
 * screen is simply printed (F) with its colours (R), and longer output can be scrolled.
 * SYSTEMD_PAGER=cat or an empty value, --no-pager, or a non-terminal stdout turn it off.
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';

export interface PagerIo {
  readonly stdout: Writable;
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function wantsPager(io: PagerIo, noPager: boolean | undefined): boolean {
  const p = io.env.SYSTEMD_PAGER;
  return io.isTTY && !noPager && !(p !== undefined && /^(cat|)$/.test(p));
}

/** Shows `text` through the pager; `end` starts at its end (journalctl -e). Falls back to stdout. */
export function page(text: string, io: PagerIo, end = false): Promise<void> {
  return new Promise((resolve) => {
    const pager = spawn(io.env.SYSTEMD_PAGER || io.env.PAGER || 'less', end ? ['+G'] : [], {
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { ...process.env, LESS: io.env.SYSTEMD_LESS ?? 'FRSXMK' },
    });
    pager.on('error', () => {
      io.stdout.write(text);
      resolve();
    });
    pager.on('exit', () => resolve());
    pager.stdin.on('error', () => {});
    pager.stdin.end(text);
  });
}

/** A stdout that keeps what is written, for the pager to show at the end. */
export class Collector extends Writable {
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
