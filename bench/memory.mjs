#!/usr/bin/env node
// Where svcd's memory goes with N running services: svcd boots N `sleep` services as PID 1 of a
// fresh PID namespace (as bin/svcd runs it, with its node flags), and once the boot is done and
// SETTLE seconds have passed the script prints one JSON line with PID 1's RSS and its breakdown from
// /proc/PID/smaps: the malloc heap, anonymous mappings (V8's heap, thread arenas), file pages
// (code, the journal file), plus the peak (VmHWM). `npm run build` first; root.
//   node bench/memory.mjs [N] [--settle S] [--snapshot DIR] [--restarts R] [-- NODE_FLAGS...]
// N defaults to 1000, S to 1 (the peers bench's moment). --snapshot writes a V8 heap snapshot of
// svcd into DIR (node's --heapsnapshot-signal=SIGUSR2) after the figures (and any restarts) are taken.
// --restarts R adds a service that exits at once and is restarted (Restart=always, RestartSec=0)
// beside the N, and after the figures prints svcd's RSS every R/10 of its cycles up to R: whether
// memory stays level over many restarts.
// SVCD_ENTRY=path/to/svcd.js measures another build. Interleave builds or flags for A/B.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const nodeFlags = dash >= 0 ? argv.splice(dash).slice(1) : [];
const settle = Number(takeOption(argv, '--settle', '1'));
const snapshotDir = takeOption(argv, '--snapshot', '');
const restarts = Number(takeOption(argv, '--restarts', '0'));
const n = Number(argv[0] ?? 1000);
const entry = process.env.SVCD_ENTRY ?? join(repo, 'dist/cli/svcd.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'svcd-memory-'));
mkdirSync(join(dir, 'x.target.wants'));
for (let i = 0; i < n; i++) writeFileSync(join(dir, `s${i}.service`), '[Service]\nExecStart=/bin/sleep 1000\n');
const wants = Array.from({ length: n }, (_, i) => `s${i}.service`);
writeFileSync(join(dir, 'ready.service'), `[Unit]\nAfter=${wants.join(' ')}\n[Service]\nType=oneshot\nExecStart=/bin/touch ${join(dir, 'ready')}\n`);
// Each cycle appends one byte to `cycles`: its size is the count.
const cycles = join(dir, 'cycles');
if (restarts) {
  writeFileSync(join(dir, 'r.service'), `[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sh -c 'printf x >> ${cycles}'\nRestart=always\nRestartSec=0\n`);
  wants.push('r.service');
}
writeFileSync(join(dir, 'x.target'), `[Unit]\nWants=${[...wants, 'ready.service'].join(' ')}\n`);

// bin/svcd's flags (its shebang line), then the caller's.
const binFlags = readFileSync(join(repo, 'bin/svcd'), 'utf8').split('\n')[0].split(/\s+/).filter((w) => w.startsWith('--'));
const snapFlags = snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : [];
const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, ...binFlags, ...snapFlags, ...nodeFlags, entry,
  '--unit-path', `${dir}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')],
{ stdio: 'ignore', cwd: dir });
const exited = new Promise((r) => p.on('exit', r));
const t0 = Date.now();
while (!existsSync(join(dir, 'ready')) && Date.now() - t0 < 120000) await sleep(5);
const bootMs = Date.now() - t0;
const pid1 = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
if (!pid1 || !existsSync(join(dir, 'ready'))) throw new Error('svcd did not boot');
await sleep(settle * 1000);

const kib = (re, text) => Number(re.exec(text)?.[1] ?? 0);
const mib = (k) => Number((k / 1024).toFixed(1));
/** PID 1's RSS, its peak and its RSS by kind of mapping (smaps), in MiB, with the load average. */
function figures() {
  const status = readFileSync(`/proc/${pid1}/status`, 'utf8');
  const parts = { mallocHeap: 0, anonymous: 0, journalFile: 0, otherFiles: 0 };
  let kind = 'otherFiles';
  for (const line of readFileSync(`/proc/${pid1}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1];
      kind = name === '[heap]' ? 'mallocHeap' : name === '' || name.startsWith('[') ? 'anonymous' : name.includes('/journal/') ? 'journalFile' : 'otherFiles';
    } else if (line.startsWith('Rss:')) parts[kind] += kib(/(\d+)/, line);
  }
  return {
    rssMiB: mib(kib(/VmRSS:\s+(\d+)/, status)), peakMiB: mib(kib(/VmHWM:\s+(\d+)/, status)),
    ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [`${k}MiB`, mib(v)])),
    load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}
console.log(JSON.stringify({ date: new Date().toISOString(), services: n, flags: [...binFlags, ...nodeFlags].join(' '), bootMs, ...figures() }));

if (restarts) {
  const done = () => (existsSync(cycles) ? statSync(cycles).size : 0);
  for (let next = restarts / 10; next <= restarts; next += restarts / 10) {
    while (done() < next) await sleep(50);
    console.log(JSON.stringify({ cycles: done(), ...figures() }));
  }
}
if (snapshotDir) {
  const before = new Set(readdirSync(snapshotDir));
  process.kill(pid1, 'SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const fresh = readdirSync(snapshotDir).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    // Written when svcd's size for it stops growing.
    if (fresh.length && i > 20) { console.log(JSON.stringify({ snapshot: join(snapshotDir, fresh[0]) })); break; }
  }
}
process.kill(pid1, 'SIGTERM');
await Promise.race([exited, sleep(30000)]);
rmSync(dir, { recursive: true, force: true });
