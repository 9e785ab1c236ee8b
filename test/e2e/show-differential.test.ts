// `svcctl show --all` and `svcctl status` against systemctl 252's, on the same units booted the
// same way: Debian's nginx, redis-server, ssh, cron, memcached and postgresql (its meta unit) units (unmodified), the seed's
// nova-compute, and the project's own (test/fixtures/show/units). Every property systemctl
// prints must come out with the same name and value after the normalizations of
// test/support/show-compare.ts; where svcd differs, docs/differences.md must say so — and say
// nothing more: a new difference fails the test, and so does a fixed one still listed.
//
// systemd's answers are recorded (scripts/record-show-fixtures.mjs → test/fixtures/show/recorded.json);
// where systemd-ns can boot systemd here, the comparison is re-run against a live systemd too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffShow, diffStatus, documentedDifferences, expectedFor, parseShow, parseStatus, type Paths } from '../support/show-compare.js';
import { availableUnits, BASE_UNITS, buildUnitDir, CLIENT_ENV, collect, collectSystemd, repo, systemdNsUsable, type Collected } from '../support/show-oracle.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

interface Recorded extends Collected {
  readonly unitDir: string;
  readonly baseDir: string;
  readonly hashes: Record<string, string>;
}

const recorded = JSON.parse(readFileSync(join(repo, 'test/fixtures/show/recorded.json'), 'utf8')) as Recorded;
const recordedPaths: Paths = [[recorded.unitDir, '<unitdir>'], [recorded.baseDir, '<basedir>']];
const files = availableUnits(recorded.hashes);
// A unit is comparable with the recording where its file is the one recorded and the programs it
// runs are as present (or absent) as they were: an installed nginx starts where the recorded one failed.
const comparable = Object.keys(recorded.units).filter((u) => files[u] && Object.entries(recorded.units[u]!.programs).every(([p, had]) => spawnSync('test', ['-e', p]).status === (had ? 0 : 1)));
const documented = documentedDifferences(repo);
// The objects compared: those units, and a target and a slice of each manager's own base units.
const objects = [...comparable, ...BASE_UNITS];
// The manager and the base units (NFailedUnits=, multi-user.target's Wants=, …) depend on every unit
// booted: they are compared with the recording only when all its units are comparable here.
const complete = Object.keys(recorded.hashes).every((u) => comparable.includes(u));

/** Every way svcd's answers about `object` differ from systemd's, as "Property kind" strings. */
function observed(object: string, systemd: Collected, systemdPaths: Paths, svcd: Collected, svcdPaths: Paths): { set: Set<string>; detail: string } {
  const want = object === 'manager' ? systemd.manager : systemd.units[object]!.show;
  const got = object === 'manager' ? svcd.manager : svcd.units[object]!.show;
  const d = diffShow(parseShow(want, systemdPaths), parseShow(got, svcdPaths));
  const set = new Set([...d].map(([name, x]) => `${name} ${x.kind}`));
  // The properties both print come in the same order (systemd's vtable order): no exceptions.
  const names = (t: string) => [...new Set(t.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf('='))))];
  const [a, b] = [names(want), names(got)];
  if (JSON.stringify(a.filter((n) => b.includes(n))) !== JSON.stringify(b.filter((n) => a.includes(n)))) set.add('property-order value');
  let detail = [...d].filter(([, x]) => x.kind === 'value').map(([n, x]) => `${n}: systemd ${JSON.stringify(x.systemd)} svcd ${JSON.stringify(x.svcd)}`).join('\n');
  if (object !== 'manager') {
    const s = diffStatus(parseStatus(systemd.units[object]!.status, systemdPaths), parseStatus(svcd.units[object]!.status, svcdPaths));
    for (const [field, kind] of s) set.add(`${field.replace(/ /g, '_')} ${kind}`);
    if (s.size > 0) detail += `\n--- systemctl status:\n${systemd.units[object]!.status}\n--- svcctl status:\n${svcd.units[object]!.status}`;
    if (systemd.units[object]!.statusRc !== svcd.units[object]!.statusRc) set.add('status-exit-code value');
  }
  return { set, detail };
}

function checkAgainstDocs(object: string, systemd: Collected, systemdPaths: Paths, svcd: Collected, svcdPaths: Paths): void {
  const { set, detail } = observed(object, systemd, systemdPaths, svcd, svcdPaths);
  const expected = expectedFor(documented, object);
  const undocumented = [...set].filter((x) => !expected.has(x)).sort();
  const fixed = [...expected].filter((x) => !set.has(x)).sort();
  expect({ undocumented, fixed }, `${object}: differences not in docs/differences.md, or listed there but gone\n${detail}`).toEqual({ undocumented: [], fixed: [] });
}

let work = '';
let unitDir = '';
let svcd: SvcdInNamespace | undefined;
let svcdAnswers: Collected;
let svcdPaths: Paths = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'show-diff-'));
  unitDir = join(work, 'units');
  buildUnitDir(unitDir, Object.fromEntries(comparable.map((u) => [u, files[u]!])));
  // Its own network namespace (loopback up, as systemd sets it up) and /run, as systemd-ns gives
  // systemd: the Debian daemons, where installed, bind their ports and write their pid files there,
  // never beside another test's. svcd's runtime directory (its NOTIFY_SOCKET) is in that /run, as in
  // a container, where PrivateTmp= (redis-server's) cannot hide it as it would one under /tmp.
  svcd = await bootInNamespace(work, unitDir, 'multi-user.target', '/nonexistent', ['unshare', '--net', '--', 'sh', '-c', 'mount -t tmpfs tmpfs /run && ip link set lo up && exec "$@"', 'sh'], '/run/svcd');
  const run = svcd.run;
  const ctl = (...a: string[]) => spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', run, ...a], { encoding: 'utf8', env: CLIENT_ENV });
  svcdAnswers = collect(ctl, objects);
  svcdPaths = [[unitDir, '<unitdir>'], [join(repo, 'units'), '<basedir>']];
}, 180_000);

afterAll(async () => {
  await svcd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('svcctl show/status against the recorded systemctl 252', () => {
  it('compares at least the project\'s own units and the seed\'s nova-compute', () => {
    expect(comparable).toEqual(expect.arrayContaining(['show-formats.service', 'show-noexec.service', 'show-running.service', 'nova-compute.service']));
  });

  it.skipIf(!complete)('prints the manager\'s properties as systemctl does, but for the documented differences (with every recorded unit comparable)', () => {
    checkAgainstDocs('manager', recorded, recordedPaths, svcdAnswers, svcdPaths);
  });

  it.each(complete ? objects : comparable)('%s: every property and status field as systemctl prints it, but for the documented differences', (unit) => {
    checkAgainstDocs(unit, recorded, recordedPaths, svcdAnswers, svcdPaths);
  });
});

describe.skipIf(!systemdNsUsable())('svcctl show/status against a live systemd 252 (systemd-ns)', () => {
  let live: Collected;
  let liveDir = '';
  let livePaths: Paths = [];
  beforeAll(() => {
    liveDir = mkdtempSync(join(tmpdir(), 'show-live-'));
    buildUnitDir(liveDir, Object.fromEntries(comparable.map((u) => [u, files[u]!])));
    const got = collectSystemd(liveDir, objects);
    live = got;
    livePaths = [[liveDir, '<unitdir>'], [got.baseDir, '<basedir>']];
  }, 180_000);
  afterAll(() => rmSync(liveDir, { recursive: true, force: true }));

  it('manager: differs from the live systemctl only as documented', () => {
    checkAgainstDocs('manager', live, livePaths, svcdAnswers, svcdPaths);
  });

  it.each(objects)('%s: differs from the live systemctl only as documented', (unit) => {
    checkAgainstDocs(unit, live, livePaths, svcdAnswers, svcdPaths);
  });
});
