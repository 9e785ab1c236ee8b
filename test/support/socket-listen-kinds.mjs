// The netlink and message queue scenario (test/fixtures/socket-listen-kinds/), run the same way
// against real systemd 252 (scripts/record-socket-listen-kinds-fixtures.mjs records it) and against
// svcd (test/e2e/socket-listen-kinds-differential.test.ts): sockets on rtnetlink's link group and
// on a POSIX message queue, activated by a link going down and up and by mq_send(); after each
// step the units' states and Listen= lines, list-sockets, and what the services found in LISTEN_*.
// The queue's socket has RemoveOnStop=yes: started again, it listens on an empty queue.
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const LISTEN_KINDS_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/socket-listen-kinds');
export const LISTEN_KINDS_RUN = '/run/svcd-listenx';

/** `ctl(...args)` runs systemctl (or svcctl), `sh(script)` a shell inside the manager's namespaces (net and ipc included). */
export async function runListenKindsSteps(ctl, sh) {
  const steps = JSON.parse(readFileSync(join(LISTEN_KINDS_FIXTURES, 'steps.json'), 'utf8'));
  const out = {};
  for (const step of steps) {
    if (step.sh) await sh(step.sh);
    for (const args of step.ctl ?? []) await ctl(...args);
    for (let t = 0; t < 100 && step.waitFor && (await sh(`ls ${step.waitFor.join(' ')} 2>/dev/null`)).trim().split('\n').length < step.waitFor.length; t++) await sleep(100);
    await sleep(500);
    const look = { show: await ctl('show', '-p', 'Id,ActiveState,SubState,Result,Listen', ...step.show) };
    if (step.list) look.list = await ctl('list-sockets', '--all', '--no-pager');
    if (step.cat) look.cat = await sh(`cat ${step.cat.join(' ')}`);
    out[step.name] = look;
  }
  return out;
}
