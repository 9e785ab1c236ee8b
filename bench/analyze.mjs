#!/usr/bin/env node
// `svcctl analyze blame`, `critical-chain`, `plot`, `dot` and `dump` against svcd as PID 1 of a fresh
// PID namespace managing N oneshot services (default 1000) that each ran /bin/true, after After= on
// their predecessor in groups of ten: the wall time of each svcctl process (Node's start included),
// median of ROUNDS (default 5). `npm run build` first; root.
//   node bench/analyze.mjs [N] [--rounds R]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, takeOption } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const rounds = Number(takeOption(argv, '--rounds', '5'));
const n = Number(argv[0] ?? 1000);

const dir = mkdtempSync(join(tmpdir(), 'svcd-bench-analyze-'));
mkdirSync(join(dir, 'x.target.wants'));
for (let i = 0; i < n; i++) {
  const after = i % 10 ? `After=s${i - 1}.service\n` : '';
  writeFileSync(join(dir, `s${i}.service`), `[Unit]\n${after}[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n`);
}
writeFileSync(join(dir, 'x.target'), `[Unit]\nWants=${Array.from({ length: n }, (_, i) => `s${i}.service`).join(' ')}\n`);

const run = join(dir, 'run');
const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
  '--unit-path', `${dir}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', run, '--journal-dir', join(dir, 'journal')], { stdio: 'ignore' });
const svcctl = (...args) => execFileSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
try {
  // The boot is over once `analyze time` answers.
  for (let t = 0; ; t += 200) {
    try {
      svcctl('analyze', 'time');
      break;
    } catch {
      if (t > 120_000) throw new Error('the boot did not finish');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (const args of [['blame'], ['critical-chain'], ['plot'], ['dot'], ['dump']]) {
    const ms = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = process.hrtime.bigint();
      svcctl('analyze', ...args);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(JSON.stringify({ units: n, verb: args.join(' '), medianMs: Math.round(median(ms)), bestMs: Math.round(Math.min(...ms)) }));
  }
  const t0 = process.hrtime.bigint();
  execFileSync(process.execPath, ['-e', '0']);
  console.log(JSON.stringify({ node: 'start and exit', ms: Math.round(Number(process.hrtime.bigint() - t0) / 1e6) }));
} finally {
  spawn('pkill', ['-TERM', '-P', String(p.pid)]);
  await new Promise((r) => p.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
