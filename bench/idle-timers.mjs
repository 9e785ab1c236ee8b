#!/usr/bin/env node
// CPU used by N armed, idle timers (issue 16: "1,000 armed timers cost no CPU between elapses"):
// svcd as PID 1 of a fresh PID namespace, and beside it real systemd 252 booted by systemd-ns on the
// same tree in the same run, each left alone for S seconds once booted; the figure is the PID 1's
// user + system CPU time over that window (/proc/PID/stat), and its wakeups (voluntary context
// switches, /proc/PID/status). Timers: half OnCalendar= (hourly, at spread minutes), half
// OnUnitActiveSec=1h after an OnActiveSec=1h, none due within the window. `npm run build` first; root.
//   node bench/idle-timers.mjs [--timers N] [--seconds S (at most 150)] [--no-systemd]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const n = Number(takeOption(argv, '--timers', '1000'));
const seconds = Math.min(150, Number(takeOption(argv, '--seconds', '60')));
const withSystemd = !argv.includes('--no-systemd');
const ns = resolve(repo, '../shared/tools/systemd-ns');
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tree() {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-bench-timers-'));
  const units = join(dir, 'units');
  mkdirSync(join(units, 'multi-user.target.wants'), { recursive: true });
  const minute = new Date().getUTCMinutes();
  for (let i = 0; i < n; i++) {
    // Calendar ones at a minute at least 4 away from now: none fires inside a window under ~3 min.
    const when = i % 2 === 0 ? `OnCalendar=*-*-* *:${String((minute + 5 + (i % 50)) % 60).padStart(2, '0')}:00 UTC\n` : 'OnActiveSec=1h\nOnUnitActiveSec=1h\n';
    writeFileSync(join(units, `t${i}.timer`), `[Timer]\n${when}AccuracySec=1s\n`);
    writeFileSync(join(units, `t${i}.service`), '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    symlinkSync(`../t${i}.timer`, join(units, 'multi-user.target.wants', `t${i}.timer`));
  }
  return { dir, units };
}

/** utime + stime of a process in seconds, and its voluntary context switches (its wakeups). */
function cpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const wakeups = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { seconds: (Number(f[11]) + Number(f[12])) / TICKS, wakeups };
}

async function window(pid) {
  const a = cpu(pid);
  await sleep(seconds * 1000);
  const b = cpu(pid);
  return { cpuMs: Math.round((b.seconds - a.seconds) * 1000), wakeups: b.wakeups - a.wakeups };
}

async function svcd(units, dir) {
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${units}:${join(repo, 'units')}`, '--unit', 'multi-user.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'),
    '--journal-dir', join(dir, 'journal'), '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d.toString()));
  while (!out.includes('Reached target multi-user.target')) await sleep(100);
  const pid = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
  await sleep(2000);
  const waiting = spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', join(dir, 'run'), 'list-timers', '--no-legend'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
  const r = await window(pid);
  const exited = new Promise((done) => p.on('exit', done));
  spawn('kill', ['-TERM', String(pid)]);
  await exited;
  return { ...r, timersListed: waiting };
}

async function systemd(units) {
  const pid = spawnSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', units], { encoding: 'utf8' }).stdout.trim();
  await sleep(2000);
  const waiting = spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'list-timers', '--no-legend'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
  const r = await window(pid);
  spawnSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
  return { ...r, timersListed: waiting };
}

const { dir, units } = tree();
try {
  console.log(JSON.stringify({ init: 'svcd', timers: n, seconds, ...(await svcd(units, dir)) }));
  if (withSystemd && existsSync(join(ns, 'systemd-ns.sh'))) console.log(JSON.stringify({ init: 'systemd 252', timers: n, seconds, ...(await systemd(units)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
