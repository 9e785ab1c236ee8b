/**
 * Writing a long listing (svcctl logs) as it is produced: lines are gathered into blocks of about
 * 64 KiB (one write(2) each, not one per line) and a block waits for the previous one to drain
 * when the reader is slower than we are, so memory stays that of one block however long the
 * listing. A reader that goes away (`svcctl logs | head -1`: EPIPE) ends the listing quietly, as
 * journalctl ends it.
 */
import type { Writable } from 'node:stream';

const BLOCK_CHARS = 1 << 16;

export type WriteEnd = 'done' | 'reader-gone';

/** What `out` can still take: 'closed' once it failed or was destroyed under us. */
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
 * Writes each line followed by "\n". Resolves with how many lines were written and whether the
 * reader went away first. The iterator is closed (its files released) either way.
 */
export async function writeLines(out: Writable, lines: Iterable<string>): Promise<{ count: number; end: WriteEnd }> {
  let gone = false;
  const onError = () => (gone = true);
  // Failed writes (EPIPE) are reported as 'error' events: seen here, never thrown at the user.
  out.on('error', onError);
  let count = 0;
  let block = '';
  const flush = async (): Promise<void> => {
    const text = block;
    block = '';
    if (gone || out.destroyed) {
      gone = true;
      return;
    }
    // A synchronous stdout (file, pipe or terminal on Linux) returns true or fails at once; an
    // asynchronous one (the pager's pipe) makes us wait for room.
    if (!out.write(text) && (await waitForRoom(out)) === 'closed') gone = true;
    if (out.destroyed) gone = true;
  };
  const it = lines[Symbol.iterator]();
  try {
    for (let r = it.next(); !r.done; r = it.next()) {
      block += `${r.value}\n`;
      count++;
      if (block.length >= BLOCK_CHARS) {
        await flush();
        if (gone) break;
      }
    }
    if (!gone && block) await flush();
  } finally {
    it.return?.();
    // A stream that failed keeps the listener: a later write to it must not throw either.
    if (!gone) out.off('error', onError);
  }
  return { count, end: gone ? 'reader-gone' : 'done' };
}
