#!/usr/bin/env node
// svcd side by side with its peers, each as PID 1 of a fresh PID namespace, in one run:
//   boot of N sleep services (10/100/1000) and a 100-long dependency chain, then SIGTERM → exit (svcd, dinit);
//   restart latency after kill -9 with no restart delay (svcd, dinit);
//   reaping a burst of 1000 orphans (svcd, dinit, tini, dumb-init).
//   memory (RSS) of the init at 1000 services (svcd, dinit).
// svcd runs as bin/svcd, with the node flags an image's entry point gives it.
// Readiness is the same for both: a last unit ordered after all the others touches a file, which
// the bench polls (dinit's console drops lines under a burst, so its output cannot be the signal).
// Peers are built from their own sources outside the repository into $SVCD_PEERS (default
// /work/peers/bin; docs/performance.md says how); a missing one is skipped and said so.
// `npm run build` first; root.
//   node bench/peers.mjs [--runs N] [--only boot,restart,reap,memory]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const peers = process.env.SVCD_PEERS ?? '/work/peers/bin';
const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const runs = Number(arg('--runs', '3')) || 3;
const only = new Set(arg('--only', 'boot,restart,reap,memory').split(','));
const bin = (n) => join(peers, n);
const have = (n) => existsSync(bin(n));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

function svcdTree(dir, n, chain, extra = {}) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const dep = chain && i > 0 ? `Requires=s${i - 1}.service\nAfter=s${i - 1}.service\n` : '';
    writeFileSync(join(dir, `s${i}.service`), `[Unit]\n${dep}[Service]\nExecStart=/bin/sleep 1000\n`);
  }
  // The chain's head wants every link too: dinit loads a dependency chain recursively and refuses
  // one deeper than its limit (s68 of 100), unless each link is already loaded by an earlier depends-on.
  const wants = Array.from({ length: n }, (_, i) => `s${i}.service`);
  for (const [name, text] of Object.entries(extra)) {
    writeFileSync(join(dir, name), text);
    wants.push(name);
  }
  writeFileSync(join(dir, 'mark.service'), `[Unit]\nAfter=${wants.join(' ')}\n[Service]\nType=oneshot\nExecStart=/bin/touch ${join(dir, 'ready')}\n`);
  writeFileSync(join(dir, 'x.target'), `[Unit]\nWants=${[...wants, 'mark.service'].join(' ')}\n`);
}

function dinitTree(dir, n, chain, extra = {}) {
  mkdirSync(dir, { recursive: true });
  const deps = [];
  for (let i = 0; i < n; i++) {
    const dep = chain && i > 0 ? `depends-on = s${i - 1}\n` : '';
    writeFileSync(join(dir, `s${i}`), `type = process\ncommand = /bin/sleep 1000\n${dep}`);
  }
  for (let i = 0; i < n; i++) deps.push(`s${i}`);
  for (const [name, text] of Object.entries(extra)) {
    writeFileSync(join(dir, name), text);
    deps.push(name);
  }
  writeFileSync(join(dir, 'boot'), `type = scripted\ncommand = /bin/touch ${join(dir, 'ready')}\n${deps.map((d) => `depends-on = ${d}\n`).join('')}`);
}

/** Starts a PID 1 in a fresh namespace; resolves when its last unit has touched DIR/ready. */
async function start(kind, dir) {
  const args = kind === 'svcd'
    ? [join(repo, 'bin/svcd'), '--unit-path', `${dir}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')]
    : [bin('dinit'), '-o', '-q', '-d', dir, '-p', join(dir, 'sock'), 'boot'];
  const t0 = process.hrtime.bigint();
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...args], { stdio: 'ignore' });
  const exited = new Promise((r) => p.on('exit', r));
  const ready = join(dir, 'ready');
  for (let i = 0; i < 60000 && !existsSync(ready); i++) await sleep(1);
  if (!existsSync(ready)) throw new Error(`${kind} did not finish booting ${dir}`);
  const bootMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { p, bootMs, exited, pid1: () => Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim()) };
}

async function stop(run) {
  const t1 = process.hrtime.bigint();
  const pid1 = run.pid1();
  // pgrep found nothing: the init is gone already; kill(0) would signal this process group.
  if (!pid1) throw new Error('the init exited before it was asked to stop');
  process.kill(pid1, 'SIGTERM');
  await Promise.race([run.exited, sleep(30000)]);
  return Number(process.hrtime.bigint() - t1) / 1e6;
}

async function bootBench() {
  const rows = [];
  for (const [n, chain] of [[10, false], [100, false], [1000, false], [100, true]]) {
    for (const kind of ['svcd', 'dinit']) {
      if (kind === 'dinit' && !have('dinit')) continue;
      const boots = [];
      const stops = [];
      for (let r = 0; r < runs; r++) {
        const dir = mkdtempSync(join(tmpdir(), `peers-${kind}-`));
        (kind === 'svcd' ? svcdTree : dinitTree)(dir, n, chain);
        const run = await start(kind, dir);
        boots.push(run.bootMs);
        stops.push(await stop(run));
        rmSync(dir, { recursive: true, force: true });
      }
      rows.push({ bench: 'boot', kind, services: n, shape: chain ? 'chain' : 'independent', bootMs: Math.round(median(boots)), stopMs: Math.round(median(stops)) });
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  }
  return rows;
}

async function restartBench() {
  const rows = [];
  for (const kind of ['svcd', 'dinit']) {
    if (kind === 'dinit' && !have('dinit')) continue;
    const dir = mkdtempSync(join(tmpdir(), `peers-restart-${kind}-`));
    const mark = join(dir, 'started');
    // A script file: dinit's command line has its own quoting, a unit file its own % specifiers.
    writeFileSync(join(dir, 'run.sh'), `date +%s%N >> ${mark}; exec sleep 1001\n`);
    const cmd = `/bin/sh ${join(dir, 'run.sh')}`;
    if (kind === 'svcd') svcdTree(dir, 0, false, { 'r.service': `[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=${cmd}\nRestart=always\nRestartSec=0\n` });
    else dinitTree(dir, 0, false, { r: `type = process\ncommand = ${cmd}\nrestart = true\nrestart-delay = 0\nrestart-limit-count = 0\n` });
    const run = await start(kind, dir);
    const lat = [];
    for (let i = 0; i < 20; i++) {
      await sleep(150);
      const lines = () => (existsSync(mark) ? readFileSync(mark, 'utf8').trim().split('\n') : []);
      const before = lines().length;
      const pid = Number(spawnSync('pgrep', ['-f', '-n', '^sleep 1001$'], { encoding: 'utf8' }).stdout.trim());
      if (!pid) break;
      const t0 = nowNs();
      process.kill(pid, 'SIGKILL');
      for (let t = 0; t < 2000 && lines().length === before; t++) await sleep(1);
      const l = lines();
      if (l.length > before) lat.push(Number(BigInt(l[l.length - 1]) - t0) / 1e6);
    }
    await stop(run);
    rmSync(dir, { recursive: true, force: true });
    rows.push({ bench: 'restart after kill -9', kind, samples: lat.length, medianMs: lat.length ? Number(median(lat).toFixed(2)) : null });
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
  return rows;
}

function zombiesOf(pid1) {
  let z = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const st = readFileSync(`/proc/${name}/stat`, 'latin1');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (f[0] === 'Z' && Number(f[1]) === pid1) z++;
    } catch { /* gone */ }
  }
  return z;
}

async function reapBench() {
  const rows = [];
  for (const kind of ['svcd', 'dinit', 'tini', 'dumb-init']) {
    if (kind !== 'svcd' && !have(kind)) {
      console.log(JSON.stringify({ bench: 'reap', kind, skipped: `not built (${bin(kind)})` }));
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), `peers-reap-${kind}-`));
    const mark = join(dir, 'done');
    // The burst times itself: 1000 subshells each leaving an orphan `sleep 0` to the init.
    writeFileSync(join(dir, 'burst.sh'), `s=$(date +%s%N); i=0; while [ $i -lt 1000 ]; do (sleep 0 &); i=$((i+1)); done; echo $s $(date +%s%N) > ${mark}.tmp; mv ${mark}.tmp ${mark}; exec sleep 1002\n`);
    let p;
    if (kind === 'svcd' || kind === 'dinit') {
      if (kind === 'svcd') svcdTree(dir, 0, false, { 'z.service': `[Service]\nExecStart=/bin/sh ${join(dir, 'burst.sh')}\n` });
      else dinitTree(dir, 0, false, { z: `type = process\ncommand = /bin/sh ${join(dir, 'burst.sh')}\n` });
      p = await start(kind, dir);
    } else {
      const c = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', bin(kind), '--', '/bin/sh', join(dir, 'burst.sh')], { stdio: 'ignore' });
      p = { p: c, exited: new Promise((r) => c.on('exit', r)), pid1: () => Number(spawnSync('pgrep', ['-P', String(c.pid)], { encoding: 'utf8' }).stdout.trim()) };
    }
    const t0 = Date.now();
    while (!existsSync(mark) && Date.now() - t0 < 30000) await sleep(5);
    const [bs, be] = readFileSync(mark, 'utf8').trim().split(' ').map(BigInt);
    const burstMs = Number((be - bs) / 1000000n);
    const pid1 = p.pid1();
    await sleep(1000);
    const left = zombiesOf(pid1);
    if (kind === 'svcd' || kind === 'dinit') await stop(p);
    else {
      if (pid1) process.kill(pid1, 'SIGKILL');
      await Promise.race([p.exited, sleep(5000)]);
    }
    rmSync(dir, { recursive: true, force: true });
    rows.push({ bench: 'reap 1000 orphans', kind, burstMs, zombiesAfter1s: left });
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
  return rows;
}

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function memoryBench() {
  const rows = [];
  for (const kind of ['svcd', 'dinit']) {
    if (kind === 'dinit' && !have('dinit')) continue;
    const sample = {};
    for (const n of [0, 1000]) {
      const dir = mkdtempSync(join(tmpdir(), `peers-mem-${kind}-`));
      (kind === 'svcd' ? svcdTree : dinitTree)(dir, n, false);
      const run = await start(kind, dir);
      await sleep(1000);
      sample[n] = rssKb(run.pid1());
      await stop(run);
      rmSync(dir, { recursive: true, force: true });
    }
    rows.push({ bench: 'memory', kind, rssIdleMiB: Number((sample[0] / 1024).toFixed(1)), rss1000MiB: Number((sample[1000] / 1024).toFixed(1)), perServiceKiB: Number(((sample[1000] - sample[0]) / 1000).toFixed(1)) });
    console.log(JSON.stringify(rows[rows.length - 1]));
  }
  return rows;
}

console.log(JSON.stringify({ machine: `${(await import('node:os')).cpus().length} cores`, node: process.version, date: new Date().toISOString(), runs }));
if (!have('dinit')) console.log(JSON.stringify({ note: `dinit not found in ${peers}` }));
if (only.has('boot')) await bootBench();
if (only.has('restart')) await restartBench();
if (only.has('reap')) await reapBench();
if (only.has('memory')) await memoryBench();
