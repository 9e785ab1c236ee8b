// `svcctl logs -D DIR -u X -n 50` on a ~1 GB journal directory written by svcd's own writer
// (JournalDirectory: rotated at journald's 128 MiB or when the data hash table is 3/4 full), 200 busy units and one small
// one X (1 entry in 10,000), each entry a 100-byte MESSAGE plus the stdout fields svcd writes.
// Timed end to end (a fresh svcctl process each run, median of R) beside the real journalctl on the
// same directory, with both outputs compared. -u X -n 50 must not scan: the reader finds X's data
// object in each file's data hash table and walks its entry array from the tail.
// Usage: node bench/journal-query.mjs [GB] [--runs R] [--keep DIR]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalDirectory } from '../dist/journal/directory.js';
import { JournalField } from '../dist/journal/file-writer.js';
import { BOOT_ID, MACHINE_ID, median, serviceFields, takeOption } from './common.mjs';

const repo = join(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => takeOption(argv, name, dflt);
const runs = Number(opt('--runs', '5'));
const keep = opt('--keep', undefined);
const GB = Number(argv[0] ?? 1);
const dir = keep ?? mkdtempSync(join(tmpdir(), 'svcd-jquery-'));

function generate() {
  const d = JournalDirectory.open({ dir, machineId: MACHINE_ID, bootId: BOOT_ID, limits: { maxFileSize: 128 * 1024 * 1024, maxUse: 64 * 1024 ** 3 } });
  const busy = Array.from({ length: 200 }, (_, i) => serviceFields(`busy${i}.service`, 1000 + i));
  const small = serviceFields('small.service', 999);
  const MESSAGE = new JournalField('MESSAGE');
  const rotated = () => readdirSync(dir).filter((f) => f.startsWith('system@')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const t0 = process.hrtime.bigint();
  const rt0 = Date.now() * 1000 - 3600e6;
  let i = 0;
  let bytes = 0;
  const target = GB * 1024 ** 3;
  for (; bytes < target; i++) {
    const isSmall = i % 10000 === 5000;
    const fixed = isSmall ? small : busy[i % 200];
    const msg = Buffer.from(`${isSmall ? 'small' : 'busy'} line ${i} ${'x'.repeat(80)}`.slice(0, 100));
    d.append([...fixed, [MESSAGE, msg]], { realtime: rt0 + i, monotonic: 1_000_000 + i });
    // Rotated files (compact ones rotate when their hash table fills, before 128 MiB) plus the active one.
    if (i % 65536 === 0) bytes = rotated() + d.activeWriter.size;
  }
  d.close();
  return { entries: i, s: Number(process.hrtime.bigint() - t0) / 1e9 };
}

function time(cmd, args) {
  const t = [];
  let out = '';
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
    out = res.stdout;
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr}`);
  }
  return { ms: Math.round(median(t)), out };
}

console.log(JSON.stringify({ machine: `${cpus().length} × ${cpus()[0]?.model}`, date: new Date().toISOString(), runs }));
if (!keep || !existsSync(join(dir, 'system.journal'))) {
  const g = generate();
  console.log(JSON.stringify({ generated: g.entries, seconds: Number(g.s.toFixed(1)), bytes: spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0], dir }));
}
const svcctl = (...a) => time(process.execPath, [join(repo, 'dist/cli/svcctl.js'), 'logs', '-D', dir, '--no-pager', ...a]);
const journalctl = (...a) => time('journalctl', ['-D', dir, '--no-pager', ...a]);
const hasJournalctl = spawnSync('journalctl', ['--version']).status === 0;
const rows = [];
for (const q of [['-u', 'small.service', '-n', '50'], ['-u', 'busy7.service', '-n', '50'], ['-n', '50']]) {
  const ours = svcctl(...q);
  const theirs = hasJournalctl ? journalctl(...q) : undefined;
  const row = { query: q.join(' '), svcctlMs: ours.ms, journalctlMs: theirs?.ms, lines: ours.out.split('\n').filter(Boolean).length, sameOutput: theirs ? theirs.out === ours.out : undefined };
  rows.push(row);
  console.log(JSON.stringify(row));
}
// The floor: a svcctl process that only starts and prints its version.
rows.push({ query: '(svcctl --version: process start-up)', svcctlMs: time(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--version']).ms });
console.table(rows);
if (!keep) rmSync(dir, { recursive: true, force: true });
