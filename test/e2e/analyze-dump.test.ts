// `svcctl analyze dump` against systemd-analyze 252 on the same units, booted the same way: the
// fixture's own units (a socket, a timer and a path unit that wait, a slice with limits, a service
// with many exec, kill and resource settings) and the Debian packages' unit files (nginx,
// redis-server, ssh, cron, memcached, postgresql: copied from /lib/systemd/system where the test runs,
// by scripts/analyze-dump-tree.sh), which debian.target only loads (it is ordered after them); after
// the boot, `start --no-block late.service` queues two jobs (slow.service's runs a long sleep).
// Compared: each unit's own section — everything dump prints after the common section (which
// test/e2e/analyze-dot.test.ts compares) — line by line, for every service, socket, timer, path,
// slice and scope both managers hold: state, settings, the exec, kill and cgroup contexts, commands,
// the unit's job; and the manager's list of jobs that ends the dump (job ids masked); and of the
// common section, each unit's conditions and asserts with their results (held, failed in the
// middle of the list, no trigger held, never tested).
// Pids and times are checked for their form; SystemCallFilter= is compared as a set (systemd prints
// a hash table's order). What svcd does not print (docs/analyze.md) is taken out of systemd's side
// here, each by its own rule below.
//
// systemd's answer is recorded (scripts/record-analyze-dump-fixtures.sh → test/fixtures/analyze-dump/
// recorded); where systemd-ns can boot systemd here, it is recorded again live and compared too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle, withLiveRecording } from '../support/oracle.js';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';
import { SYSCALL_NUMBERS } from '../../src/shared/syscall-numbers.generated.js';

const repo = join(__dirname, '../..');
const recorded = join(repo, 'test/fixtures/analyze-dump/recorded');
const DEBIAN = ['nginx.service', 'redis-server.service', 'ssh.service', 'ssh.socket', 'cron.service', 'memcached.service', 'postgresql.service'];
const haveDebian = DEBIAN.every((u) => existsSync(join('/lib/systemd/system', u)));
const STAMP = /^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \w+$/;
/** The unit types whose own section svcd prints (a mount's and a device's it does not: svcd reads no mountinfo). */
const TYPES = /\.(service|socket|timer|path|slice|scope)$/;
/**
 * The calls of the ABIs svcd builds filters for: a group's calls of other architectures follow
 * svcd's group table on one side and libseccomp's name list on the other (set_tls, riscv_hwprobe).
 */
const KNOWN_CALLS = new Set(Object.values(SYSCALL_NUMBERS).flatMap((t) => Object.keys(t)));

/** The units' sections, without the manager's list of jobs that ends the dump. */
const unitsPart = (text: string) => text.split(/^-> Job /m)[0]!;

/** The manager's list of jobs (ids masked: each manager counts its own), sorted: systemd lists a hash table's order. */
function jobList(text: string): string[] {
  return text.split(/^-> Job /m).slice(1).map((j) => `-> Job (id):${j.slice(j.indexOf(':') + 1)}`).sort();
}

/**
 * Each loaded unit's own section: the lines after its common section (from the one after
 * IgnoreOnIsolate=), pids and times checked for their form and masked, SystemCallFilter= as a
 * sorted set; `files`: the unit files, for the rules that depend on what a unit sets.
 */
function ownSections(text: string, files: ReadonlyMap<string, string>, hostDefaults = false): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const b of unitsPart(text).split(/^-> Unit /m).slice(1)) {
    const [first = '', ...lines] = b.split('\n');
    const id = first.slice(0, -1);
    if (!TYPES.test(id)) continue;
    const start = lines.findIndex((l) => l.startsWith('\tIgnoreOnIsolate: '));
    if (start < 0) continue;
    const own: string[] = [];
    for (const l of lines.slice(start + 1)) {
      if (l === '') continue;
      const [, key = '', value = ''] = /^\t+([^:]+): ?(.*)$/.exec(l) ?? [];
      if (/^-> Job \d+$/.test(key)) own.push(l.replace(/\d+:$/, '(id):'));
      else if (hostDefaults && key === 'TasksMax' && !/^TasksMax=/m.test(files.get(id) ?? '')) {
        // DefaultTasksMax= is a share of the kernel's task limit: the recording's is its host's.
        expect(value, l).toMatch(/^\d+$/);
        own.push('\tTasksMax: (host default)');
      }
      else if (/^(PID|Control PID|Main PID)$/.test(key)) {
        expect(value, l).toMatch(/^\d+$/);
        own.push(l.replace(/\d+$/, '(pid)'));
      } else if (key.endsWith('Timestamp')) {
        expect(value, l).toMatch(STAMP);
        own.push(l.replace(value, '(time)'));
      } else if (key === 'SystemCallFilter') {
        const calls = value.replace(/^~/, '').split(' ').filter((c) => KNOWN_CALLS.has(c.replace(/:.*/, '')));
        own.push(`\t${key}: ${value.startsWith('~') ? '~' : ''}${calls.sort().join(' ')}`);
      }
      else own.push(l);
    }
    out.set(id, own);
  }
  return out;
}

/** Every unit's Condition…=/Assert…= lines with their results (those of the common section's list). */
function conditionLines(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const b of unitsPart(text).split(/^-> Unit /m).slice(1)) {
    const lines = b.split('\n').filter((l) => /^\t(Condition|Assert)\w+: /.test(l));
    if (lines.length > 0) out.set(b.slice(0, b.indexOf(':\n')), lines);
  }
  return out;
}

describe('svcctl analyze dump: each unit type\'s own section against systemd-analyze 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-analyze-dump-'));
  const units = join(dir, 'units');
  let svcd: SvcdInNamespace;
  let dump: SvcctlResult;
  const files = new Map<string, string>();

  beforeAll(async () => {
    const tree = spawnSync('sh', [join(repo, 'scripts/analyze-dump-tree.sh'), units], { encoding: 'utf8' });
    expect(tree.status, tree.stderr).toBe(0);
    for (const u of [...DEBIAN, 'sandboxed.service', 'listen.socket', 'listen.service', 'tick.timer', 'tick.service', 'watch.path', 'watch.service', 'box.slice']) {
      files.set(u, readFileSync(join(units, u), 'utf8'));
    }
    svcd = await bootInNamespace(dir, units, 'multi-user.target');
    // Two jobs queued while dump is asked: slow.service's running, late.service's waiting for it.
    const start = await svcd.svcctl('start', '--no-block', 'late.service');
    expect(start.rc, start.stderr).toBe(0);
    dump = await svcd.svcctl('analyze', 'dump');
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `elsewhere`: recorded on another host, whose kernel task limit may differ. */
  function compare(recording: string, elsewhere: boolean): void {
    expect(dump.rc).toBe(0);
    const want = ownSections(readFileSync(join(recording, 'dump.txt'), 'utf8'), files, elsewhere);
    const ours = ownSections(dump.stdout, files, elsewhere);
    const expected = ['checked.service', 'skipped.service', 'untriggered.service', 'twice.service', 'sandboxed.service', 'listen.socket', 'listen.service', 'tick.timer', 'tick.service', 'watch.path', 'watch.service', 'box.slice', 'slow.service', 'late.service', ...DEBIAN];
    expect([...want.keys()]).toEqual(expect.arrayContaining(expected));
    // Every unit both hold (systemd holds a few that only its base tree or mountinfo brings).
    const both = [...want.keys()].filter((id) => ours.has(id));
    expect(both).toEqual(expect.arrayContaining(expected));
    const differences = both.flatMap((id) => {
      const [w, o] = [want.get(id)!, ours.get(id)!];
      return [...w.filter((l) => !o.includes(l)).map((l) => `${id} - ${l}`), ...o.filter((l) => !w.includes(l)).map((l) => `${id} + ${l}`)];
    });
    expect(differences).toEqual([]);
    for (const id of both) expect(ours.get(id), id).toEqual(want.get(id));
    // A started socket's cgroup path (picked, not made), of the common section.
    const cgroup = (text: string) => (unitsPart(text).split(/^-> Unit /m).find((b) => b.startsWith('listen.socket:\n')) ?? '').split('\n').filter((l) => /^\tCGroup( realized)?: /.test(l));
    expect(cgroup(dump.stdout)).toEqual(cgroup(readFileSync(join(recording, 'dump.txt'), 'utf8')));
    expect(cgroup(dump.stdout)).toEqual(['\tCGroup: /system.slice/listen.socket', '\tCGroup realized: no']);
    // Of the common section, the controllers each unit needs and a slice's members need (the
    // realized ones are the host's): every unit both hold.
    const masks = (text: string) => new Map(unitsPart(text).split(/^-> Unit /m).slice(1).map((b) => [b.slice(0, b.indexOf(':\n')), b.split('\n').filter((l) => /^\tCGroup (own|members) mask: /.test(l))]));
    const [wantMasks, ourMasks] = [masks(readFileSync(join(recording, 'dump.txt'), 'utf8')), masks(dump.stdout)];
    expect(wantMasks.get('sandboxed.service')).toEqual(['\tCGroup own mask: cpu cpuacct io blkio memory devices pids bpf-devices']);
    expect(Object.fromEntries(both.map((id) => [id, ourMasks.get(id)]))).toEqual(Object.fromEntries(both.map((id) => [id, wantMasks.get(id)])));
    for (const slice of ['-.slice', 'system.slice']) expect(ourMasks.get(slice), slice).toEqual(wantMasks.get(slice));
    const conditions = conditionLines(readFileSync(join(recording, 'dump.txt'), 'utf8'));
    expect([...conditions.keys()]).toEqual(expect.arrayContaining(['checked.service', 'skipped.service', 'untriggered.service', 'twice.service', 'ssh.service']));
    expect(Object.fromEntries(conditionLines(dump.stdout))).toEqual(Object.fromEntries(conditions));
    const jobs = jobList(readFileSync(join(recording, 'dump.txt'), 'utf8'));
    expect(jobs).toHaveLength(2);
    expect(jobList(dump.stdout)).toEqual(jobs);
  }

  it.runIf(haveDebian)('the recorded dump: every service, socket, timer, path and slice section line by line', () => {
    compare(recorded, true);
  });

  it('a service\'s exec context shows what its file sets, a socket\'s its addresses, a timer its values newest first', () => {
    const ours = ownSections(dump.stdout, files);
    expect(ours.get('sandboxed.service')).toEqual(expect.arrayContaining([
      '\tUMask: 0027', '\tEnvironment: B=two words', '\tBindReadOnlyPaths: -/usr/share:/srv:norbind', '\tCapabilityBoundingSet: cap_chown cap_net_bind_service',
      '\tLimitNOFILE: 4096', '\tCommand Line: /bin/kill -HUP "\\$MAINPID"', '\tMemoryMax: 104857600', '\tPermissionsStartOnly: yes',
    ].map((l) => (l.includes('Command Line') ? `\t${l}` : l))));
    expect(ours.get('listen.socket')).toEqual(expect.arrayContaining(['\tSocket State: listening', '\tListenStream: @svcd-dumpx-listen', '\tKeyringMode: shared']));
    const tick = ours.get('tick.timer') ?? [];
    expect(tick.slice(-2)).toEqual(['\tOnBootSec: 1h', '\tOnCalendar: *-*-* 00:00:00']);
  });

  it.runIf(liveOracle && haveDebian)('live: systemd 252 booted on the same units now answers the same way', () => {
    withLiveRecording('record-analyze-dump-fixtures.sh', (dir) => compare(dir, false));
  }, 120_000);
});
