// Unit files reached through symlinks between the stock search directories (/etc/systemd/system →
// /lib/systemd/system, relative links, links to aliases, templates, a link to itself): svcd as PID
// 1 reports the same Id, Names, FragmentPath and DropInPaths in show, and the same file in cat, as
// systemd 252 does (recorded by scripts/record-fragment-link-fixtures.mjs), through svcctl and
// through the real systemctl over D-Bus. The trees are mounted over the stock directories inside
// svcd's mount namespace only.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { answer, answersOfSystemd, ETC, LIB, TARGET, type FragmentAnswer } from '../support/fragment-links.mjs';
import { systemctlInNamespace, SYSTEMCTL_ENV } from '../support/systemctl-cases.mjs';
import { systemdNsUsable, NS } from '../support/show-oracle.mjs';
import { bootSearchPathInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

const recorded = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/dbus/fragment-links.json'), 'utf8')) as { answers: FragmentAnswer[] }).answers;
const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;

let dir = '';
let svcd: SvcdInNamespace;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-fragment-links-'));
  chmodSync(dir, 0o755);
  buildTree(join(dir, 'etc'), ETC);
  buildTree(join(dir, 'lib'), LIB);
  // The stock search path (an empty --unit-path component), with these trees in its directories;
  // the host's own units stay out of sight.
  const mounts = `mount --bind ${join(dir, 'etc')} /etc/systemd/system && mount --bind ${join(dir, 'lib')} /usr/lib/systemd/system && mount -t tmpfs tmpfs /run`;
  svcd = await bootSearchPathInNamespace(dir, ':', TARGET, '/nonexistent', ['sh', '-c', `${mounts} && exec "$@" --manager-bus`, 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** svcctl inside svcd's mount namespace, where the files FragmentPath= names are. */
const svcctl = (args: readonly string[]) => spawnSync('nsenter', ['-t', String(svcd.hostPid), '-m', process.execPath, join(PACKAGE_ROOT, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd', '--no-pager', ...args], {
  encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...SYSTEMCTL_ENV },
});

describe('fragments reached through links between search directories: as systemd 252', () => {
  it('svcctl show and cat', () => {
    expect(answer(svcctl)).toEqual(recorded);
  });

  it.skipIf(!systemctlPresent)('the real systemctl over D-Bus', () => {
    expect(answer(systemctlInNamespace(svcd.hostPid))).toEqual(recorded);
  });

  it.skipIf(!systemdNsUsable())('the recording still matches a live systemd 252 booted here now', () => {
    expect(answersOfSystemd(NS, () => mkdtempSync(join('/var/tmp', 'fragment-links-'))).answers).toEqual(recorded);
  }, 120_000);
});
