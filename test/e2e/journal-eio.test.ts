// The journal on a failing disk (issue 18, fault injection): svcd runs with a preloaded shim
// (test/support/fault-fallocate.c) that makes posix_fallocate() — how the journal grows its files —
// fail with EIO while the test says so, under a flood of numbered lines. svcd must live on, drop
// and count lines only while the disk fails, say so a bounded number of times, write again once
// it works, and leave only files journalctl verifies; the entry that opens the journal again counts
// exactly the flood lines missing before it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { buildTree } from '../support/tree.mjs';

const dir = mkdtempSync(join(tmpdir(), 'svcd-jeio-'));
const trigger = join(dir, 'fail-fallocate');
const stop = join(dir, 'stop-flood');
const shim = join(dir, 'fault-fallocate.so');
const jdir = join(dir, 'journal');
buildTree(dir, {
  files: {
    'units/flood.service': `[Service]\nExecStart=/bin/sh -c 'i=0; while [ ! -e ${stop} ]; do for j in 0 1 2 3 4 5 6 7 8 9; do echo "flood $$i"; i=$$((i+1)); done; sleep 0.01; done; echo "flood end $$i"; exec sleep 3600'\n`,
    'units/x.target': '[Unit]\nWants=flood.service\n',
    // Small files grow in small steps: an allocation every fraction of a second under the flood.
    'svcd.conf': '[Journal]\nSystemMaxFileSize=512K\n',
  },
});
const haveTools = spawnSync('gcc', ['--version']).status === 0 && spawnSync('journalctl', ['--version']).status === 0;
const run_ = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 50) await sleep(50);
  return pred();
};

let svcd: SvcdInNamespace | undefined;
const flood = () => run_('journalctl', ['-D', jdir, '-u', 'flood', '-o', 'cat']).stdout;

beforeAll(async () => {
  if (!haveTools) return;
  const cc = run_('gcc', ['-shared', '-fPIC', '-O2', '-o', shim, join(__dirname, '../support/fault-fallocate.c'), '-ldl']);
  if (cc.status !== 0) throw new Error(cc.stderr);
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target', join(dir, 'svcd.conf'), ['env', `LD_PRELOAD=${shim}`, `SVCD_FAULT_FALLOCATE=${trigger}`]);
  await until(() => /flood [0-9]{4}/.test(flood()));
  writeFileSync(trigger, '5\n'); // EIO
  await until(() => /journal: cannot write to/.test(svcd!.console()));
  await sleep(3000);
  rmSync(trigger);
  await until(() => /journal: writing to .* again/.test(svcd!.console()));
  writeFileSync(stop, '');
  await until(() => /flood end/.test(flood()));
}, 90000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveTools)('the journal when the disk fails with EIO', () => {
  it('lives on, and says it drops lines once and that it writes again once', () => {
    expect(spawnSync('kill', ['-0', String(svcd!.hostPid)]).status).toBe(0);
    const said = svcd!.console().split('\n').filter((l) => /^svcd: journal: /.test(l));
    expect(said.filter((l) => /cannot write to .*EIO/.test(l))).toHaveLength(1);
    expect(said.filter((l) => /again/.test(l))).toHaveLength(1);
  });

  it('leaves only files journalctl verifies', () => {
    const r = run_('journalctl', ['-D', jdir, '--verify']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('loses only lines while the disk failed, each counted by the entry that follows the gap', () => {
    const all = run_('journalctl', ['-D', jdir, '-o', 'json', '--output-fields', 'MESSAGE,MESSAGE_ID,N_DROPPED']).stdout.trim().split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    let prev: number | undefined;
    let pending = 0;
    let dropped = 0;
    for (const e of all) {
      if (e.MESSAGE_ID === 'a596d6fe7bfa4994828e72dfa46ed1e2') {
        expect(e.MESSAGE).toMatch(/EIO/);
        pending += Number(e.N_DROPPED);
        continue;
      }
      const m = /^flood ([0-9]+)$/.exec(e.MESSAGE ?? '');
      if (!m) continue;
      const n = Number(m[1]);
      if (prev !== undefined) expect({ after: prev, next: n, noted: pending }).toEqual({ after: prev, next: n, noted: n - prev - 1 });
      dropped += pending;
      pending = 0;
      prev = n;
    }
    expect(dropped).toBeGreaterThan(0);
    expect(Number(/flood end ([0-9]+)/.exec(flood())![1])).toBe(prev! + 1);
  });
});
