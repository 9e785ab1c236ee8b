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

/** A running pager: what is written to `input` is shown; `closed` settles when the pager exits. */
export interface Pager {
  readonly input: Writable;
  readonly closed: Promise<void>;
}

/**
 * Starts the pager for output written as it is produced (`end`: start at its end, journalctl -e);
 * undefined when it cannot be started, and the caller writes to stdout itself.
 */
export function openPager(io: PagerIo, end = false): Promise<Pager | undefined> {
  const pager = spawn(io.env.SYSTEMD_PAGER || io.env.PAGER || 'less', end ? ['+G'] : [], {
    stdio: ['pipe', 'inherit', 'inherit'],
    env: { ...process.env, LESS: io.env.SYSTEMD_LESS ?? 'FRSXMK' },
  });
  const closed = new Promise<void>((resolve) => pager.on('close', () => resolve()));
  return new Promise((resolve) => {
    pager.on('error', () => resolve(undefined));
    pager.on('spawn', () => resolve({ input: pager.stdin, closed }));
  });
}

/** Shows `text` through the pager; `end` starts at its end (journalctl -e). Falls back to stdout. */
export async function page(text: string, io: PagerIo, end = false): Promise<void> {
  const pager = await openPager(io, end);
  if (!pager) {
    io.stdout.write(text);
    return;
  }
  // The user may quit before reading it all: what is left is dropped.
  pager.input.on('error', () => {});
  pager.input.end(text);
  await pager.closed;
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
