#!/usr/bin/env node
// The D-Bus API's speed, svcd beside real systemd 252 booted on the same unit tree in the same run:
//  - the real `systemctl is-active` (a whole process: connect, authenticate, one property read),
//  - GetAll("") of a service over /run/systemd/private, per call, on one connection,
//  - the real `systemctl list-units --all` with N units loaded.
// svcd runs as PID 1 of a namespace with a /run of its own (--manager-bus); systemd with
// /work/shared/tools/systemd-ns (skipped where it cannot boot). `npm run build` first; root.
//   node bench/dbus.mjs [--units N] [--rounds R]      (default: 1000 units, 20 rounds)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, takeOption } from './common.mjs';
import { connectPeer } from '../scripts/dbus-peer-client.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';
const argv = process.argv.slice(2);
const units = Number(takeOption(argv, '--units', '1000'));
const rounds = Number(takeOption(argv, '--rounds', '20'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** N oneshot services that stay active (no process each), all wanted by x.target. */
function tree() {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-bench-dbus-'));
  mkdirSync(join(dir, 'x.target.wants'));
  for (let i = 0; i < units; i++) writeFileSync(join(dir, `s${i}.service`), '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n');
  writeFileSync(join(dir, 'x.target'), `[Unit]\nWants=${Array.from({ length: units }, (_, i) => `s${i}.service`).join(' ')}\n`);
  return dir;
}

async function bootSvcd(dir) {
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@" --manager-bus', 'sh',
    process.execPath, join(repo, 'dist/cli/svcd.js'), '--unit-path', `${dir}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent',
    '--runtime-dir', '/run/svcd', '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d.toString()));
  for (let t = 0; t < 600 && !out.includes('Reached target x.target'); t++) await sleep(100);
  const pid = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
  const exited = new Promise((r) => p.on('exit', r));
  return { pid, stop: () => { process.kill(pid, 'SIGTERM'); return exited; } };
}

function bootSystemd(dir) {
  if (!existsSync(join(tools, 'systemd-ns.sh'))) return undefined;
  const r = spawnSync(join(tools, 'systemd-ns.sh'), [dir, 'x.target'], { encoding: 'utf8', env: { ...process.env, SYSTEMD_NS_WAIT: '120' } });
  const pid = Number(r.stdout.trim());
  if (r.status !== 0 || !(pid > 1)) return undefined;
  return { pid, stop: () => spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', String(pid)]) };
}

/** The namespaces a command joins: svcd's mount and PID namespaces, or all of systemd-ns's. */
const NSENTER = { svcd: ['-m', '-p'], systemd: ['-m', '-p', '-u', '-i', '-n', '-C'] };

/** Wall time of a command run inside the manager's namespaces, in ms. */
function timed(name, pid, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('nsenter', ['-t', String(pid), ...NSENTER[name], '--', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, SYSTEMD_IGNORE_CHROOT: '1', SYSTEMD_PAGER: '' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

async function measure(name, pid) {
  const isActive = [];
  for (let i = 0; i < rounds; i++) isActive.push(timed(name, pid, ['systemctl', 'is-active', 's0.service']).ms);
  // From inside the namespace: systemd's private socket answers no peer from outside its PID namespace.
  const { getAllMs, nprops } = JSON.parse(timed(name, pid, [process.execPath, fileURLToPath(import.meta.url), '--getall', String(rounds * 10)]).out);
  const listUnits = [];
  let rows = 0;
  for (let i = 0; i < Math.max(3, rounds / 4); i++) {
    const r = timed(name, pid, ['systemctl', 'list-units', '--all', '--no-pager', '--no-legend', '--plain']);
    listUnits.push(r.ms);
    rows = r.out.split('\n').filter(Boolean).length;
  }
  const f = (a) => Number(median(a).toFixed(2));
  console.log(JSON.stringify({ manager: name, isActiveMs: f(isActive), getAllMs, getAllProperties: nprops, listUnitsMs: f(listUnits), listedUnits: rows }));
}

/** --getall N, run inside the namespace: N GetAll("") calls on one connection; prints their median. */
async function getAllInside(n) {
  const peer = await connectPeer('/run/systemd/private');
  const times = [];
  let nprops = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const m = await peer.call('/org/freedesktop/systemd1/unit/s0_2eservice', 'org.freedesktop.DBus.Properties', 'GetAll', 's', ['']);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (m.type !== peer.MessageType.methodReturn) throw new Error(`GetAll: ${m.errorName} ${m.body[0]}`);
    nprops = m.body[0].length;
  }
  peer.close();
  process.stdout.write(JSON.stringify({ getAllMs: Number(median(times).toFixed(2)), nprops }));
}

if (argv[0] === '--getall') {
  await getAllInside(Number(argv[1]));
  process.exit(0);
}

const dir = tree();
try {
  const svcd = await bootSvcd(dir);
  try {
    await measure('svcd', svcd.pid);
  } finally {
    await svcd.stop();
  }
  const systemd = bootSystemd(dir);
  if (systemd === undefined) console.log(JSON.stringify({ manager: 'systemd', skipped: 'systemd-ns cannot boot here' }));
  else {
    try {
      await measure('systemd', systemd.pid);
    } finally {
      systemd.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
