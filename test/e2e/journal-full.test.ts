// The journal on a full file system (issue 18 item 9): svcd (PID 1 of a PID+mount namespace) keeps
// its journal on a 5 MiB tmpfs of that namespace while a service floods numbered lines; the test
// fills the tmpfs, frees it again, and checks what journald does: lines are dropped while the disk
// is full (and said so, a bounded number of times, not once per line), the journal writes again once
// there is room, its first entry back counts what was dropped, and at every moment every file of the
// directory is one journalctl reads and verifies — none truncated, none left empty.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-jfull-'));
const run = join(dir, 'run');
const jdir = join(dir, 'journal');
const stop = join(dir, 'stop-flood');
buildTree(dir, {
  files: {
    // Numbered lines until told to stop, about a thousand a second: enough to fill the disk again
    // and again, few enough that the journal's 1 MiB (MaxUse= on 5 MiB) still holds the outage at the end.
    'units/flood.service': `[Service]\nExecStart=/bin/sh -c 'i=0; while [ ! -e ${stop} ]; do for j in 0 1 2 3 4 5 6 7 8 9; do echo "flood $$i"; i=$$((i+1)); done; sleep 0.01; done; echo "flood end $$i"; sleep 3600'\n`,
    'units/x.target': '[Unit]\nDescription=Test Target\nWants=flood.service\n',
    'none.conf': '',
  },
});
chmodSync(dir, 0o755);

let output = '';
let exitCode: number | null = null;
let svcdPid = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (pred: () => boolean, ms = 30000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await sleep(50);
  return pred();
};
const run_ = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
const svcctl = (...args: string[]) => run_(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args]);
/** The journal directory as svcd sees it: on the tmpfs of its mount namespace. */
const seen = () => join(`/proc/${svcdPid}/root`, jdir);
const journalFiles = () => readdirSync(seen()).filter((f) => f.endsWith('.journal') || f.endsWith('.journal~'));
const hasJournalctl = run_('journalctl', ['--version']).status === 0;

/**
 * Every file journalctl would read: verified one by one (`--file`), none empty or cut short. The
 * flood is paused first and svcd given time to drain its pipe, so no append is half done while
 * journalctl reads (a file read in the middle of an append may fail --verify, journald's as well).
 */
async function verifyAll(): Promise<{ file: string; size: number; rc: number | null; err: string }[]> {
  // The flood's shell on the host (svcctl would give its pid inside the namespace).
  const flood = run_('pgrep', ['-P', String(svcdPid), '-f', 'flood']).stdout.trim();
  if (!/^[0-9]+$/.test(flood)) throw new Error(`flood not found under svcd ${svcdPid}`);
  spawnSync('kill', ['-STOP', flood]);
  await sleep(500);
  try {
    return verifyFiles();
  } finally {
    spawnSync('kill', ['-CONT', flood]);
  }
}

function verifyFiles(): { file: string; size: number; rc: number | null; err: string }[] {
  const out: { file: string; size: number; rc: number | null; err: string }[] = [];
  const id = (path: string) => {
    try {
      const st = statSync(path);
      return `${st.ino}:${st.size}`;
    } catch {
      return undefined;
    }
  };
  for (const f of journalFiles()) {
    const path = join(seen(), f);
    // A file that changed under journalctl (system.journal rotated away and cut to its objects, a
    // rotated file vacuumed) is read again once it holds still: the files as they are are judged, not the race.
    for (let tries = 0; tries < 5; tries++) {
      const before = id(path);
      const r = run_('journalctl', ['--verify', '--file', path]);
      const after = id(path);
      if (after === undefined) break;
      if (before !== after && tries < 4) continue;
      out.push({ file: f, size: statSync(path).size, rc: r.status, err: r.stderr });
      break;
    }
  }
  return out;
}

const states: { phase: string; verified: ReturnType<typeof verifyFiles> }[] = [];

beforeAll(async () => {
  // The wrapper: a mount namespace of svcd's own with a 5 MiB tmpfs where its journal goes.
  const mountThenExec = `mkdir -p ${jdir} && mount -t tmpfs -o size=5m,mode=0755 tmpfs ${jdir} && exec "$@"`;
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'unshare', '--mount', 'sh', '-c', mountThenExec, 'sh',
    process.execPath, join(repo, 'dist/cli/svcd.js'), '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target',
    '--config', join(dir, 'none.conf'), '--runtime-dir', run, '--journal-dir', jdir], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (output += d.toString()));
  p.stderr.on('data', (d: Buffer) => (output += d.toString()));
  p.on('exit', (c) => (exitCode = c));
  await until(() => existsSync(join(run, 'control.sock')));
  svcdPid = Number(run_('pgrep', ['-P', String(p.pid)]).stdout.trim());
  if (!(svcdPid > 1)) throw new Error(`svcd not found: ${output}`);
  // The journal takes the flood before the disk fills.
  await until(() => /flood [0-9]{3}/.test(run_('journalctl', ['-D', seen(), '-u', 'flood', '-n', '1', '-o', 'cat']).stdout));
  states.push({ phase: 'writing', verified: await verifyAll() });

  // Fill the file system (dd stops at ENOSPC) and wait until svcd says it drops lines.
  run_('dd', ['if=/dev/zero', `of=${join(seen(), 'filler')}`, 'bs=64k']);
  await until(() => /journal: cannot write to/.test(output));
  // Stay full for a while, checking the files as they are.
  for (let i = 0; i < 3; i++) {
    await sleep(700);
    states.push({ phase: `full ${i}`, verified: await verifyAll() });
  }
  rmSync(join(seen(), 'filler'));
  await until(() => /journal: writing to .* again/.test(output));
  states.push({ phase: 'freed', verified: await verifyAll() });
  writeFileSync(stop, '');
  await until(() => /flood end [0-9]+/.test(output));
  // The flood's last line reached the journal too.
  await until(() => /flood end/.test(run_('journalctl', ['-D', seen(), '-u', 'flood', '-n', '1', '-o', 'cat']).stdout), 20000);
  states.push({ phase: 'after', verified: await verifyAll() });
}, 120000);

afterAll(async () => {
  if (exitCode === null) svcctl('exit');
  await until(() => exitCode !== null, 10000);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasJournalctl)('the journal on a full 5 MiB tmpfs', () => {
  it('writes there at all (limits sized from that file system, not from /)', () => {
    expect(states[0]!.verified.length).toBeGreaterThan(0);
    expect(output).not.toMatch(/journal disabled/);
  });

  it('leaves only files journalctl reads and verifies, at every moment: full, freed, after', () => {
    for (const s of states) {
      for (const v of s.verified) expect({ phase: s.phase, file: v.file, rc: v.rc, err: v.err, empty: v.size === 0 }).toEqual({ phase: s.phase, file: v.file, rc: 0, err: v.err, empty: false });
    }
    const all = run_('journalctl', ['-D', seen(), '--verify']);
    expect(all.status, all.stderr).toBe(0);
  });

  it('says it drops lines a bounded number of times, not once per line', () => {
    const said = output.split('\n').filter((l) => /^svcd: journal: /.test(l));
    // Vacuuming rotated files makes room again and again while the filler stays: each time the
    // disk fills anew is not said again within 10 s; the outage lasted about 2 s.
    expect(said.filter((l) => /cannot write to/.test(l))).toHaveLength(1);
    expect(said.filter((l) => /again/.test(l))).toHaveLength(1);
    expect(said.length).toBeLessThanOrEqual(3);
  });

  it('writes again once there is room; each entry saying so counts exactly the flood lines missing before it', () => {
    // Flood lines and the notes, in the journal's order.
    const all = run_('journalctl', ['-D', seen(), '-o', 'json', '--output-fields', 'MESSAGE,MESSAGE_ID,N_DROPPED,_PID']).stdout.trim().split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    const notes = all.filter((e) => e.MESSAGE_ID === 'a596d6fe7bfa4994828e72dfa46ed1e2');
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) {
      expect(n).toMatchObject({ _PID: '1' });
      expect(n.MESSAGE).toMatch(/ENOSPC/);
    }
    let prev: number | undefined;
    let pending: number | undefined;
    let dropped = 0;
    for (const e of all) {
      if (e.MESSAGE_ID === 'a596d6fe7bfa4994828e72dfa46ed1e2') {
        pending = (pending ?? 0) + Number(e.N_DROPPED);
        continue;
      }
      const m = /^flood ([0-9]+)$/.exec(e.MESSAGE ?? '');
      if (!m) continue;
      const n = Number(m[1]);
      // In order, none twice, and a gap only where a note says how many lines it holds.
      if (prev !== undefined) expect({ after: prev, next: n, noted: pending ?? 0 }).toEqual({ after: prev, next: n, noted: n - prev - 1 });
      if (pending !== undefined) dropped += pending;
      prev = n;
      pending = undefined;
    }
    // A note with no flood line after it is one the journal wrote while it still could not take the
    // flood (the note fit in the file's allocated tail of a still-full disk): its count reaches no gap.
    expect(pending, 'a note followed by no flood line').toBeUndefined();
    expect(dropped).toBeGreaterThan(0);
    // What came after the outage is all there, to the flood's end.
    expect(Number(/flood end ([0-9]+)/.exec(output)![1])).toBe(prev! + 1);
  });
});
