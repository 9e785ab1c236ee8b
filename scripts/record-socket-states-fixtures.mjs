#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on
// test/fixtures/socket-states/units and walks test/fixtures/socket-states/steps.json: activation
// through a FIFO, the service stopped and started by hand, the socket stopped, a oneshot activated
// through another socket, a service that always fails until its start limit ends the socket. After each step it records ActiveState/SubState/Result of the units named
// and what the activated service wrote of LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES, into
// test/fixtures/socket-states/recorded.json. test/e2e/socket-states-differential.test.ts replays the
// steps on svcd and compares.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fx = join(repo, 'test/fixtures/socket-states');
const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');
const steps = JSON.parse(readFileSync(join(fx, 'steps.json'), 'utf8'));
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const pid = execFileSync(join(ns, 'systemd-ns.sh'), [join(fx, 'units'), 'x.target'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const inside = (...args) => spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, ...args], { encoding: 'utf8' });
const recorded = {};
try {
  for (const step of steps) {
    if (step.sh) inside('sh', '-c', step.sh);
    if (step.systemctl) inside('systemctl', ...step.systemctl);
    if (step.waitFor) for (let t = 0; t < 100 && inside('test', '-e', step.waitFor).status !== 0; t++) pause(100);
    pause(step.settle ? 1000 : 300);
    recorded[step.name] = {
      show: inside('systemctl', 'show', '-p', 'Id,ActiveState,SubState,Result', ...step.show).stdout,
      ...(step.cat ? { cat: inside('cat', step.cat).stdout } : {}),
    };
  }
} finally {
  execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
}
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], steps: recorded };
writeFileSync(join(fx, 'recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${steps.length} steps`);
