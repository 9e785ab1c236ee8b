// `edit` on a running system with svcd as PID 1: the real systemctl 252 (which asks the manager for
// LoadState=, FragmentPath= and DropInPaths= over D-Bus, and reloads it afterwards) and svcctl (over
// svcd's control socket) must both edit as systemctl does against systemd 252, case for case
// (test/support/edit-cases.mjs, recorded by scripts/record-edit-fixtures.mjs into
// test/fixtures/edit/recorded.json). The tree is mounted over svcd's /etc/systemd/system,
// /run/systemd/system and /usr/lib/systemd/system, rebuilt in place before each case and reloaded.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditTree, caseName, CASES, runEditCase, type EditOutcome } from '../support/edit-cases.mjs';
import { bootSearchPathInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

const recorded = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/edit/recorded.json'), 'utf8')) as { cases: EditOutcome[] }).cases;
const systemctlPresent = spawnSync('test', ['-x', '/usr/bin/systemctl']).status === 0;
// The stock search path (Debian's, /lib before /usr/lib), then svcd's own units for the boot target.
const SEARCH_PATH = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system', join(PACKAGE_ROOT, 'units')].join(':');

let dir = '';
let tree = '';
let svcd: SvcdInNamespace;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'svcd-edit-e2e-'));
  chmodSync(dir, 0o755);
  tree = join(dir, 'tree');
  buildEditTree(tree);
  const setup = [
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/systemd/system',
    `mount --bind ${tree}/run/systemd/system /run/systemd/system`,
    `mount --bind ${tree}/usr/lib/systemd/system /usr/lib/systemd/system`,
    `mount --bind ${tree}/etc/systemd/system /etc/systemd/system`,
    'exec "$@" --manager-bus',
  ].join(' && ');
  svcd = await bootSearchPathInNamespace(dir, SEARCH_PATH, 'multi-user.target', '/nonexistent', ['sh', '-c', setup, 'sh'], '/run/svcd');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** systemctl 252 leaves a temporary file behind when a later unit fails to be found; svcd's tools do not (docs/differences.md). */
const withoutLeftovers = (o: EditOutcome): EditOutcome => ({ ...o, files: Object.fromEntries(Object.entries(o.files).filter(([k]) => !k.includes('/.#'))) });

function runIn(i: number, argv0: readonly string[]): EditOutcome {
  buildEditTree(tree);
  const inside = ['nsenter', '-t', String(svcd.hostPid), '-m', '-p'];
  spawnSync(inside[0]!, [...inside.slice(1), '/usr/bin/systemctl', 'daemon-reload'], { env: { ...process.env, SYSTEMD_IGNORE_CHROOT: '1' } });
  return runEditCase(CASES[i]!, { argv0, wrap: inside, root: tree, logPath: join(dir, 'editor.log'), env: { SYSTEMD_IGNORE_CHROOT: '1' } });
}

describe.skipIf(!systemctlPresent)('the real systemctl edit against svcd as PID 1: as against systemd 252', () => {
  it.each(CASES.map((c, i) => [caseName(c), i] as const))('%s', (_name, i) => {
    // Temporary files it leaves behind included: those are the client's doing, whatever the manager.
    expect(runIn(i, ['/usr/bin/systemctl'])).toEqual(recorded[i]);
  }, 60_000);
});

describe('svcctl edit against svcd as PID 1: as systemctl against systemd 252', () => {
  it.each(CASES.map((c, i) => [caseName(c), i] as const))('%s', (_name, i) => {
    const got = runIn(i, [process.execPath, join(PACKAGE_ROOT, 'dist/cli/svcctl.js'), '--runtime-dir', '/run/svcd']);
    expect(Object.keys(got.files).filter((k) => k.includes('/.#'))).toEqual([]);
    expect(got).toEqual(withoutLeftovers(recorded[i]!));
  }, 60_000);
});
