// The journal's retry on a full disk (issue 18 item 9): while the file system stays full, a retry
// does not end the outage just because the "entries dropped" note fits in the file's allocated
// tail; once there is room, one note counts every entry dropped. Run in a mount namespace of its
// own, on a 1 MiB tmpfs the test fills itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'svcd-jretry-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const dist = (p: string) => new URL(`../../dist/journal/${p}`, import.meta.url).pathname;

// The child: opens a journal directory on the tmpfs at argv[2], fills the disk, drops entries,
// retries while still full, frees the disk, retries again; prints what it saw as JSON.
const child = `
const { openSync, writeSync, closeSync, unlinkSync } = await import('node:fs');
const { JournalDirectory, RETRY_MS, readDirectory } = await import(${JSON.stringify(dist('directory.js'))});
const d = process.argv[2];
const jd = JournalDirectory.open({ dir: d + '/journal', machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', bootId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  limits: { maxFileSize: 512 * 1024, maxUse: 1 << 20 } });
let n = 0;
const ts = () => ({ realtime: Date.now() * 1000, monotonic: Math.round(performance.now() * 1000) });
// Big entries, so the one that finds the disk full leaves a tail the note fits in.
const big = () => jd.append([['MESSAGE', 'line ' + n++ + ' ' + 'x'.repeat(40000)]], ts());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 3; i++) big();
const fd = openSync(d + '/filler', 'w');
try { for (;;) writeSync(fd, Buffer.alloc(65536)); } catch {}
closeSync(fd);
while (!jd.dropping && n < 1000) big();
const droppedAtFull = jd.dropped;
await sleep(RETRY_MS + 100);
big();
const stillFull = jd.dropping;
unlinkSync(d + '/filler');
await sleep(RETRY_MS + 100);
big();
const back = !jd.dropping;
const notes = [...readDirectory(d + '/journal')].map((e) => Object.fromEntries(e.fields.map((f) => [f.name, f.value?.toString('utf8')])))
  .filter((f) => f.MESSAGE_ID === 'a596d6fe7bfa4994828e72dfa46ed1e2').map((f) => Number(f.N_DROPPED));
jd.close();
console.log(JSON.stringify({ droppedAtFull, stillFull, back, dropped: jd.dropped, notes }));
`;

describe('the journal directory on a full disk', () => {
  it('stays dropping while the disk is full, even when the note would fit; once there is room one note counts every drop', () => {
    const script = join(work, 'child.mjs');
    writeFileSync(script, child);
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', `d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && exec ${process.execPath} ${script} "$d"`],
      { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout) as { droppedAtFull: number; stillFull: boolean; back: boolean; dropped: number; notes: number[] };
    expect(seen.droppedAtFull).toBe(1);
    // The entry after RETRY_MS on a disk still full is dropped too, not written after a note.
    expect(seen.stillFull).toBe(true);
    expect(seen.back).toBe(true);
    expect(seen.dropped).toBe(2);
    // One note, after the disk has room: a retry that found the disk still full wrote none (before,
    // the note fit the file's tail, the journal counted as back, and the next entry began a new outage).
    expect(seen.notes).toEqual([2]);
  });
});
