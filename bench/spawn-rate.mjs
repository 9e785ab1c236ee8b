#!/usr/bin/env node
// Spawn throughput: N runs of /bin/true through svcd's addon vs child_process.spawn, each in its
// own process (the addon's reaper would steal child_process's statuses). `npm run build` first.
//   node bench/spawn-rate.mjs [N]
import { spawn as cpSpawn, execFileSync } from 'node:child_process';

const N = Number(process.argv[2] ?? 2000);
const mode = process.argv[3];

async function viaAddon() {
  const n = await import('../dist/exec/native.js');
  let done = 0;
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => {
    n.startReaper((b) => { done += b.length; if (done >= N) resolve(); });
    for (let i = 0; i < N; i++) n.spawn({ file: '/bin/true', argv: ['true'], envp: [] });
  });
  n.stopWatching();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function viaChildProcess() {
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: N }, () => new Promise((r) => cpSpawn('/bin/true', [], { stdio: 'ignore' }).on('exit', r))));
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

if (mode === 'addon') console.log(await viaAddon());
else if (mode === 'cp') console.log(await viaChildProcess());
else {
  const run = (m) => Number(execFileSync(process.execPath, [process.argv[1], String(N), m], { encoding: 'utf8' }));
  const a = run('addon');
  const c = run('cp');
  console.log(JSON.stringify({ n: N, addonMs: Math.round(a), addonPerSec: Math.round(N / (a / 1000)), childProcessMs: Math.round(c), childProcessPerSec: Math.round(N / (c / 1000)) }));
}
