// One program printing N lines of 100 bytes as fast as it can (mawk, default 1,000,000), timed in one
// run side by side, each from the program's first instruction (a stamp its wrapper writes) to the last
// line stored where the logger keeps it:
//   file      the same program with stdout on a plain file (the physical limit)
//   dinit     dinit as PID 1 of a PID namespace, a scripted service's `logfile =` (skipped without /work/peers/bin/dinit)
//   s6-log    an s6 supervision tree (Debian's s6: s6-svscan as PID 1 of a PID namespace, the program as a
//             service, `s6-log -b n20 s99999999 T LOGDIR` as its log service), the lines in the logdir's
//             files (ISO 8601 stamps, one rotation at 100 MB; skipped without /usr/bin/s6-svscan)
//   supervisord  supervisord -n (Debian's supervisor) as PID 1 of a PID namespace, one [program:] with
//             stdout_logfile=FILE and no rotation (stdout_logfile_maxbytes=0; skipped without /usr/bin/supervisord)
//   svcd      svcd as PID 1 of a PID namespace, the service's stdout captured into the journal file format
//   journald  real systemd 252 + systemd-journald in /work/shared/tools/systemd-ns (--journald),
//             LogRateLimitIntervalSec=0 on the unit so nothing is dropped (skipped without the tool)
// then the latency of `svcctl logs -f` from a line's write (a timestamp in it) to its display.
// The plain-text stores (file, dinit, s6-log, supervisord) are then read back: `lines` is how many of the
// program's lines they hold in order from the first, `ok` whether that is all N and nothing else.
// Usage: node bench/journal-throughput.mjs [N] [--runs R] [--only file,dinit,s6-log,supervisord,svcd,journald,follow]
// (after `npm run build`; root: namespaces). Prints one JSON line per result and a summary table.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { tailDirectory } from '../dist/journal/directory.js';
import { median, takeOption } from './common.mjs';

const repo = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => takeOption(argv, name, dflt);
const runs = Number(opt('--runs', '3'));
const only = opt('--only', 'file,dinit,s6-log,supervisord,svcd,journald,follow').split(',');
const N = Number(argv[0] ?? 1_000_000);
const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 91);
const LAST = `${String(N - 1).padStart(7, '0')} ${PAD}`;
const DINIT = '/work/peers/bin/dinit';
const NS = '/work/shared/tools/systemd-ns';
const S6_SVSCAN = '/usr/bin/s6-svscan';
const SUPERVISORD = '/usr/bin/supervisord';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

/** The program, behind a wrapper that stamps its start (date +%s%N) into DIR/start. */
function writeFlood(dir) {
  const awk = `BEGIN { for (i = 0; i < ${N}; i++) printf "%07d ${PAD}\\n", i }`;
  writeFileSync(join(dir, 'flood.awk'), awk);
  writeFileSync(join(dir, 'flood.sh'), `#!/bin/sh\ndate +%s%N >> ${join(dir, 'start')}\nexec /usr/bin/mawk -f ${join(dir, 'flood.awk')}\n`);
  chmodSync(join(dir, 'flood.sh'), 0o755);
  chmodSync(dir, 0o755);
}
// The first stamp: a supervisor that restarted the program would append more (and fail the line check).
const started = (dir) => BigInt(readFileSync(join(dir, 'start'), 'utf8').split('\n')[0].trim());

async function poll(done, ms = 600000, every = 20) {
  for (let t = 0; t < ms; t += every) {
    if (done()) return true;
    await sleep(every);
  }
  return false;
}

/**
 * The program's lines in FILES (read in that order), each after PREFIX bytes of the logger's own (its
 * timestamp): how many match from the first on, and whether that is exactly the N lines, nothing after.
 */
function inOrder(files, prefix = 0) {
  let lines = 0;
  let extra = false;
  for (const f of files) {
    const b = readFileSync(f);
    for (let at = 0; at < b.length; ) {
      const nl = b.indexOf(10, at);
      const end = nl < 0 ? b.length : nl;
      const want = `${String(lines).padStart(7, '0')} ${PAD}`;
      if (lines >= N || end - at !== prefix + want.length || b.toString('latin1', at + prefix, end) !== want) {
        extra = true;
        break;
      }
      lines++;
      at = end + 1;
    }
    if (extra) break;
  }
  return { lines, ok: lines === N && !extra };
}

/** Whether FILE ends with the program's last line (only its tail is read: this runs every few ms). */
function endsWithLast(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const want = Buffer.from(`${LAST}\n`, 'latin1');
    const size = fstatSync(fd).size;
    if (size < want.length) return false;
    const tail = Buffer.alloc(want.length);
    readSync(fd, tail, 0, want.length, size - want.length);
    return tail.equals(want);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
const mtimeNs = (file) => statSync(file, { bigint: true }).mtimeNs;
const exited = (p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.on('exit', r)));

/**
 * Ends a run in a PID namespace (SIGKILL to unshare: --kill-child takes its PID 1, and with it everything
 * in the namespace), then reads back STORE (the log file, or the logdir whose FILES() hold the lines, each
 * after PREFIX bytes) and removes the run's directory.
 */
async function readBack(p, dir, store, files = () => [store], prefix = 0) {
  p.kill('SIGKILL');
  await exited(p);
  const there = existsSync(store);
  const res = { bytes: there ? duOnDisk(store) : 0, ...(there ? inOrder(files(), prefix) : { lines: 0, ok: false }) };
  rmSync(dir, { recursive: true, force: true });
  return res;
}

async function plainFile() {
  const dir = mkdtempSync(join(tmpdir(), 'jt-file-'));
  writeFlood(dir);
  spawnSync('sh', ['-c', `${join(dir, 'flood.sh')} > ${join(dir, 'out.log')}`]);
  const end = BigInt(Math.round(statSync(join(dir, 'out.log')).mtimeMs * 1e6));
  const s = Number(end - started(dir)) / 1e9;
  const bytes = statSync(join(dir, 'out.log')).size;
  const check = inOrder([join(dir, 'out.log')]);
  rmSync(dir, { recursive: true, force: true });
  return { s, bytes, ...check };
}

async function dinit() {
  const dir = mkdtempSync(join(tmpdir(), 'jt-dinit-'));
  writeFlood(dir);
  const log = join(dir, 'flood.log');
  // scripted, dinit's Type=oneshot + RemainAfterExit=yes (as svcd's and journald's units here): a
  // `process` service that exits takes `boot` down with it, and dinit 0.22 in a container then starts
  // both again at once, whatever `restart =` says, appending a second run to the log.
  writeFileSync(join(dir, 'flood'), `type = scripted\ncommand = ${join(dir, 'flood.sh')}\nlogfile = ${log}\n`);
  writeFileSync(join(dir, 'boot'), 'type = internal\ndepends-on = flood\n');
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', DINIT, '-o', '-q', '-d', dir, '-p', join(dir, 'sock'), 'boot'], { stdio: 'ignore' });
  const want = N * 100;
  const ok = await poll(() => existsSync(log) && statSync(log).size >= want, 120000, 5);
  const end = nowNs();
  const s = ok ? Number(end - started(dir)) / 1e9 : NaN;
  return { s, ...(await readBack(p, dir, log)) };
}

/**
 * s6 as its users run it: s6-svscan on a scan directory holding the program as a service and, in its
 * log/ subdirectory, its log service, which s6-svscan joins to it by a pipe. The logger is s6-log as
 * s6-overlay sets it up: blocking (-b: it stops reading while it cannot write, so nothing is dropped),
 * ISO 8601 stamps (T), 20 archives (n20), here 100 MB files (s99999999; s6-overlay's 1 MB would archive
 * and then delete most of a million lines). The end is the mtime of `current` once it ends with the
 * last line (s6-log writes straight into it).
 */
async function s6log() {
  const dir = mkdtempSync(join(tmpdir(), 'jt-s6-'));
  writeFlood(dir);
  const svc = join(dir, 'scan/flood');
  const logdir = join(dir, 'logdir');
  mkdirSync(join(svc, 'log'), { recursive: true });
  const script = (path, body) => {
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  };
  script(join(svc, 'run'), `exec ${join(dir, 'flood.sh')}`);
  // 125 from finish: s6-supervise does not restart the program once it has printed its lines.
  script(join(svc, 'finish'), 'exit 125');
  script(join(svc, 'log/run'), `exec s6-log -b n20 s99999999 T ${logdir}`);
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', S6_SVSCAN, join(dir, 'scan')], { stdio: 'ignore' });
  const current = join(logdir, 'current');
  const ok = await poll(() => endsWithLast(current), 120000, 5);
  const s = ok ? Number(mtimeNs(current) - started(dir)) / 1e9 : NaN;
  // Archives are named @TAI64N.s (sortable by name), oldest first; then `current`. A line is stored
  // as "YYYY-MM-DD HH:MM:SS.nnnnnnnnn  LINE": 29 bytes of stamp and two spaces.
  const files = () => [...readdirSync(logdir).filter((f) => f.startsWith('@')).sort().map((f) => join(logdir, f)), current];
  return { s, ...(await readBack(p, dir, logdir, files, 31)) };
}

/**
 * supervisord in the foreground as PID 1, one [program:] with its stdout in a file that is never rotated;
 * supervisord reads the program's pipe and writes what it read to the file. The end is the file's mtime
 * once it ends with the last line.
 */
async function supervisord() {
  const dir = mkdtempSync(join(tmpdir(), 'jt-supervisord-'));
  writeFlood(dir);
  const log = join(dir, 'flood.log');
  writeFileSync(join(dir, 'supervisord.conf'), [
    '[supervisord]', 'nodaemon=true', 'user=root', `logfile=${join(dir, 'supervisord.log')}`, `pidfile=${join(dir, 'supervisord.pid')}`, `childlogdir=${dir}`,
    '[program:flood]', `command=${join(dir, 'flood.sh')}`, 'autorestart=false', 'startsecs=0',
    `stdout_logfile=${log}`, 'stdout_logfile_maxbytes=0', '',
  ].join('\n'));
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', SUPERVISORD, '-n', '-c', join(dir, 'supervisord.conf')], { stdio: 'ignore' });
  const ok = await poll(() => endsWithLast(log), 120000, 5);
  const s = ok ? Number(mtimeNs(log) - started(dir)) / 1e9 : NaN;
  return { s, ...(await readBack(p, dir, log)) };
}

function duOnDisk(path) {
  return Number(spawnSync('du', ['-sb', path], { encoding: 'utf8' }).stdout.split('\t')[0]);
}

async function svcd() {
  const dir = mkdtempSync(join(tmpdir(), 'jt-svcd-'));
  writeFlood(dir);
  mkdirSync(join(dir, 'units'));
  writeFileSync(join(dir, 'units/flood.service'), `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=${join(dir, 'flood.sh')}\n`);
  writeFileSync(join(dir, 'units/x.target'), '[Unit]\nWants=flood.service\n');
  writeFileSync(join(dir, 'svcd.conf'), '[Journal]\nConsoleOutput=off\n');
  const jdir = join(dir, 'journal');
  let peakRss = 0;
  let peakAnon = 0;
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', join(dir, 'svcd.conf'),
    '--runtime-dir', join(dir, 'run'), '--journal-dir', jdir], { stdio: 'ignore' });
  const kid = () => Number(readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(' ')[0] || 0);
  // VmRSS counts the journal file's pages svcd has mapped (page cache, at most one file's worth);
  // RssAnon is svcd's own memory.
  const rss = (key = 'VmRSS') => {
    try {
      return Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${kid()}/status`, 'latin1'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  // The last line is among the last few entries (svcd's own "Finished" may follow it). The end
  // is the time svcd stamped on it (__REALTIME_TIMESTAMP, taken as it was appended), so the poll
  // interval adds nothing to the figure.
  let endUsec = 0;
  const stored = () => {
    peakRss = Math.max(peakRss, rss());
    peakAnon = Math.max(peakAnon, rss('RssAnon'));
    try {
      const last = tailDirectory(jdir, 4).find((e) => e.fields.some((f) => f.name === 'MESSAGE' && f.value?.toString('latin1') === LAST));
      if (last) endUsec = last.realtime;
      return last !== undefined;
    } catch {
      return false;
    }
  };
  const ok = await poll(stored, 300000, 250);
  const s = ok ? Number(BigInt(endUsec) * 1000n - started(dir)) / 1e9 : NaN;
  spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', join(dir, 'run'), 'exit']);
  await Promise.race([exited(p), sleep(10000)]);
  p.kill('SIGKILL');
  const bytes = duOnDisk(jdir);
  rmSync(dir, { recursive: true, force: true });
  return { s, bytes, peakRssMiB: Math.round(peakRss / 1024), peakAnonMiB: Math.round(peakAnon / 1024) };
}

async function journald() {
  // Under /tmp, and all in UNITDIR: systemd-ns carries only that (and its base) into the namespace's private /tmp.
  const top = mkdtempSync(join(tmpdir(), 'jt-journald-'));
  const dir = join(top, 'units');
  mkdirSync(dir);
  writeFlood(dir);
  chmodSync(top, 0o755);
  writeFileSync(join(dir, 'flood.service'), `[Unit]\nAfter=systemd-journald.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nLogRateLimitIntervalSec=0\nExecStart=${join(dir, 'flood.sh')}\n`);
  writeFileSync(join(dir, 'x.target'), '[Unit]\nWants=flood.service systemd-journald.service\nAfter=systemd-journald.service\n');
  // journald's rate limit off (the unit's LogRateLimitIntervalSec=0 does not reach it here: it reads
  // that from cgroup xattrs), through a journald.conf drop-in in the namespace's private /run.
  mkdirSync(join(dir, 'systemd-journald.service.d'));
  writeFileSync(join(dir, 'systemd-journald.service.d/bench.conf'),
    "[Service]\nExecStartPre=/bin/sh -c 'mkdir -p /run/systemd/journald.conf.d && printf \"[Journal]\\\\nRateLimitBurst=0\\\\n\" > /run/systemd/journald.conf.d/bench.conf'\n");
  const boot = spawnSync(join(NS, 'systemd-ns.sh'), ['--journald', '--console', 'null', dir, 'x.target'], { encoding: 'utf8', env: { ...process.env, SYSTEMD_NS_WAIT: '120' } });
  const pid = boot.stdout.trim();
  if (!/^\d+$/.test(pid)) throw new Error(`systemd-ns did not boot: ${boot.stderr}`);
  const x = (...a) => spawnSync(join(NS, 'systemd-ns-exec.sh'), [pid, ...a], { encoding: 'utf8', maxBuffer: 1 << 26 });
  try {
    // _SYSTEMD_UNIT=, not -u: -u also shows systemd's own "Finished flood.service" after the last line.
    const last = () => x('journalctl', '_SYSTEMD_UNIT=flood.service', '-n', '1', '-o', 'cat', '--no-pager').stdout.trim() === LAST;
    const ok = await poll(last, 240000, 250);
    const end = nowNs();
    const s = ok ? Number(end - started(dir)) / 1e9 : NaN;
    const lines = Number(x('sh', '-c', 'journalctl _SYSTEMD_UNIT=flood.service -o cat --no-pager | wc -l').stdout.trim());
    const bytes = Number(x('du', '-sb', '/run/log/journal').stdout.split('\t')[0] || 0);
    return { s, bytes, lines };
  } finally {
    spawnSync(join(NS, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(top, { recursive: true, force: true });
  }
}

/** `svcctl logs -f`: a ticker prints its clock every 100 ms; the delay until the follower shows it. */
async function follow() {
  const dir = mkdtempSync(join(tmpdir(), 'jt-follow-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'units'));
  writeFileSync(join(dir, 'units/ticker.service'), "[Service]\nExecStart=/bin/sh -c 'while :; do date +%%s%%N; sleep 0.1; done'\n");
  writeFileSync(join(dir, 'units/x.target'), '[Unit]\nWants=ticker.service\n');
  writeFileSync(join(dir, 'svcd.conf'), '[Journal]\nConsoleOutput=off\n');
  const run = join(dir, 'run');
  const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, join(repo, 'dist/cli/svcd.js'),
    '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target', '--config', join(dir, 'svcd.conf'),
    '--runtime-dir', run, '--journal-dir', join(dir, 'journal')], { stdio: 'ignore' });
  await poll(() => existsSync(join(run, 'control.sock')), 20000);
  await sleep(500);
  const f = spawn(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, 'logs', '-f', '-n', '0', '-u', 'ticker.service', '-o', 'cat', '--no-pager']);
  const lat = [];
  let buf = '';
  f.stdout.on('data', (d) => {
    const at = nowNs();
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines) if (/^\d{19}$/.test(l)) lat.push(Number(at - BigInt(l)) / 1e6);
  });
  await poll(() => lat.length >= 50, 30000);
  f.kill();
  spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, 'exit']);
  await Promise.race([exited(p), sleep(10000)]);
  p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  const s = [...lat].sort((a, b) => a - b);
  return { samples: s.length, medianMs: Number(median(s).toFixed(1)), p90Ms: Number(s[Math.floor(s.length * 0.9)].toFixed(1)), maxMs: Number(s.at(-1).toFixed(1)) };
}

const results = [];
const bench = async (name, fn, skip) => {
  if (!only.includes(name)) return;
  if (skip) {
    console.log(JSON.stringify({ bench: name, skipped: skip }));
    return;
  }
  const all = [];
  for (let r = 0; r < (name === 'journald' ? Math.min(runs, 1) : runs); r++) {
    const res = await fn();
    all.push(res);
    console.log(JSON.stringify({ bench: name, run: r + 1, ...res }));
  }
  if (name === 'follow') return results.push({ name, ...all[0] });
  const s = median(all.map((a) => a.s));
  const checked = all.every((a) => a.ok !== undefined) ? { everyLine: all.every((a) => a.ok) } : {};
  results.push({ name, s, linesPerSec: Math.round(N / s), MB: Math.round(all[0].bytes / 1e6), ...checked, ...(all[0].peakRssMiB ? { peakRssMiB: median(all.map((a) => a.peakRssMiB)), peakAnonMiB: median(all.map((a) => a.peakAnonMiB)) } : {}) });
};

console.log(JSON.stringify({ machine: `${cpus().length} × ${cpus()[0]?.model}`, date: new Date().toISOString(), lines: N, runs }));
await bench('file', plainFile);
await bench('dinit', dinit, existsSync(DINIT) ? undefined : `${DINIT} not found (peers are built outside the repo)`);
await bench('s6-log', s6log, existsSync(S6_SVSCAN) ? undefined : `${S6_SVSCAN} not found (apt-get install s6)`);
await bench('supervisord', supervisord, existsSync(SUPERVISORD) ? undefined : `${SUPERVISORD} not found (apt-get install supervisor)`);
await bench('svcd', svcd);
await bench('journald', journald, existsSync(join(NS, 'systemd-ns.sh')) ? undefined : `${NS} not found`);
await bench('follow', follow);
console.table(results);
