#!/usr/bin/env node
// Soak (issue 18): svcd as PID 1 of a fresh PID namespace runs for a while under everything at once
// — N idle services, a service that crashes and is restarted in a loop, a numbered log flood, and
// hostile control clients (crowds of idle connections, one that pipelines requests and never reads,
// garbage lines) — while svcd's RSS and fd count are sampled. At the end every flood line must be in
// the journal exactly once, and RSS and fds must be flat (end within a margin of the level reached
// after warm-up). Prints the samples and a JSON summary; exits 1 if a check fails. Root; `npm run build` first.
//   node bench/soak.mjs [--seconds 600] [--services 1000] [--rate 1000] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const seconds = Number(takeOption(argv, '--seconds', '600'));
const services = Number(takeOption(argv, '--services', '1000'));
// Flood lines a second (in bursts of ten every 10 ms at 1000).
const rate = Number(takeOption(argv, '--rate', '1000'));
const keep = argv.includes('--keep');
const WARMUP_S = Math.min(60, Math.floor(seconds / 5));
/** How much RSS may grow from the end of warm-up to the end (MiB), and fds (count). */
const RSS_MARGIN_MIB = 32;
const FD_MARGIN = 8;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'svcd-soak-'));
const units = join(dir, 'units');
const run = join(dir, 'run');
const stop = join(dir, 'stop-flood');
mkdirSync(join(units, 'x.target.wants'), { recursive: true });
for (let i = 0; i < services; i++) writeFileSync(join(units, `s${i}.service`), '[Service]\nExecStart=/bin/sleep infinity\n');
const burst = Math.max(1, Math.round(rate / 100));
writeFileSync(join(units, 'flood.service'), `[Service]\nExecStart=/bin/sh -c 'i=0; while [ ! -e ${stop} ]; do j=0; while [ $$j -lt ${burst} ]; do echo "flood $$i"; i=$$((i+1)); j=$$((j+1)); done; sleep 0.01; done; echo "flood end $$i"; exec sleep infinity'\n`);
writeFileSync(join(units, 'crash.service'), '[Unit]\nStartLimitIntervalSec=0\n[Service]\nRestart=always\nRestartSec=200ms\nExecStart=/bin/sh -c \'echo crashing; exit 3\'\n');
const wants = [...Array.from({ length: services }, (_, i) => `s${i}.service`), 'flood.service', 'crash.service'];
writeFileSync(join(units, 'x.target'), `[Unit]\nWants=${wants.join(' ')}\n`);

let output = '';
const svcd = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
  '--unit-path', `${units}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', run, '--journal-dir', join(dir, 'journal')],
{ stdio: ['ignore', 'pipe', 'pipe'] });
// Only the last part of the console is kept: a 10-minute flood is gigabytes of it.
const remember = (d) => (output = (output + d.toString()).slice(-1 << 20));
svcd.stdout.on('data', remember);
svcd.stderr.on('data', remember);
let exited = null;
svcd.on('exit', (c) => (exited = c));

const svcctl = (...args) => spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const sock = join(run, 'control.sock');
for (let t = 0; t < 30000 && !existsSync(sock); t += 100) await sleep(100);
const pid = Number(spawnSync('pgrep', ['-P', String(svcd.pid)], { encoding: 'utf8' }).stdout.trim());
if (!(pid > 1)) throw new Error(`svcd not found: ${output}`);
svcctl('is-system-running', '--wait');

const rssKiB = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const fds = () => readdirSync(`/proc/${pid}/fd`).length;

// ---- hostile clients ----
const clients = new Set();
const open = () => new Promise((done) => {
  const s = connect(sock);
  s.on('error', () => {});
  s.on('close', () => clients.delete(s));
  s.on('connect', () => done(s));
  s.on('error', () => done(s));
  clients.add(s);
});
const encode = (o) => `${JSON.stringify(o)}\n`;
let hostileRounds = 0;
async function hostileRound() {
  hostileRounds++;
  // A crowd of idle connections, dropped a little later (svcd's idle timeout may close them first).
  const idle = await Promise.all(Array.from({ length: 300 }, open));
  setTimeout(() => idle.forEach((s) => s.destroy()), 15000);
  // One that pipelines requests and never reads what comes back.
  const greedy = await open();
  greedy.pause();
  const line = encode({ v: 1, id: 1, method: 'manager-status', params: {} });
  for (let i = 0; i < 20000; i++) greedy.write(line);
  setTimeout(() => greedy.destroy(), 10000);
  // Garbage and half-valid requests, answered or refused, never fatal.
  for (const g of ['null\n', '{"v":1,"id":1,"method":"constructor"}\n', encode({ v: 1, id: 2, method: 'show', params: { unit: 5 } }), `${'x'.repeat(100000)}\n`, encode({ v: 1, id: 3, method: 'show', params: { unit: `${'a'.repeat(300)}.service` } })]) {
    const s = await open();
    s.end(g);
    setTimeout(() => s.destroy(), 2000);
  }
}

// ---- the run ----
const samples = [];
const t0 = Date.now();
let nextHostile = 0;
while (Date.now() - t0 < seconds * 1000 && exited === null) {
  const t = (Date.now() - t0) / 1000;
  if (t >= nextHostile) {
    await hostileRound();
    nextHostile = t + 5;
  }
  if (samples.length === 0 || t - samples[samples.length - 1].t >= 10) {
    const s = { t: Math.round(t), rssMiB: +(rssKiB() / 1024).toFixed(1), fds: fds(), clients: clients.size };
    samples.push(s);
    console.log(`${String(s.t).padStart(5)} s  RSS ${String(s.rssMiB).padStart(6)} MiB  fds ${String(s.fds).padStart(5)}  hostile sockets open ${s.clients}`);
  }
  await sleep(500);
}
for (const s of clients) s.destroy();
await sleep(2000);

// ---- accounting ----
writeFileSync(stop, '');
let last;
for (let t = 0; t < 30000 && !(last = /flood end (\d+)/.exec(output)); t += 200) await sleep(200);
const end = last ? Number(last[1]) : NaN;
let journal = '';
for (let t = 0; t < 30000; t += 500) {
  journal = svcctl('logs', '-u', 'flood.service', '-o', 'cat').stdout;
  if (journal.includes('flood end')) break;
  await sleep(500);
}
const seen = new Uint8Array(Number.isFinite(end) ? end : 0);
let duplicates = 0;
for (const l of journal.split('\n')) {
  const m = /^flood (\d+)$/.exec(l);
  if (!m) continue;
  const n = Number(m[1]);
  if (n < seen.length && seen[n]++) duplicates++;
}
const lost = seen.reduce((a, x) => a + (x === 0 ? 1 : 0), 0);
const restarts = Number(/NRestarts=(\d+)/.exec(svcctl('show', '-p', 'NRestarts', 'crash.service').stdout)?.[1] ?? NaN);
const running = svcctl('list-units', '--type', 'service', '--state', 'running', '--no-legend').stdout.trim().split('\n').filter(Boolean).length;

const warm = samples.find((s) => s.t >= WARMUP_S) ?? samples[0];
const lastSample = samples[samples.length - 1];
const summary = {
  seconds, services, rate, hostileRounds,
  alive: exited === null,
  floodLines: end, lost, duplicates, crashRestarts: restarts, servicesRunning: running,
  rssMiB: { warm: warm.rssMiB, end: lastSample.rssMiB, max: Math.max(...samples.map((s) => s.rssMiB)) },
  fds: { warm: warm.fds, end: lastSample.fds, max: Math.max(...samples.map((s) => s.fds)) },
};
const checks = {
  alive: summary.alive,
  'every flood line once': Number.isFinite(end) && lost === 0 && duplicates === 0,
  'RSS flat': lastSample.rssMiB - warm.rssMiB <= RSS_MARGIN_MIB,
  'fds flat': lastSample.fds - warm.fds <= FD_MARGIN,
  'services running': running >= services + 1,
};
console.log(JSON.stringify({ summary, checks }, null, 2));

svcctl('exit');
for (let t = 0; t < 20000 && exited === null; t += 100) await sleep(100);
svcd.kill('SIGKILL');
if (keep) console.log(`kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
