/**
 * Writing a long listing (svcctl logs) as it is produced: lines are gathered into blocks of 64 KiB
 * (one write(2) each, not one per line) and a block waits for the previous one to drain when the
 * reader is slower than we are, so memory stays that of one block however long the listing. A
 * reader that goes away (`svcctl logs | head -1`: EPIPE) ends the listing quietly, as journalctl
 * ends it.
 */
import type { Writable } from 'node:stream';

const BLOCK_BYTES = 1 << 16;

export type WriteEnd = 'done' | 'reader-gone';

/** Waits until `out` can take more: 'closed' once it failed or was destroyed under us. */
function waitForRoom(out: Writable): Promise<'room' | 'closed'> {
  if (out.destroyed) return Promise.resolve('closed');
  return new Promise((resolve) => {
    const settle = (how: 'room' | 'closed') => () => {
      out.off('drain', onDrain);
      out.off('error', onClosed);
      out.off('close', onClosed);
      resolve(how);
    };
    const onDrain = settle('room');
    const onClosed = settle('closed');
    out.on('drain', onDrain);
    out.on('error', onClosed);
    out.on('close', onClosed);
  });
}

/**
 * Writes each item as `format` gives it (text, or bytes as they are) followed by "\n". Resolves
 * with how many lines were written and whether the reader went away first. The iterator is
 * closed (its files released) either way.
 */
export async function writeLines<T>(out: Writable, items: Iterable<T>, format: (item: T) => string | Buffer): Promise<{ count: number; end: WriteEnd }> {
  let gone = false;
  const onError = () => (gone = true);
  // Failed writes (EPIPE) are reported as 'error' events: seen here, never thrown at the user.
  out.on('error', onError);
  let count = 0;
  // A block is handed to write() whole and never reused: an asynchronous stream may still hold it.
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  const send = async (chunk: Buffer): Promise<void> => {
    if (gone || out.destroyed) {
      gone = true;
      return;
    }
    // A synchronous stdout (file, pipe or terminal on Linux) returns true or fails at once; an
    // asynchronous one (the pager's pipe) makes us wait for room.
    if (!out.write(chunk) && (await waitForRoom(out)) === 'closed') gone = true;
    if (out.destroyed) gone = true;
  };
  const flush = async (): Promise<void> => {
    if (used === 0) return;
    const full = block.subarray(0, used);
    block = Buffer.allocUnsafe(BLOCK_BYTES);
    used = 0;
    await send(full);
  };
  const it = items[Symbol.iterator]();
  try {
    for (let r = it.next(); !r.done; r = it.next()) {
      const line = format(r.value);
      count++;
      // Room for the longest encoding of a string (3 bytes per UTF-16 unit) or the bytes, and "\n".
      const need = (typeof line === 'string' ? line.length * 3 : line.length) + 1;
      if (used + need > BLOCK_BYTES) {
        await flush();
        if (gone) break;
      }
      if (need > BLOCK_BYTES) {
        await send(Buffer.concat([typeof line === 'string' ? Buffer.from(line) : line, NEWLINE]));
        if (gone) break;
        continue;
      }
      used += typeof line === 'string' ? block.write(line, used) : line.copy(block, used);
      block[used++] = 0x0a;
    }
    if (!gone) await flush();
  } finally {
    it.return?.();
    // A stream that failed keeps the listener: a later write to it must not throw either.
    if (!gone) out.off('error', onError);
  }
  return { count, end: gone ? 'reader-gone' : 'done' };
}

const NEWLINE = Buffer.from('\n');
