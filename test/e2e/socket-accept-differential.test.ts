// Accept=yes accounting against real systemd 252 (recorded by scripts/record-socket-accept-fixtures.mjs
// into test/fixtures/socket-accept/): svcd as PID 1 takes the same connections (a unix path, IPv6,
// IPv4 onto [::], three to a MaxConnections=1 socket, one closed again) and must show the same
// NAccepted=/NConnections=/NRefused=, the same "Accepted: N; Connected: M;" status line, and
// instances named as systemd names them — also after the socket is stopped and started again.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ACCEPT_FIXTURES, ACCEPT_RUN, runAcceptSteps } from '../support/socket-accept.mjs';
import { bootInNamespace, shellInside, type SvcdInNamespace } from '../support/svcd-ns.js';

const recorded = JSON.parse(readFileSync(join(ACCEPT_FIXTURES, 'recorded.json'), 'utf8')) as { steps: unknown };
const dir = mkdtempSync('/tmp/svcd-socket-accept-');

let svcd: SvcdInNamespace;
beforeAll(async () => {
  rmSync(ACCEPT_RUN, { recursive: true, force: true });
  // A network namespace of its own: the fixed port stays off the host.
  svcd = await bootInNamespace(dir, join(ACCEPT_FIXTURES, 'units'), 'x.target', '/nonexistent', ['unshare', '--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(ACCEPT_RUN, { recursive: true, force: true });
});

it('counts, names and refuses connections as systemd does', async () => {
  const got = await runAcceptSteps(async (...args: string[]) => (await svcd.svcctl(...args)).stdout, (script) => shellInside(svcd, script, ['-m', '-p', '-n']));
  expect(got, svcd.console()).toEqual(recorded.steps);
}, 120_000);
