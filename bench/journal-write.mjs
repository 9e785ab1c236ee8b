// 1,000,000 entries of a ~100-byte MESSAGE plus the fixed per-unit fields svcd attaches, into one
// journal file (dist/ build of src/journal); compared with the same lines appended to a plain file.
// Usage: node bench/journal-write.mjs [N] [DIR]   (run `npx tsc -p tsconfig.build.json` first)
import { mkdtempSync, openSync, writeSync, closeSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { JournalFileWriter, JournalData, JournalField } from '../dist/journal/file-writer.js';

const N = Number(process.argv[2] ?? 1_000_000);
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'svcd-journal-bench-'));
const machineId = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const bootId = '0123456789abcdef0123456789abcdef';

// Lines built up front so both runs time only the writing.
const lines = new Array(N);
for (let i = 0; i < N; i++) {
  const s = `request ${i} handled in ${i % 997} ms status=200 path=/api/v1/items/${i * 7919 % 100000} ok`;
  lines[i] = Buffer.from(s.padEnd(100, '.'));
}

function plain() {
  const path = join(dir, 'plain.log');
  const t0 = process.hrtime.bigint();
  const fd = openSync(path, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  let n = 0;
  for (const l of lines) {
    if (n + l.length + 1 > buf.length) { writeSync(fd, buf, 0, n); n = 0; }
    l.copy(buf, n); n += l.length; buf[n++] = 10;
  }
  writeSync(fd, buf, 0, n);
  closeSync(fd);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { s, bytes: statSync(path).size, path };
}

function journal() {
  const path = join(dir, 'system.journal');
  const t0 = process.hrtime.bigint();
  const w = JournalFileWriter.create(path, { machineId, bootId, maxFileSize: 1024 * 1024 * 1024 });
  // Precomputed per-unit data, as svcd keeps them per service.
  const fixed = [
    new JournalData('_SYSTEMD_UNIT', 'web.service'),
    new JournalData('_PID', '4242'),
    new JournalData('_UID', '0'),
    new JournalData('_GID', '0'),
    new JournalData('_COMM', 'web'),
    new JournalData('_TRANSPORT', 'stdout'),
    new JournalData('SYSLOG_IDENTIFIER', 'web'),
    new JournalData('PRIORITY', '6'),
    new JournalData('_BOOT_ID', bootId),
    new JournalData('_MACHINE_ID', machineId),
    new JournalData('_HOSTNAME', 'bench'),
  ];
  const MESSAGE = new JournalField('MESSAGE');
  const items = [...fixed, [MESSAGE, lines[0]]];
  const msg = items.length - 1;
  const rt0 = Date.now() * 1000;
  for (let i = 0; i < N; i++) {
    items[msg] = [MESSAGE, lines[i]];
    w.append(items, { realtime: rt0 + i, monotonic: 1_000_000 + i });
  }
  w.close();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const st = statSync(path);
  return { s, bytes: st.size, disk: st.blocks * 512, path };
}

const p = plain();
const j = journal();
const v = process.env.VERIFY === '0' ? null : spawnSync('journalctl', ['--file', j.path, '--verify'], { encoding: 'utf8' });
const mb = (b) => (b / 1048576).toFixed(1) + ' MiB';
console.log(`entries: ${N}`);
console.log(`plain file : ${p.s.toFixed(3)} s, ${Math.round(N / p.s).toLocaleString('en')} lines/s, ${mb(p.bytes)}`);
console.log(`journal    : ${j.s.toFixed(3)} s, ${Math.round(N / j.s).toLocaleString('en')} entries/s, ${mb(j.bytes)} apparent, ${mb(j.disk)} on disk`);
console.log(`ratio      : ${(j.s / p.s).toFixed(1)}x time, ${(j.disk / p.bytes).toFixed(1)}x bytes`);
if (v) console.log(`journalctl --verify: ${v.status === 0 ? 'PASS' : 'FAIL ' + v.stderr.slice(0, 500)}`);
if (!process.argv[3]) rmSync(dir, { recursive: true, force: true });
