#!/usr/bin/env node
// Restart after kill -9, svcd alone: a Restart=always, RestartSec=0 service whose command stamps
// the time (`date +%s%N`) and execs `sleep`; svcd runs as PID 1 of a fresh PID namespace, as
// bin/svcd runs it. Each round kills the main process and waits for the next stamp. Prints the
// latency (kill → stamp: svcd's work, the spawn, then sh and date starting) and the CPU time of
// svcd's main thread per restart (/proc/PID/schedstat, ns), which a loaded machine disturbs far
// less than the latency. `npm run build` first; root.
//   node bench/restart.mjs [ROUNDS] [-- NODE_FLAGS...]   e.g. -- --cpu-prof --cpu-prof-dir=/tmp/prof
// SVCD_ENTRY=path/to/svcd.js times another build.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const nodeFlags = dash >= 0 ? argv.slice(dash + 1) : [];
const rounds = Number((dash >= 0 ? argv.slice(0, dash) : argv)[0] ?? 50);
const entry = process.env.SVCD_ENTRY ?? join(repo, 'dist/cli/svcd.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

const dir = mkdtempSync(join(tmpdir(), 'svcd-restart-'));
mkdirSync(join(dir, 'x.target.wants'));
const mark = join(dir, 'started');
writeFileSync(join(dir, 'run.sh'), `date +%s%N >> ${mark}; exec sleep 1001\n`);
writeFileSync(join(dir, 'r.service'), `[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sh ${join(dir, 'run.sh')}\nRestart=always\nRestartSec=0\n`);
writeFileSync(join(dir, 'ready.service'), `[Unit]\nAfter=r.service\n[Service]\nType=oneshot\nExecStart=/bin/touch ${join(dir, 'ready')}\n`);
writeFileSync(join(dir, 'x.target'), '[Unit]\nWants=r.service ready.service\n');

// The same node flags as bin/svcd, then the caller's.
const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, '--max-semi-space-size=1', ...nodeFlags, entry,
  '--unit-path', `${dir}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')],
{ stdio: 'ignore', cwd: dir });
const exited = new Promise((r) => p.on('exit', r));
for (let i = 0; i < 3000 && !existsSync(join(dir, 'ready')); i++) await sleep(10);
const pid1 = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
if (!pid1) throw new Error('svcd did not start');
const stamps = () => (existsSync(mark) ? readFileSync(mark, 'utf8').trim().split('\n') : []);
/** The service's main process: svcd's child running `sleep 1001` (found by parent, not by a name other runs share). */
const mainPid = () => {
  for (const c of spawnSync('pgrep', ['-P', String(pid1)], { encoding: 'utf8' }).stdout.trim().split('\n')) {
    try {
      if (readFileSync(`/proc/${c}/cmdline`, 'latin1') === 'sleep\x001001\x00') return Number(c);
    } catch { /* gone */ }
  }
  return 0;
};
const cpuNs = () => Number(readFileSync(`/proc/${pid1}/schedstat`, 'utf8').split(' ')[0]);

await sleep(500);
const lat = [];
const cpu0 = cpuNs();
for (let i = 0; i < rounds; i++) {
  await sleep(100);
  const before = stamps().length;
  let pid = 0;
  for (let t = 0; t < 200 && !(pid = mainPid()); t++) await sleep(5);
  if (!pid) break;
  const t0 = nowNs();
  process.kill(pid, 'SIGKILL');
  for (let t = 0; t < 2000 && stamps().length === before; t++) await sleep(1);
  const s = stamps();
  if (s.length > before) lat.push(Number(BigInt(s[s.length - 1]) - t0) / 1e6);
}
const cpuPerRestart = (cpuNs() - cpu0) / 1e6 / lat.length;
process.kill(pid1, 'SIGTERM');
await Promise.race([exited, sleep(10000)]);
rmSync(dir, { recursive: true, force: true });
const sorted = [...lat].sort((a, b) => a - b);
console.log(JSON.stringify({
  date: new Date().toISOString(), rounds: lat.length,
  latencyMs: { median: Number(median(lat).toFixed(2)), p10: Number(sorted[Math.floor(sorted.length * 0.1)].toFixed(2)), p90: Number(sorted[Math.floor(sorted.length * 0.9)].toFixed(2)) },
  mainThreadCpuMsPerRestart: Number(cpuPerRestart.toFixed(3)),
}));
