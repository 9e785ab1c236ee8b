#!/usr/bin/env node
// Boot time of svcd as PID 1 of a fresh PID namespace: from exec to "Reached target x.target", for
// N independent `sleep` services and for a Requires=+After= chain. `npm run build` first; root.
//   node bench/boot.mjs [--generators] [N...]   (default: 10 100 1000, then the 100-long chain)
// SVCD_ENTRY=path/to/svcd.js times another build; SVCD_NODE_FLAGS='…' gives node flags to svcd.
// --generators boots as a container's PID 1 does, with the generators run and their three output
// directories in the search path (in a tmpfs over /run/systemd, so the host's stay untouched).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tree(n, chain) {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-bench-'));
  mkdirSync(join(dir, 'x.target.wants'));
  for (let i = 0; i < n; i++) {
    const dep = chain && i > 0 ? `Requires=s${i - 1}.service\nAfter=s${i - 1}.service\n` : '';
    writeFileSync(join(dir, `s${i}.service`), `[Unit]\n${dep}[Service]\nExecStart=/bin/sleep 1000\n`);
  }
  const wants = chain ? [`s${n - 1}.service`] : Array.from({ length: n }, (_, i) => `s${i}.service`);
  writeFileSync(join(dir, 'x.target'), `[Unit]\nWants=${wants.join(' ')}\n`);
  return dir;
}

function boot(dir) {
  return new Promise((done) => {
    const t0 = process.hrtime.bigint();
    const entry = process.env.SVCD_ENTRY ?? join(repo, 'dist/cli/svcd.js');
    const unitPath = generators ? `/run/systemd/generator.early:${dir}:/run/systemd/generator:${join(repo, 'units')}:/run/systemd/generator.late` : `${dir}:${join(repo, 'units')}`;
    // With generators: a shell mounts the tmpfs, then execs svcd, which stays the namespace's PID 1.
    const node = [process.execPath, ...nodeFlags, entry];
    const cmd = generators ? ['sh', '-c', 'mount -t tmpfs svcd-bench /run/systemd && exec "$@"', 'sh', ...node] : node;
    const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...cmd,
      '--unit-path', unitPath, '--unit', 'x.target', '--config', '/nonexistent', '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let bootMs = 0;
    p.stdout.on('data', (d) => {
      out += d.toString();
      if (!bootMs && out.includes('Reached target x.target')) {
        bootMs = Number(process.hrtime.bigint() - t0) / 1e6;
        const t1 = process.hrtime.bigint();
        p.on('exit', () => done({ bootMs, stopMs: Number(process.hrtime.bigint() - t1) / 1e6 }));
        // svcd is the namespace's PID 1, unshare's only child.
        spawn('pkill', ['-TERM', '-P', String(p.pid)]);
      }
    });
  });
}

const generators = process.argv.includes('--generators');
// SVCD_NODE_FLAGS='--max-semi-space-size=1 …': node's flags for svcd (bin/svcd's, to time an image's start).
const nodeFlags = (process.env.SVCD_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const sizes = process.argv.slice(2).filter((a) => a !== '--generators').map(Number);
const runs = sizes.length ? sizes.map((n) => [n, false]) : [[10, false], [100, false], [1000, false], [100, true]];
for (const [n, chain] of runs) {
  const dir = tree(n, chain);
  const r = await boot(dir);
  console.log(JSON.stringify({ services: n, shape: chain ? 'Requires+After chain' : 'independent', bootMs: Math.round(r.bootMs), stopMs: Math.round(r.stopMs) }));
  rmSync(dir, { recursive: true, force: true });
}
