// Socket units' states over time against real systemd 252 (recorded by
// scripts/record-socket-states-fixtures.mjs into test/fixtures/socket-states/): svcd as PID 1 walks
// the same steps (activation through a FIFO, the service stopped and started, the socket stopped,
// a oneshot activated, a service failing until its start limit ends the socket) and must show the same ActiveState/SubState/Result after each, and its
// services must see the same LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

interface Step { name: string; sh?: string; systemctl?: string[]; waitFor?: string; settle?: boolean; show: string[]; cat?: string }
const fixtures = join(__dirname, '../fixtures/socket-states');
const steps: Step[] = JSON.parse(readFileSync(join(fixtures, 'steps.json'), 'utf8'));
const recorded: { steps: Record<string, { show: string; cat?: string }> } = JSON.parse(readFileSync(join(fixtures, 'recorded.json'), 'utf8'));
const dir = mkdtempSync('/tmp/svcd-socket-states-');
const RUN = '/run/svcd-sockstates';

let svcd: SvcdInNamespace;
beforeAll(async () => {
  rmSync(RUN, { recursive: true, force: true });
  // A network namespace of its own: the tree's fixed port stays off the host.
  svcd = await bootInNamespace(dir, join(fixtures, 'units'), 'x.target', '/nonexistent', ['unshare', '--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(RUN, { recursive: true, force: true });
});

// One test: each step builds on the state the one before left.
it('walks the recorded steps through the same states as systemd', async () => {
  for (const step of steps) {
    if (step.sh) spawnSync('sh', ['-c', step.sh]);
    if (step.systemctl) await svcd.svcctl(...step.systemctl);
    for (let t = 0; step.waitFor && t < 100 && !existsSync(step.waitFor); t++) await sleep(100);
    await sleep(step.settle ? 1000 : 300);
    const want = recorded.steps[step.name]!;
    const show = (await svcd.svcctl('show', '-p', 'Id,ActiveState,SubState,Result', ...step.show)).stdout;
    expect({ step: step.name, show }, svcd.console()).toEqual({ step: step.name, show: want.show });
    if (step.cat) expect({ step: step.name, cat: existsSync(step.cat) ? readFileSync(step.cat, 'utf8') : '' }).toEqual({ step: step.name, cat: want.cat });
  }
}, 120_000);
