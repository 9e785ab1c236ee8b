#!/usr/bin/env node
// The cost of seccomp filters per spawn: N runs of /bin/true through svcd's addon, bare and under
// the filters of Debian's redis-server unit (@system-service allow list, native architecture,
// address families, namespaces, W^X, realtime, personality, kernel modules: nine programs), each
// round in its own process (the reaper is per process), rounds alternated, medians reported.
// `npm run build` first.   node bench/seccomp-spawn.mjs [N] [--rounds R]
import { execFileSync } from 'node:child_process';
import { median, takeOption } from './common.mjs';

const argv = process.argv.slice(2);
const rounds = Number(takeOption(argv, '--rounds', 5));
const N = Number(argv[0] ?? 1000);
const mode = argv[1];

const REDIS = [
  '[Service]', 'ExecStart=/bin/true', 'NoNewPrivileges=true', 'ProtectKernelModules=true', 'RestrictRealtime=true',
  'RestrictNamespaces=true', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'MemoryDenyWriteExecute=true',
  'LockPersonality=true', 'SystemCallArchitectures=native', 'SystemCallFilter=@system-service', 'SystemCallFilter=~ @privileged @resources', '',
].join('\n');

async function filters() {
  const { parseUnitText } = await import('../dist/unit/syntax.js');
  const { buildUnit, knownSections } = await import('../dist/unit/load.js');
  const { seccompPrograms } = await import('../dist/exec/seccomp.js');
  const files = [parseUnitText('/b/redis.service', REDIS, { knownSections: knownSections('service') })];
  const unit = buildUnit({ name: 'redis.service', id: 'redis.service', names: ['redis.service'], fragmentPath: '/b/redis.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
  return seccompPrograms(unit.exec.seccomp).map((p) => p.program);
}

async function spawnAll(seccomp) {
  const n = await import('../dist/exec/native.js');
  let done = 0;
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => {
    n.startReaper((b) => { done += b.length; if (done >= N) resolve(); });
    for (let i = 0; i < N; i++) n.spawn({ file: '/bin/true', argv: ['true'], envp: [], noNewPrivileges: true, ...(seccomp ? { seccomp } : {}) });
  });
  n.stopWatching();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

if (mode === 'bare') console.log(await spawnAll(undefined));
else if (mode === 'filtered') console.log(await spawnAll(await filters()));
else {
  const run = (m) => Number(execFileSync(process.execPath, [process.argv[1], String(N), m], { encoding: 'utf8' }));
  const bare = [], filtered = [];
  for (let r = 0; r < rounds; r++) {
    bare.push(run('bare'));
    filtered.push(run('filtered'));
  }
  const perSec = (ms) => Math.round(N / (median(ms) / 1000));
  console.log(JSON.stringify({ n: N, rounds, programs: (await filters()).length, barePerSec: perSec(bare), filteredPerSec: perSec(filtered),
    slowerPercent: Math.round((median(filtered) / median(bare) - 1) * 1000) / 10 }));
}
