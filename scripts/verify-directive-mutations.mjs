#!/usr/bin/env node
// verify-directive-mutations.mjs [--key REGEX] [--kind REGEX] [--value empty|invalid|trailing] [--json FILE]
//
// Hunts for unit-file warnings where svcd and systemd 252 part ways: for every key of the directive
// catalog (src/unit/directives/catalog.generated.ts), in every unit kind that takes its section
// ([Unit] and [Install] keys in each kind), three assignments: an empty value, a clearly invalid value
// and a good value followed by trailing garbage (keys with no good example known are tried with the
// first two only). Each case is one small unit tree in its own directory, given to
// `systemd-analyze verify --man=no` and to svcd's verify (dist/unit/verify.js, in-process: what
// `svcctl analyze verify` prints); the messages (temp directory as @DIR@) and exit codes are compared
// and every disagreement is listed, with a count per value kind. Nothing is recorded: a disagreement
// worth a regression test goes into test/fixtures/verify/cases.json (scripts/record-verify-fixtures.mjs).
// Needs `npm run build` and systemd 252's systemd-analyze; about 5,800 cases, 5–10 minutes on a shared machine.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CATALOG } from '../dist/unit/directives/catalog.generated.js';
import { verifyFiles } from '../dist/unit/verify.js';

const { values: opts } = parseArgs({ options: { key: { type: 'string' }, kind: { type: 'string' }, value: { type: 'string' }, json: { type: 'string' } } });

/**
 * Per unit kind: the file verified, the lines that make it load (its own section's keys after the
 * tested one, so a reset by the tested key cannot leave it without them) and the files beside it
 * (a trigger's service), so that verify speaks of the tested key only.
 */
const KINDS = {
  service: { file: 'p.service', section: 'Service', body: ['ExecStart=/bin/true'] },
  socket: { file: 'p.socket', section: 'Socket', body: ['ListenStream=/run/p.sock'], beside: { 'p.service': '[Service]\nExecStart=/bin/true\n' } },
  mount: { file: 'p.mount', section: 'Mount', body: ['What=/dev/x', 'Where=/p'] },
  automount: { file: 'p.automount', section: 'Automount', body: ['Where=/p'], beside: { 'p.mount': '[Mount]\nWhat=/dev/x\nWhere=/p\n' } },
  swap: { file: 'dev-p.swap', section: 'Swap', body: ['What=/dev/p'] },
  timer: { file: 'p.timer', section: 'Timer', body: ['OnActiveSec=1'], beside: { 'p.service': '[Service]\nExecStart=/bin/true\n' } },
  path: { file: 'p.path', section: 'Path', body: ['PathExists=/p'], beside: { 'p.service': '[Service]\nExecStart=/bin/true\n' } },
  slice: { file: 'p.slice', section: 'Slice', body: [] },
  scope: { file: 'p.scope', section: 'Scope', body: [] },
  target: { file: 'p.target', section: undefined, body: [] },
};

/** A good value per value-type hint, to which garbage is appended; OTHER keys by name below. */
const GOOD_BY_HINT = {
  BOOLEAN: 'yes', SECONDS: '5s', UNSIGNED: '5', INTEGER: '5', LONG: '5', SIZE: '5', NANOSECONDS: '5', MODE: '0644', SIGNAL: 'SIGTERM',
  NICE: '5', OOMSCOREADJUST: '5', KILLMODE: 'mixed', ACTION: 'none', LIMIT: '5', WEIGHT: '100', CPUWEIGHT: '100', SHARES: '100',
  LEVEL: 'info', FACILITY: 'daemon', OUTPUT: 'journal', INPUT: 'null', IOCLASS: 'idle', IOPRIORITY: '4', CPUSCHEDPOLICY: 'batch',
  CPUSCHEDPRIO: '5', CPUAFFINITY: '1', TIMEOUTMODE: 'kill', SERVICETYPE: 'simple', SERVICERESTART: 'always', SERVICEEXITTYPE: 'main',
  STATUS: '5', PATH: '/p', 'PATH [...]': '/p', SLICE: 'p.slice', UNIT: 'p.service', 'UNIT [...]': 'q.service', TIMER: '5s',
  PERSONALITY: 'x86-64', SECUREBITS: 'keep-caps', NAMESPACES: 'net', DEVICEWEIGHT: '/dev/null 100', DEVICELATENCY: '/dev/null 5ms',
  BANDWIDTH: '/dev/null 5M', POLICY: 'closed', ERRNO: 'EPERM', FAMILIES: 'AF_UNIX', BOUNDINGSET: 'CAP_CHOWN', ARCHS: 'native',
  TOS: 'low-delay', ACCESS: 'read-only', 'MOUNTFLAG [...]': 'shared', URL: 'man:p(1)',
};
const GOOD_BY_KEY = {
  JobTimeoutSec: '5s', JobRunningTimeoutSec: '5s', CollectMode: 'inactive', FailureActionExitStatus: '5', SuccessActionExitStatus: '5',
  TimeoutStopSec: '5s', TimeoutAbortSec: '5s', TimeoutSec: '5s', TimeoutIdleSec: '5s', OOMPolicy: 'stop', WorkingDirectory: '/p',
  CoredumpFilter: 'default', NUMAPolicy: 'bind', NUMAMask: '0', TTYRows: '5', TTYColumns: '5', KeyringMode: 'private',
  ProtectProc: 'invisible', ProcSubset: 'pid', ProtectSystem: 'full', ProtectHome: 'yes', MountAPIVFS: 'yes', RuntimeDirectoryPreserve: 'yes',
  UtmpMode: 'init', AllowedCPUs: '1', StartupAllowedCPUs: '1', AllowedMemoryNodes: '0', StartupAllowedMemoryNodes: '0', CPUQuota: '50%',
  CPUQuotaPeriodSec: '5ms', TasksMax: '5', Delegate: 'yes', ManagedOOMSwap: 'auto', ManagedOOMMemoryPressure: 'auto',
  ManagedOOMMemoryPressureLimit: '50%', ManagedOOMPreference: 'none', IPAddressAllow: '10.0.0.1', IPAddressDeny: '10.0.0.1',
  SocketProtocol: 'udplite', Timestamping: 'us', Priority: '5', BusName: 'org.example.p', PIDFile: '/run/p.pid', MemoryMin: '5M',
  MemoryLow: '5M', MemoryHigh: '5M', MemoryMax: '5M', MemorySwapMax: '5M', MemoryLimit: '5M', DefaultMemoryLow: '5M', DefaultMemoryMin: '5M',
  CPUShares: '100', StartupCPUShares: '100', StartLimitIntervalSec: '5s', StartLimitInterval: '5s', RuntimeMaxSec: '5s', WatchdogSec: '5s',
  RestartSec: '5s', TimeoutStartSec: '5s', DevicePolicy: 'closed', DeviceAllow: '/dev/null rw', Slice: 'p.slice', Backlog: '5',
};
const INVALID = '@@bad@@';
const GARBAGE = '@x';

function goodValue(section, key, hint) {
  if (key === 'Type') return { Service: 'simple', Mount: 'ext4' }[section];
  return key in GOOD_BY_KEY ? GOOD_BY_KEY[key] : GOOD_BY_HINT[hint];
}

function caseFiles(kind, section, key, value) {
  const k = KINDS[kind];
  const lines = [`[${section}]`, `${key}=${value}`];
  if (k.section && k.section !== section) lines.push(`[${k.section}]`);
  lines.push(...k.body);
  return { [k.file]: `${lines.join('\n')}\n`, ...(k.beside ?? {}) };
}

const cases = [];
for (const [section, key, hint] of CATALOG) {
  const kinds = section === 'Unit' || section === 'Install' ? Object.keys(KINDS) : Object.keys(KINDS).filter((n) => KINDS[n].section === section);
  if (opts.key && !new RegExp(opts.key).test(key)) continue;
  for (const kind of kinds) {
    if (opts.kind && !new RegExp(opts.kind).test(kind)) continue;
    const good = goodValue(section, key, hint);
    const tries = { empty: '', invalid: INVALID, ...(good === undefined ? {} : { trailing: `${good}${GARBAGE}` }) };
    for (const [what, value] of Object.entries(tries)) {
      if (opts.value && opts.value !== what) continue;
      cases.push({ name: `${kind}-${section}-${key}-${what}`, kind, section, key, what, value, files: caseFiles(kind, section, key, value) });
    }
  }
}

const root = mkdtempSync(join(tmpdir(), 'svcd-mutations-'));
const env = { ...process.env, LANG: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_LOG_COLOR: '0' };

function oracle(dir, file) {
  return new Promise((done) => {
    const p = spawn('systemd-analyze', ['verify', '--man=no', join(dir, file)], { cwd: dir, env });
    let stderr = '';
    let stdout = '';
    p.stdout.on('data', (b) => (stdout += b));
    p.stderr.on('data', (b) => (stderr += b));
    p.on('close', (status) => done({ lines: `${stdout}${stderr}`.split('\n').filter((l) => l !== ''), status }));
  });
}

const disagreements = [];
const counts = { tried: {}, differ: {} };
let next = 0;
async function worker() {
  while (next < cases.length) {
    const c = cases[next++];
    const dir = join(root, String(next));
    mkdirSync(dir);
    for (const [rel, text] of Object.entries(c.files)) writeFileSync(join(dir, rel), text);
    const file = KINDS[c.kind].file;
    const theirs = await oracle(dir, file);
    const ours = verifyFiles([join(dir, file)], env);
    const norm = (ls) => ls.map((l) => l.replaceAll(dir, '@DIR@'));
    const a = { lines: norm(theirs.lines), status: theirs.status };
    const b = { lines: norm(ours.lines), status: ours.status };
    counts.tried[c.what] = (counts.tried[c.what] ?? 0) + 1;
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      counts.differ[c.what] = (counts.differ[c.what] ?? 0) + 1;
      disagreements.push({ name: c.name, value: c.value, files: c.files, systemd: a, svcd: b });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
try {
  await Promise.all([worker(), worker()]);
} finally {
  rmSync(root, { recursive: true, force: true });
}

disagreements.sort((x, y) => x.name.localeCompare(y.name));
for (const d of disagreements) {
  console.log(`== ${d.name} (${JSON.stringify(d.value)})`);
  const theirs = new Set(d.systemd.lines);
  const ours = new Set(d.svcd.lines);
  for (const l of d.systemd.lines) if (!ours.has(l)) console.log(`  systemd: ${l}`);
  for (const l of d.svcd.lines) if (!theirs.has(l)) console.log(`  svcd:    ${l}`);
  if (d.systemd.status !== d.svcd.status) console.log(`  status: systemd ${d.systemd.status}, svcd ${d.svcd.status}`);
}
const total = (o) => Object.values(o).reduce((s, n) => s + n, 0);
console.log(`\n${total(counts.tried)} cases tried (${JSON.stringify(counts.tried)}), ${disagreements.length} disagreements (${JSON.stringify(counts.differ)})`);
if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ counts, disagreements }, null, 1)}\n`);
process.exitCode = disagreements.length > 0 ? 1 : 0;
