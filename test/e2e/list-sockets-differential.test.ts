// `svcctl list-sockets` against real systemd 252's `systemctl list-sockets` on the same unit tree
// (test/fixtures/list-sockets/, recorded by scripts/record-list-sockets-fixtures.sh; re-checked live
// by that script where systemd-ns is present): svcd boots the tree as PID 1 in its own network
// namespace (the tree's fixed ports stay off the host) and must print the recorded text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const fixtures = join(__dirname, '../fixtures/list-sockets');
const dir = mkdtempSync('/tmp/svcd-list-sockets-');
const CASES: [string, string[]][] = [
  ['default', []], ['all', ['--all']], ['types', ['--show-types']], ['all-types', ['--all', '--show-types']],
  ['pattern', ['t.*']], ['failed', ['--state=failed']], ['none', ['nothing*']],
];

let svcd: SvcdInNamespace;
beforeAll(async () => {
  rmSync('/tmp/svcd-lsock', { recursive: true, force: true });
  // A network namespace of its own, loopback up (as systemd-ns has it): [::1] must be bindable.
  svcd = await bootInNamespace(dir, join(fixtures, 'units'), 'x.target', '/nonexistent', ['unshare', '--net', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
}, 60_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync('/tmp/svcd-lsock', { recursive: true, force: true });
});

it.each(CASES)('list-sockets (%s) prints what systemctl printed', async (name, args) => {
  const r = await svcd.svcctl('list-sockets', '--no-pager', ...args);
  expect(r.stdout, svcd.console()).toBe(readFileSync(join(fixtures, `${name}.txt`), 'utf8'));
}, 30_000);
