#!/usr/bin/env node
// Socket activation, svcd beside real systemd 252 in the same run, each PID 1 of its own namespaces
// (svcd: PID + network; systemd: ../shared/tools/systemd-ns): the time from the first connection to
// an Accept=no socket until its service answers (the service started on demand), and connections
// per second through an Accept=yes socket (one service instance each), from a client in the
// manager's network namespace. `npm run build` first; root.
//   node bench/sockets.mjs [--connections N] [--runs R]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, takeOption } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');
const argv = process.argv.slice(2);
const connections = Number(takeOption(argv, '--connections', '200'));
const runs = Number(takeOption(argv, '--runs', '3'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tree() {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-bench-sockets-'));
  const units = join(dir, 'units');
  execFileSync('mkdir', ['-p', units]);
  // Accept=no: a Python server on fd 3 that answers each connection (started by the first one).
  writeFileSync(join(units, 'first.socket'), '[Socket]\nListenStream=127.0.0.1:18750\n');
  writeFileSync(join(units, 'first.service'), `[Service]\nExecStart=/usr/bin/python3 -c "import socket\\ns = socket.socket(fileno=3)\\nwhile True:\\n  c, _ = s.accept(); c.sendall(b'ok'); c.close()"\n`);
  writeFileSync(join(units, 'each.socket'), '[Socket]\nListenStream=127.0.0.1:18751\nAccept=yes\nMaxConnections=1000\n');
  writeFileSync(join(units, 'each@.service'), '[Service]\nExecStart=/bin/echo ok\nStandardOutput=socket\nStandardInput=socket\n');
  writeFileSync(join(units, 'x.target'), '[Unit]\nWants=first.socket each.socket\n');
  return { dir, units };
}

// The client, run inside the manager's network namespace: one timed first connection, then N in turn.
const CLIENT = `
const net = require('node:net');
const ask = (port) => new Promise((res, rej) => { const c = net.connect(port, '127.0.0.1'); let d = ''; c.on('data', (b) => (d += b)); c.on('end', () => res(d)); c.on('error', rej); });
(async () => {
  const t0 = process.hrtime.bigint(); const a = await ask(18750); const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const n = Number(process.argv[1]); const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { const r = await ask(18751); if (!r.startsWith('ok')) throw new Error('bad answer ' + r); }
  const s = Number(process.hrtime.bigint() - t1) / 1e9;
  console.log(JSON.stringify({ firstMs, first: a, perSecond: n / s }));
})().catch((e) => { console.error(e.message); process.exit(1); });`;

function client(pid) {
  const r = spawnSync('nsenter', ['-t', String(pid), '-n', '--', process.execPath, '-e', CLIENT, String(connections)], { encoding: 'utf8', timeout: 300000 });
  if (r.status !== 0) throw new Error(`client failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function svcdRun() {
  const { dir, units } = tree();
  const p = spawn('unshare', ['--pid', '--net', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${units}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d.toString()));
  for (let t = 0; t < 200 && !out.includes('Reached target x.target'); t++) await sleep(50);
  const pid = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
  try {
    return client(pid);
  } finally {
    spawnSync('kill', ['-TERM', String(pid)]);
    await new Promise((r) => p.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function systemdRun() {
  const { dir, units } = tree();
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), [units, 'x.target'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    return client(pid);
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = { svcd: [], systemd: [] };
for (let i = 0; i < runs; i++) {
  results.svcd.push(await svcdRun());
  if (existsSync(join(ns, 'systemd-ns.sh'))) results.systemd.push(systemdRun());
}
console.log(`socket activation, median of ${runs} runs, ${connections} Accept=yes connections each`);
console.log('manager   first connection → answer   Accept=yes connections/s');
for (const [name, rs] of Object.entries(results)) {
  if (rs.length === 0) continue;
  console.log(`${name.padEnd(9)} ${median(rs.map((r) => r.firstMs)).toFixed(1).padStart(10)} ms ${median(rs.map((r) => r.perSecond)).toFixed(0).padStart(26)}`);
}
