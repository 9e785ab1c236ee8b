#!/usr/bin/env node
// Restart after kill -9, svcd alone: a Restart=always, RestartSec=0 service whose command stamps
// the time (`date +%s%N`) and execs `sleep`; svcd runs as PID 1 of a fresh PID namespace, as
// bin/svcd runs it. Each round kills the main process and waits for the next stamp. Prints the
// latency (kill → stamp: svcd's work, the spawn, then sh and date starting) and the CPU time of
// svcd's main thread per restart (/proc/PID/schedstat, ns), which a loaded machine disturbs far
// less than the latency. `npm run build` first; root.
//   node bench/restart.mjs [ROUNDS] [-- NODE_FLAGS...]   e.g. -- --cpu-prof --cpu-prof-dir=/tmp/prof
// --others N runs N more services beside it. SVCD_ENTRY=path/to/svcd.js times another build. --trace also takes the kernel's own times with
// `perf record` of the sched_process_exit and sched_process_exec tracepoints: from the killed
// process's death to the exec of its successor (svcd's whole path, the clone and the exec, but not
// sh and date starting), which is the figure the latency aims at. --cgroup starts svcd in a cgroup
// (v2) of its own, as a container with its own cgroup namespace has one: its units then get
// cgroups and no restart scans /proc (docs/container.md); without it svcd shares the host's.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, takeOption } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const trace = argv.includes('--trace') && Boolean(argv.splice(argv.indexOf('--trace'), 1));
const ownCgroup = argv.includes('--cgroup') && Boolean(argv.splice(argv.indexOf('--cgroup'), 1));
// --others N: N more `sleep` services running beside it, as in a container holding many.
const others = Number(takeOption(argv, '--others', '0'));
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
const otherNames = Array.from({ length: others }, (_, i) => `o${i}.service`);
for (const o of otherNames) writeFileSync(join(dir, o), '[Service]\nExecStart=/bin/sleep 1003\n');
writeFileSync(join(dir, 'ready.service'), `[Unit]\nAfter=r.service ${otherNames.join(' ')}\n[Service]\nType=oneshot\nExecStart=/bin/touch ${join(dir, 'ready')}\n`);
writeFileSync(join(dir, 'x.target'), `[Unit]\nWants=r.service ready.service ${otherNames.join(' ')}\n`);

/** Where cgroup2 is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host. */
const unified = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((d) => existsSync(join(d, 'cgroup.procs')));
const cgroup = ownCgroup ? join(unified ?? '/sys/fs/cgroup', `svcd-bench-${process.pid}`) : undefined;
if (cgroup) mkdirSync(cgroup);
// The same node flags as bin/svcd, then the caller's; with --cgroup, svcd's PID 1 moves itself
// into the new cgroup before it execs node (echo 0: the writer itself).
const svcd = [process.execPath, '--max-semi-space-size=1', ...nodeFlags, entry,
  '--unit-path', `${dir}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')];
const inCgroup = cgroup ? ['/bin/sh', '-c', `echo 0 > ${cgroup}/cgroup.procs && exec "$@"`, 'sh'] : [];
const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...inCgroup, ...svcd], { stdio: 'ignore', cwd: dir });
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
// Whether the restarting unit got a cgroup of its own (then no restart scans /proc).
const tracking = cgroup && existsSync(join(cgroup, 'system.slice', 'r.service')) ? 'cgroup' : 'session';
const cpuNs = () => Number(readFileSync(`/proc/${pid1}/schedstat`, 'utf8').split(' ')[0]);

await sleep(500);
const lat = [];
/** [killed pid, its successor's pid] of each round, for --trace. */
const pairs = [];
const traceFile = join(dir, 'perf.data');
const perf = trace ? spawn('perf', ['record', '-q', '-a', '-e', 'sched:sched_process_exit,sched:sched_process_exec', '-o', traceFile], { stdio: 'ignore' }) : undefined;
if (perf) await sleep(1000);
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
  // The successor runs sh and then execs sleep in the same process: its pid is the next main pid.
  let next = 0;
  for (let t = 0; t < 200 && !(next = mainPid()); t++) await sleep(5);
  pairs.push([pid, next]);
}
const cpuPerRestart = (cpuNs() - cpu0) / 1e6 / lat.length;
let deathToExec;
if (perf) {
  perf.kill('SIGINT');
  await new Promise((r) => perf.on('exit', r));
  const exits = new Map();
  const execs = new Map();
  for (const line of spawnSync('perf', ['script', '-i', traceFile], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n')) {
    const m = /\s(\d+\.\d+): sched:sched_process_(exit|exec): (.*)$/.exec(line);
    const pid = m && Number(/\bpid=(\d+)/.exec(m[3])?.[1]);
    if (!m || !pid) continue;
    const t = Number(m[1]) * 1000;
    if (m[2] === 'exit' && !exits.has(pid)) exits.set(pid, t);
    // The successor's first exec: sh.
    if (m[2] === 'exec' && !execs.has(pid)) execs.set(pid, t);
  }
  const d = pairs.filter(([k, n]) => exits.has(k) && execs.has(n)).map(([k, n]) => execs.get(n) - exits.get(k));
  const ds = [...d].sort((a, b) => a - b);
  if (d.length) deathToExec = { n: d.length, median: Number(median(d).toFixed(3)), p10: Number(ds[Math.floor(ds.length * 0.1)].toFixed(3)), p90: Number(ds[Math.floor(ds.length * 0.9)].toFixed(3)) };
}
process.kill(pid1, 'SIGTERM');
await Promise.race([exited, sleep(10000)]);
rmSync(dir, { recursive: true, force: true });
/** Empty cgroups go with rmdir, the deepest first. */
const removeCgroup = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(d, e.name));
  rmdirSync(d);
};
if (cgroup) removeCgroup(cgroup);
const sorted = [...lat].sort((a, b) => a - b);
console.log(JSON.stringify({
  date: new Date().toISOString(), rounds: lat.length,
  latencyMs: { median: Number(median(lat).toFixed(2)), p10: Number(sorted[Math.floor(sorted.length * 0.1)].toFixed(2)), p90: Number(sorted[Math.floor(sorted.length * 0.9)].toFixed(2)) },
  mainThreadCpuMsPerRestart: Number(cpuPerRestart.toFixed(3)), tracking,
  ...(deathToExec ? { deathToExecMs: deathToExec } : {}),
  load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
}));
