// `svcctl logs -D DIR -u X -o <mode>` on a journal holding one service's N lines (default 1,000,000,
// about 100 bytes each, the fields svcd writes for a service's stdout, one line of another unit
// every 100 so the -u match is a real one), written by svcd's own writer and rotated at 128 MiB as
// journald rotates. svcctl and the real journalctl are run in turn (A B A B …, so a machine whose
// load drifts slows both alike), output to /dev/null; each run's wall time and peak RSS come from
// /usr/bin/time. The outputs are compared once, byte for byte (through a file).
// Usage: node bench/journal-read.mjs [N] [--runs R] [--modes cat,short,json] [--keep DIR]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalDirectory } from '../dist/journal/directory.js';
import { JournalField } from '../dist/journal/file-writer.js';
import { BOOT_ID, MACHINE_ID, median, serviceFields, takeOption } from './common.mjs';

const repo = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => takeOption(argv, name, dflt);
const runs = Number(opt('--runs', '3'));
const modes = opt('--modes', 'cat').split(',');
const keep = opt('--keep', undefined);
const N = Number(argv[0] ?? 1_000_000);
const dir = keep ?? mkdtempSync(join(tmpdir(), 'svcd-jread-'));

function generate() {
  const d = JournalDirectory.open({ dir, machineId: MACHINE_ID, bootId: BOOT_ID, limits: { maxFileSize: 128 * 1024 * 1024, maxUse: 64 * 1024 ** 3 } });
  const flood = serviceFields('flood.service', 1000);
  const other = serviceFields('other.service', 1001);
  const MESSAGE = new JournalField('MESSAGE');
  const PAD = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 91);
  let realtime = Date.now() * 1000 - 3600e6;
  let monotonic = 1_000_000;
  for (let i = 0; i < N; i++) {
    d.append([...flood, [MESSAGE, `${String(i).padStart(7, '0')} ${PAD}`]], { realtime: realtime++, monotonic: monotonic++ });
    if (i % 100 === 0) d.append([...other, [MESSAGE, `other ${i}`]], { realtime: realtime++, monotonic: monotonic++ });
  }
  d.close();
}

/** One run: wall seconds and peak RSS (MiB) from /usr/bin/time, stdout to `out`. */
function once(cmd, args, out) {
  const fd = openSync(out, 'w');
  try {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    const [wall, kib] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    return { s: wall, mib: kib / 1024 };
  } finally {
    closeSync(fd);
  }
}

const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

console.log(JSON.stringify({ machine: `${cpus().length} × ${cpus()[0]?.model}`, date: new Date().toISOString(), loadavg: loadavg().map((l) => l.toFixed(1)), runs, lines: N }));
if (!keep || !existsSync(join(dir, 'system.journal'))) {
  const t0 = Date.now();
  generate();
  console.log(JSON.stringify({ generated: N, seconds: (Date.now() - t0) / 1000, bytes: spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0], dir }));
}
const hasJournalctl = spawnSync('journalctl', ['--version']).status === 0;
const rows = [];
for (const mode of modes) {
  const args = ['-D', dir, '--no-pager', '-u', 'flood.service', '-o', mode];
  const ours = [once(process.execPath, [join(repo, 'dist/cli/svcctl.js'), 'logs', ...args], join(dir, 'svcctl.out'))];
  const theirs = hasJournalctl ? [once('journalctl', args, join(dir, 'journalctl.out'))] : [];
  const same = hasJournalctl ? digest(join(dir, 'svcctl.out')) === digest(join(dir, 'journalctl.out')) : undefined;
  rmSync(join(dir, 'svcctl.out'));
  if (hasJournalctl) rmSync(join(dir, 'journalctl.out'));
  for (let r = 1; r < runs; r++) {
    ours.push(once(process.execPath, [join(repo, 'dist/cli/svcctl.js'), 'logs', ...args], '/dev/null'));
    if (hasJournalctl) theirs.push(once('journalctl', args, '/dev/null'));
  }
  const row = {
    query: `-u flood.service -o ${mode}`,
    svcctlS: median(ours.map((x) => x.s)), svcctlPeakMiB: Math.round(Math.max(...ours.map((x) => x.mib))),
    journalctlS: hasJournalctl ? median(theirs.map((x) => x.s)) : undefined, journalctlPeakMiB: hasJournalctl ? Math.round(Math.max(...theirs.map((x) => x.mib))) : undefined,
    sameOutput: same,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(JSON.stringify({ loadavgAfter: loadavg().map((l) => l.toFixed(1)) }));
console.table(rows);
if (!keep) rmSync(dir, { recursive: true, force: true });
