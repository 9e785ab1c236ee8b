// `svcctl analyze dot` and `dump` against systemd-analyze 252 on the same units, booted the same way
// (test/fixtures/analyze-dot/units: every dependency kind dot draws, one through an alias, and two it
// does not). The order of a unit's edges is a hash table's in systemd, so what is compared is the
// set of edges among the tree's units and the targets and slice both managers give them, from the
// units both keep loaded; the legend on stderr byte for byte. dump: each tree unit's section, line
// by line, without what svcd does not track (dependency origins, references, cgroup masks, the
// type's own section), times and invocation IDs checked for their form only.
//
// systemd's answers are recorded (scripts/record-analyze-dot-fixtures.sh → test/fixtures/analyze-dot/
// recorded); where systemd-ns can boot systemd here, they are recorded again live and compared too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/analyze-dot');
const unitDir = join(fixtures, 'units');
const CASES = readFileSync(join(fixtures, 'cases.txt'), 'utf8').split('\n').slice(0, -1).map((l) => l.split(' ').filter(Boolean));
const SHARED = new Set([...readdirSync(unitDir).filter((f) => /\.(service|target)$/.test(f)), 'sysinit.target', 'basic.target', 'shutdown.target', 'multi-user.target', 'system.slice']);
const EDGE = /^\t"([^"]+)"->"([^"]+)" \[color="(green|black|darkblue|grey66|red)"\];$/;

/** The edges between shared units whose source is in `loaded`, after checking every line's shape. */
function edges(text: string, loaded: ReadonlySet<string>): string[] {
  const lines = text.split('\n');
  expect(lines[0]).toBe('digraph systemd {');
  expect(lines.slice(-2)).toEqual(['}', '']);
  const out: string[] = [];
  for (const l of lines.slice(1, -2)) {
    const m = EDGE.exec(l);
    expect(m, l).not.toBeNull();
    if (SHARED.has(m![1]!) && SHARED.has(m![2]!) && loaded.has(m![1]!)) out.push(l);
  }
  return out.sort();
}

/** The dependency lines of a dump (systemd's UnitDependency names). */
const DEPENDENCY_LINES = new Set(['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy',
  'BoundBy', 'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf',
  'InSlice', 'SliceOf']);
const STAMP = /^\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \w+$/;

/** A dump's tree units, each as the lines both managers print; values that vary checked and masked. */
function dumpSections(text: string, loaded: ReadonlySet<string>): Map<string, string[]> {
  const [head = '', ...blocks] = text.split(/^-> Unit /m);
  for (const l of head.split('\n').filter((x) => x.startsWith('Timestamp '))) expect(l.slice(l.indexOf(': ') + 2)).toMatch(STAMP);
  const out = new Map<string, string[]>();
  for (const b of blocks) {
    const [first = '', ...lines] = b.split('\n');
    const id = first.slice(0, -1);
    if (!SHARED.has(id) || !loaded.has(id) || !readdirSync(unitDir).includes(id)) continue;
    const end = lines.findIndex((l) => l.startsWith('\tIgnoreOnIsolate: '));
    const kept: string[] = [];
    const deps: string[] = [];
    for (const l of lines.slice(0, end + 1)) {
      const [, key = '', value = ''] = /^\t([^:]+): (.*)$/.exec(l) ?? [];
      if (/^CGroup (own|realized|enabled|members|delegate) mask$/.test(key) || key === 'References' || key === 'ReferencedBy') continue;
      if (key.endsWith('Timestamp') && value !== 'n/a') {
        expect(value, l).toMatch(STAMP);
        kept.push(`${key}: (time)`);
      } else if (key === 'Invocation ID') {
        // svcd gives none to a unit that runs nothing (a target): not compared.
        expect(value).toMatch(/^[0-9a-f]{32}$/);
      } else if (key === 'Fragment Path') kept.push(`${key}: ${value.slice(value.indexOf('test/fixtures/'))}`);
      else if (DEPENDENCY_LINES.has(key)) {
        // systemd's dependency lines, "(origin-file …)" taken off; compared as a set among shared units.
        const other = value.replace(/ \(.*\)$/, '');
        if (SHARED.has(other)) deps.push(`${key}: ${other}`);
      } else kept.push(`${key}: ${value}`);
    }
    out.set(id, [...kept, ...deps.sort()]);
  }
  return out;
}

describe('svcctl analyze dot and dump against systemd-analyze 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-analyze-dot-'));
  let svcd: SvcdInNamespace;
  const answers: SvcctlResult[] = [];
  let dump: SvcctlResult;
  let dumpPatterns: SvcctlResult;
  // svcd unloads an inactive unit that only Conflicts=/Before= of a loaded one names (old.service,
  // shutdown.target), where systemd keeps it: edges from those are not svcd's to draw.
  let loaded: Set<string>;

  beforeAll(async () => {
    svcd = await bootInNamespace(dir, unitDir, 'multi-user.target');
    for (const args of CASES) answers.push(await svcd.svcctl('analyze', 'dot', ...args));
    dump = await svcd.svcctl('analyze', 'dump');
    dumpPatterns = await svcd.svcctl('analyze', 'dump', 'w*', 'memo.service');
    const units = await svcd.svcctl('list-units', '--all', '--plain', '--no-legend');
    loaded = new Set(units.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean));
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function compare(recorded: string): void {
    expect(loaded).toContain('web.service');
    CASES.forEach((args, i) => {
      const name = `dot ${args.join(' ')}`;
      expect(answers[i]!.rc, name).toBe(0);
      expect(edges(answers[i]!.stdout, loaded), name).toEqual(edges(readFileSync(join(recorded, `${i + 1}.out`), 'utf8'), loaded));
      expect(answers[i]!.stderr, name).toBe(readFileSync(join(recorded, `${i + 1}.err`), 'utf8'));
    });
    expect(dump.rc).toBe(0);
    const want = dumpSections(readFileSync(join(recorded, 'dump.txt'), 'utf8'), loaded);
    expect([...want.keys()].sort()).toEqual(['app.target', 'cache.service', 'db.service', 'web.service', 'worker.service']);
    expect(dumpSections(dump.stdout, loaded)).toEqual(want);
    // Patterns match unit ids (an alias matches nothing), and leave the manager's lines out.
    // systemd lists units in its hash table's order.
    const headers = (t: string) => t.split('\n').filter((l) => !l.startsWith('\t')).sort();
    expect(headers(dumpPatterns.stdout)).toEqual(headers(readFileSync(join(recorded, 'dump-patterns.txt'), 'utf8')));
  }

  it('the recorded answers: the same edges for every pattern and option, the same legend; the same dump sections for the tree units', () => {
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
