#!/usr/bin/env node
// Boots real systemd 252 as PID 1 of a namespace (../shared/tools/systemd-ns) on
// test/fixtures/socket-accept/units and runs test/support/socket-accept.mjs against it: Accept=yes
// sockets' counters, status's "Accepted: N; Connected: M;" line and the instances' names, after
// connections over a unix path, IPv6 and IPv4, and past MaxConnections=. Writes
// test/fixtures/socket-accept/recorded.json; test/e2e/socket-accept-differential.test.ts compares svcd.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCEPT_FIXTURES, runAcceptSteps } from '../test/support/socket-accept.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');
const pid = execFileSync(join(ns, 'systemd-ns.sh'), [join(ACCEPT_FIXTURES, 'units'), 'x.target'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const inside = (...args) => spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, ...args], { encoding: 'utf8' }).stdout;
let steps;
try {
  steps = await runAcceptSteps(async (...args) => inside('env', 'SYSTEMD_COLORS=0', 'systemctl', ...args), async (script) => inside('sh', '-c', script));
} finally {
  execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
}
const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], steps };
writeFileSync(join(ACCEPT_FIXTURES, 'recorded.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`recorded ${Object.keys(steps).length} steps`);
