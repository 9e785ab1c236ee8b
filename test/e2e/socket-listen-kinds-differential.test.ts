// ListenNetlink= and ListenMessageQueue= against real systemd 252 (recorded by
// scripts/record-socket-listen-kinds-fixtures.mjs into test/fixtures/socket-listen-kinds/): svcd as
// PID 1, in network and IPC namespaces of its own, must read the same netlink values (and refuse
// the same), show the same Listen= lines and list-sockets, be activated by a link going down and up
// and by mq_send() into the same states, and hand its services the same LISTEN_* and fd kinds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LISTEN_KINDS_FIXTURES, LISTEN_KINDS_RUN, runListenKindsSteps } from '../support/socket-listen-kinds.mjs';
import { bootInNamespace, shellInside, type SvcdInNamespace } from '../support/svcd-ns.js';

const recorded = JSON.parse(readFileSync(join(LISTEN_KINDS_FIXTURES, 'recorded.json'), 'utf8')) as { steps: unknown };
const dir = mkdtempSync('/tmp/svcd-socket-listen-kinds-');

let svcd: SvcdInNamespace;
beforeAll(async () => {
  rmSync(LISTEN_KINDS_RUN, { recursive: true, force: true });
  // Its own network namespace (the link changes stay there) and IPC namespace (the message queue).
  svcd = await bootInNamespace(dir, join(LISTEN_KINDS_FIXTURES, 'units'), 'x.target', '/nonexistent', ['unshare', '--net', '--ipc', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(LISTEN_KINDS_RUN, { recursive: true, force: true });
});

it('binds netlink and message queue sockets and is activated through them as systemd is', async () => {
  const got = await runListenKindsSteps(async (...args: string[]) => (await svcd.svcctl(...args)).stdout, (script) => shellInside(svcd, script, ['-m', '-p', '-n', '-i']));
  expect(got, svcd.console()).toEqual(recorded.steps);
}, 120_000);
