#!/usr/bin/env node
// The cost of seccomp filters per spawn: N runs of /bin/true through svcd's addon, bare and under
// the filters of Debian's redis-server unit (@system-service allow list, native architecture,
// address families, namespaces, W^X, realtime, personality, kernel modules: eight filters), as
// svcd installs them (merged: src/exec/seccomp-merge.ts) and as one program per filter (as before
// the merge), each round in its own process (the reaper is per process), rounds alternated,
// medians reported. `npm run build` first.   node bench/seccomp-spawn.mjs [N] [--rounds R]
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
  const { seccompFilters, seccompPrograms } = await import('../dist/exec/seccomp.js');
  const { mergedPrograms } = await import('../dist/exec/seccomp-merge.js');
  const files = [parseUnitText('/b/redis.service', REDIS, { knownSections: knownSections('service') })];
  const unit = buildUnit({ name: 'redis.service', id: 'redis.service', names: ['redis.service'], fragmentPath: '/b/redis.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
  return {
    separate: seccompPrograms(unit.exec.seccomp).map((p) => p.program),
    merged: mergedPrograms(seccompFilters(unit.exec.seccomp).map((f) => f.filter)),
  };
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

// Every mode builds the filters (loading the same modules, leaving the same garbage), so that only the install differs.
if (mode === 'bare' || mode === 'separate' || mode === 'merged') console.log(await spawnAll((await filters())[mode]));
else {
  const run = (m) => Number(execFileSync(process.execPath, [process.argv[1], String(N), m], { encoding: 'utf8' }));
  const ms = { bare: [], separate: [], merged: [] };
  for (let r = 0; r < rounds; r++) for (const m of Object.keys(ms)) ms[m].push(run(m));
  const perSec = (m) => Math.round(N / (median(ms[m]) / 1000));
  const slower = (m) => Math.round((median(ms[m]) / median(ms.bare) - 1) * 1000) / 10;
  const f = await filters();
  const size = (programs) => `${programs.length} programs, ${programs.reduce((n, p) => n + p.length / 8, 0)} instructions`;
  console.log(JSON.stringify({ n: N, rounds, separate: size(f.separate), merged: size(f.merged), barePerSec: perSec('bare'),
    separatePerSec: perSec('separate'), mergedPerSec: perSec('merged'), separateSlowerPercent: slower('separate'), mergedSlowerPercent: slower('merged') }));
}
