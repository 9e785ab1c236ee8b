// `svcctl analyze dot` and `dump` against systemd-analyze 252 on the same units, booted the same way
// (test/fixtures/analyze-dot/units: every dependency kind dot draws, one through an alias, and two it
// does not). Both managers hold the same units in memory — the closure of what the boot loaded and
// what a kept unit references, run or not (old.service, which web.service conflicts with;
// shutdown.target; emergency.target through local-fs.target's OnFailure=) — so `list-units --all`
// lists the same rows and dot draws the same edges, except what systemd learns from
// /proc/self/mountinfo (svcd knows no mount but the root): those mounts and what only they bring.
// The order of a unit's edges is a hash table's in systemd, so edges are compared as a set; the
// legend on stderr byte for byte. dump: every such unit's common section line by line, its
// dependency lines with their origins ("After: db.service (origin-file)"), References=/ReferencedBy=,
// InSlice=/SliceOf= and RequiresMountsFor= as a set, a target's "Target State", a service's own
// state, settings, kill settings and command runs, its own and (a slice's) members' cgroup masks; not
// compared here: the masks of what a realized cgroup has (the host's controllers), the exec and
// cgroup contexts and the other types' own sections (test/e2e/analyze-dump.test.ts compares them on
// a tree of every type), a target's Alias lines (the trees' own links differ); times, pids and
// invocation IDs checked for their form only.
//
// systemd's answers are recorded (scripts/record-analyze-dot-fixtures.sh → test/fixtures/analyze-dot/
// recorded); where systemd-ns can boot systemd here, they are recorded again live and compared too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/analyze-dot');
const unitDir = join(fixtures, 'units');
const CASES = readFileSync(join(fixtures, 'cases.txt'), 'utf8').split('\n').slice(0, -1).map((l) => l.split(' ').filter(Boolean));
const EDGE = /^\t"([^"]+)"->"([^"]+)" \[color="(green|black|darkblue|grey66|red)"\];$/;

/**
 * What systemd has from /proc/self/mountinfo, read from its dump: every mount unit but the root's
 * (svcd knows no other), and the units only those reference (umount.target).
 */
function fromMountinfo(dump: string): Set<string> {
  const referrers = new Map<string, string[]>();
  for (const block of dump.split(/^-> Unit /m).slice(1)) {
    const id = block.slice(0, block.indexOf(':\n'));
    referrers.set(id, [...block.matchAll(/^\tReferencedBy: (\S+)/gm)].map((m) => m[1]!));
  }
  const mounts = new Set([...referrers.keys()].filter((id) => id.endsWith('.mount') && id !== '-.mount'));
  for (const [id, by] of referrers) if (by.length > 0 && by.every((o) => mounts.has(o))) mounts.add(id);
  return mounts;
}

/** The edges whose ends are neither in `skip`, after checking every line's shape. */
function edges(text: string, skip: ReadonlySet<string>): string[] {
  const lines = text.split('\n');
  expect(lines[0]).toBe('digraph systemd {');
  expect(lines.slice(-2)).toEqual(['}', '']);
  const out: string[] = [];
  for (const l of lines.slice(1, -2)) {
    const m = EDGE.exec(l);
    expect(m, l).not.toBeNull();
    if (!skip.has(m![1]!) && !skip.has(m![2]!)) out.push(l);
  }
  return out.sort();
}

/** list-units --all --plain --no-legend rows (columns joined by one space), those of `skip` left out. */
function rows(text: string, skip: ReadonlySet<string>): string[] {
  return text.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).join(' ')).filter((l) => !skip.has(l.split(' ')[0]!));
}

/** The dependency lines of a dump (systemd's UnitDependency names). */
const DEPENDENCY_LINES = new Set(['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy',
  'BoundBy', 'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
  'References', 'ReferencedBy', 'InSlice', 'SliceOf', 'RequiresMountsFor']);
const STAMP = /^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \w+$/;

/**
 * A dump's units (those of `only` when given, never those of `skip`), each as the lines both
 * managers print: the common section line by line, then its dependency lines with their origins
 * as a set (systemd's order within a kind is a hash table's), those naming a unit of `skip` left
 * out; values that vary checked and masked.
 */
function dumpSections(text: string, skip: ReadonlySet<string>, only?: ReadonlySet<string>): Map<string, string[]> {
  const [head = '', ...blocks] = text.split(/^-> Unit /m);
  for (const l of head.split('\n').filter((x) => x.startsWith('Timestamp '))) expect(l.slice(l.indexOf(': ') + 2)).toMatch(STAMP);
  const out = new Map<string, string[]>();
  for (const b of blocks) {
    const [first = '', ...lines] = b.split('\n');
    const id = first.slice(0, -1);
    if (skip.has(id) || (only && !only.has(id))) continue;
    const end = lines.findIndex((l) => l.startsWith('\tIgnoreOnIsolate: '));
    const kept: string[] = [];
    const deps: string[] = [];
    for (const l of [...lines.slice(0, end < 0 ? lines.length : end + 1), ...lines.filter((x) => x.startsWith('\tTarget State: '))]) {
      const [, key = '', value = ''] = /^\t([^:]+): (.*)$/.exec(l) ?? [];
      // Alias: the links to the unit in the search path; a target's are the trees' own (svcd's unit
      // directory links runlevelN.target, the namespace's base tree default.target), a fixture unit's compared.
      if (key === '' || (key === 'Alias' && id.endsWith('.target')) || /^CGroup (realized|enabled|delegate) mask$/.test(key)) continue;
      if (key.endsWith('Timestamp') && value !== 'n/a') {
        expect(value, l).toMatch(STAMP);
        kept.push(`${key}: (time)`);
      } else if (key === 'Invocation ID') {
        // svcd gives none to a unit that runs nothing (a target): not compared.
        expect(value).toMatch(/^[0-9a-f]{32}$/);
      } else if (key === 'Fragment Path') kept.push(`${key}: ${value.slice(value.indexOf('test/fixtures/'))}`);
      else if (DEPENDENCY_LINES.has(key)) {
        if (!skip.has(value.replace(/ \(.*\)$/, ''))) deps.push(`${key}: ${value}`);
      } else kept.push(`${key}: ${value}`);
    }
    out.set(id, [...kept, ...deps.sort(), ...serviceSection(lines)]);
  }
  return out;
}

/**
 * A service's own lines: its state, settings and kill settings ("Service State" to "SendSIGHUP")
 * byte for byte, and each Exec*= block with its run, pid and times checked for their form only.
 * systemd prints its exec and cgroup contexts between and after them, which svcd does not.
 */
function serviceSection(lines: readonly string[]): string[] {
  const start = lines.findIndex((l) => l.startsWith('\tService State: '));
  if (start < 0) return [];
  const own = lines.slice(start, lines.findIndex((l) => l.startsWith('\tSendSIGHUP: ')) + 1);
  const exec: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('\t-> Exec')) continue;
    exec.push(lines[i]!);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('\t\t'); j++) {
      const l = lines[j]!;
      if (/^\t\t\tPID: /.test(l)) {
        expect(l).toMatch(/^\t\t\tPID: \d+$/);
        exec.push('\t\t\tPID: (pid)');
      } else if (/Timestamp: /.test(l)) {
        expect(l.slice(l.indexOf(': ') + 2), l).toMatch(STAMP);
        exec.push(`${l.slice(0, l.indexOf(': '))}: (time)`);
      } else exec.push(l);
    }
  }
  return [...own, ...exec];
}

describe('svcctl analyze dot and dump against systemd-analyze 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-analyze-dot-'));
  let svcd: SvcdInNamespace;
  const answers: SvcctlResult[] = [];
  let dump: SvcctlResult;
  let dumpPatterns: SvcctlResult;
  let listUnits: SvcctlResult;

  beforeAll(async () => {
    svcd = await bootInNamespace(dir, unitDir, 'multi-user.target');
    // Asked first, before any verb has looked at a unit: what the boot alone left in memory.
    listUnits = await svcd.svcctl('list-units', '--all', '--plain', '--no-legend');
    for (const args of CASES) answers.push(await svcd.svcctl('analyze', 'dot', ...args));
    dump = await svcd.svcctl('analyze', 'dump');
    dumpPatterns = await svcd.svcctl('analyze', 'dump', 'w*', 'memo.service');
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function compare(recorded: string): void {
    const skip = fromMountinfo(readFileSync(join(recorded, 'dump.txt'), 'utf8'));
    expect(skip).toContain('umount.target');
    expect(listUnits.rc).toBe(0);
    expect(rows(listUnits.stdout, skip)).toEqual(rows(readFileSync(join(recorded, 'list-units.txt'), 'utf8'), skip));
    CASES.forEach((args, i) => {
      const name = `dot ${args.join(' ')}`;
      expect(answers[i]!.rc, name).toBe(0);
      expect(edges(answers[i]!.stdout, skip), name).toEqual(edges(readFileSync(join(recorded, `${i + 1}.out`), 'utf8'), skip));
      expect(answers[i]!.stderr, name).toBe(readFileSync(join(recorded, `${i + 1}.err`), 'utf8'));
    });
    expect(dump.rc).toBe(0);
    const want = dumpSections(readFileSync(join(recorded, 'dump.txt'), 'utf8'), skip);
    expect([...want.keys()]).toEqual(expect.arrayContaining(['app.target', 'cache.service', 'db.service', 'old.service', 'web.service', 'worker.service', 'shutdown.target']));
    const ours = dumpSections(dump.stdout, skip);
    expect([...ours.keys()].sort()).toEqual([...want.keys()].sort());
    // Every unit's difference at once, line by line (a unit's lines that only one side prints).
    const differences = [...want].flatMap(([id, lines]) => {
      const mine = ours.get(id) ?? [];
      return [...lines.filter((l) => !mine.includes(l)).map((l) => `${id} - ${l}`), ...mine.filter((l) => !lines.includes(l)).map((l) => `${id} + ${l}`)];
    });
    expect(differences).toEqual([]);
    for (const [id, lines] of want) expect(ours.get(id), id).toEqual(lines);
    // Patterns match unit ids (an alias matches nothing), and leave the manager's lines out.
    // systemd lists units in its hash table's order.
    const headers = (t: string) => t.split('\n').filter((l) => !l.startsWith('\t')).sort();
    expect(headers(dumpPatterns.stdout)).toEqual(headers(readFileSync(join(recorded, 'dump-patterns.txt'), 'utf8')));
  }

  it('the recorded answers: the same units in memory, the same edges for every pattern and option, the same legend; the same dump sections for the tree units', () => {
    compare(join(fixtures, 'recorded'));
  });

  it('an alias among the patterns stands for its unit; edges name units by id, never by alias', () => {
    const memo = answers[CASES.findIndex((a) => a.includes('memo.service'))]!.stdout;
    expect(memo).toContain('\t"web.service"->"cache.service" [color="green"];\n');
    expect(answers[0]!.stdout).toContain('\t"web.service"->"cache.service" [color="grey66"];\n');
    expect(answers[0]!.stdout).not.toContain('memo.service');
  });

  it.runIf(liveOracle)('live: systemd 252 booted on the same units now answers the same way', () => {
    const out = mkdtempSync(join(tmpdir(), 'svcd-analyze-dot-live-'));
    try {
      const r = spawnSync('sh', [join(repo, 'scripts/record-analyze-dot-fixtures.sh'), out], { encoding: 'utf8', timeout: 90_000 });
      expect(r.status, r.stderr).toBe(0);
      compare(out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
