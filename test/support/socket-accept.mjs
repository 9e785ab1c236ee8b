// The Accept=yes accounting scenario (test/fixtures/socket-accept/), run the same way against real
// systemd 252 (scripts/record-socket-accept-fixtures.mjs records it) and against svcd
// (test/e2e/socket-accept-differential.test.ts): client.py opens connections inside the namespace;
// after each step, the sockets' NAccepted=/NConnections=/NRefused=, status's "Accepted:" line and
// the instances list-units shows, with their descriptions. Instance names and descriptions carry the client's pid and ports, which differ
// from run to run: they are written as PID and PORTn (from what the client reports) before comparing.
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const ACCEPT_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/socket-accept');
export const ACCEPT_RUN = '/run/svcd-sockacc';

/**
 * Walks steps.json. `ctl(...args)` runs systemctl (or svcctl) against the manager, `sh(script)` a
 * shell inside its namespaces (pid, mount, net); both resolve to stdout.
 */
export async function runAcceptSteps(ctl, sh) {
  const steps = JSON.parse(readFileSync(join(ACCEPT_FIXTURES, 'steps.json'), 'utf8'));
  const out = {};
  let subs = [];
  for (const step of steps) {
    if (step.client) {
      await sh(`python3 ${join(ACCEPT_FIXTURES, 'client.py')} >/dev/null 2>&1 &`);
      let report = '';
      for (let t = 0; t < 200 && !report; t++) {
        report = (await sh(`cat ${ACCEPT_RUN}/client.json 2>/dev/null`)).trim();
        if (!report) await sleep(100);
      }
      const c = JSON.parse(report || '{"pid":0,"ports":[]}');
      subs = [[`-${c.pid}-`, '-PID-'], [`PID ${c.pid}/`, 'PID PID/'], ...c.ports.map((p, i) => [`:${p}`, `:PORT${i}`])];
      await sleep(1000); // the closed connection's instance ends and is collected
    }
    if (step.stopClient) {
      await sh(`touch ${ACCEPT_RUN}/stop`);
      await sleep(1000); // its connections close: the instances end and are collected
    }
    for (const args of step.systemctl ?? []) await ctl(...args);
    if (step.systemctl) await sleep(300);
    const look = {};
    if (step.show) {
      look.show = await ctl('show', '-p', 'Id,NAccepted,NConnections,NRefused', ...step.show);
      look.status = {};
      for (const unit of step.show) {
        look.status[unit] = (await ctl('status', '--no-pager', unit)).split('\n').filter((l) => /^ +Accepted:/.test(l)).join('\n');
      }
    }
    if (step.list) {
      // Name, states and description (the peer), columns joined by one space.
      const lines = (await ctl('list-units', '--all', '--plain', '--no-legend', '--no-pager', ...step.list)).split('\n').filter((l) => l.trim());
      look.instances = lines.map((l) => normalize(l.trim().split(/\s+/).join(' '), subs));
    }
    out[step.name] = look;
  }
  await sh(`touch ${ACCEPT_RUN}/stop`);
  return out;
}

function normalize(text, subs) {
  let t = text;
  for (const [from, to] of subs) t = t.split(from).join(to);
  return t;
}
