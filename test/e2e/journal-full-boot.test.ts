// A full disk from the start (issue 18 item 9, "a full disk mid-boot"): svcd boots as PID 1 with its
// journal on a 5 MiB tmpfs that is already full, so not even the first journal file can be made. It
// must boot all the same, drop and count lines (not disable the journal for good), and once room
// comes back write again: the first entry says how many were dropped, every line after it is there,
// and every file passes journalctl --verify.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-jfullboot-'));
const jdir = join(dir, 'journal');
const stop = join(dir, 'stop-flood');
buildTree(dir, {
  files: {
    'units/flood.service': `[Service]\nExecStart=/bin/sh -c 'i=0; while [ ! -e ${stop} ]; do echo "flood $$i"; i=$$((i+1)); sleep 0.01; done; echo "flood end $$i"; exec sleep 3600'\n`,
    'units/x.target': '[Unit]\nWants=flood.service\n',
  },
});
const hasJournalctl = spawnSync('journalctl', ['--version']).status === 0;
const run_ = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await sleep(50);
  return pred();
};

let svcd: SvcdInNamespace | undefined;
/** The journal directory as svcd sees it, on the tmpfs of its mount namespace. */
const seen = () => join(`/proc/${svcd!.hostPid}/root`, jdir);
let bootedWhileFull = '';

beforeAll(async () => {
  if (!hasJournalctl) return;
  // A mount namespace of svcd's own, its journal directory a 5 MiB tmpfs filled before svcd starts.
  const fullThenExec = `mkdir -p ${jdir} && mount -t tmpfs -o size=5m,mode=0755 tmpfs ${jdir} && { dd if=/dev/zero of=${jdir}/filler bs=64k 2>/dev/null; exec "$@"; }`;
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', '/nonexistent', ['unshare', '--mount', 'sh', '-c', fullThenExec, 'sh']);
  bootedWhileFull = (await svcd.svcctl('is-system-running')).stdout.trim();
  await sleep(1500);
  rmSync(join(seen(), 'filler'));
  await until(() => /journal: writing to .* again/.test(svcd!.console()));
  await sleep(1000);
  writeFileSync(stop, '');
  await until(() => /flood end/.test(run_('journalctl', ['-D', seen(), '-u', 'flood', '-n', '1', '-o', 'cat']).stdout));
}, 90000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasJournalctl)('booting with the journal on a full disk', () => {
  it('boots, says once that it drops lines, and never that the journal is disabled', () => {
    expect(bootedWhileFull).toBe('running');
    const said = svcd!.console().split('\n').filter((l) => /^svcd: journal/.test(l));
    expect(said.filter((l) => /cannot write to/.test(l))).toHaveLength(1);
    expect(said.filter((l) => /again/.test(l))).toHaveLength(1);
    expect(svcd!.console()).not.toMatch(/journal disabled|is closed/);
  });

  it('writes again once there is room: a note counting the dropped lines, then every line to the end', () => {
    const all = run_('journalctl', ['-D', seen(), '-o', 'json', '--output-fields', 'MESSAGE,MESSAGE_ID,N_DROPPED']).stdout.trim().split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    const note = all.findIndex((e) => e.MESSAGE_ID === 'a596d6fe7bfa4994828e72dfa46ed1e2');
    expect(note).toBe(0);
    const flood = all.slice(1).map((e) => /^flood ([0-9]+)$/.exec(e.MESSAGE ?? '')?.[1]).filter((n) => n !== undefined).map(Number);
    expect(flood.length).toBeGreaterThan(0);
    // The lines before the first one kept were dropped, and counted (with svcd's own boot messages).
    expect(Number(all[0]!.N_DROPPED)).toBeGreaterThanOrEqual(flood[0]!);
    expect(flood).toEqual(Array.from({ length: flood.length }, (_, i) => flood[0]! + i));
    const end = /flood end ([0-9]+)/.exec(run_('journalctl', ['-D', seen(), '-u', 'flood', '-n', '1', '-o', 'cat']).stdout);
    expect(Number(end![1])).toBe(flood[flood.length - 1]! + 1);
  });

  it('leaves only files journalctl verifies, none empty', () => {
    const r = run_('journalctl', ['-D', seen(), '--verify']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/truncated/);
  });
});
