// Records a scenario against real systemd 252 booted with ../shared/tools/systemd-ns on a fixture
// directory's units/ (target x.target): `runSteps(ctl, sh)` drives it with systemctl and a shell
// inside the namespace, and what it returns goes to the directory's recorded.json. The record-*
// scripts of the socket-accept and fd-store scenarios share it; their tests replay the steps on svcd.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function recordScenario(fixtures, runSteps) {
  const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), [join(fixtures, 'units'), 'x.target'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const inside = (...args) => spawnSync(join(ns, 'systemd-ns-exec.sh'), [pid, ...args], { encoding: 'utf8' }).stdout;
  let steps;
  try {
    steps = await runSteps(async (...args) => inside('env', 'SYSTEMD_COLORS=0', 'systemctl', ...args), async (script) => inside('sh', '-c', script));
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
  }
  const out = { systemd: execFileSync('systemctl', ['--version']).toString().split('\n')[0], steps };
  writeFileSync(join(fixtures, 'recorded.json'), JSON.stringify(out, null, 1) + '\n');
  return Object.keys(steps).length;
}
