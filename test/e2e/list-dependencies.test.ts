// `svcctl list-dependencies` against systemctl 252 on the same units, booted the same way
// (test/fixtures/analyze-dot/units): requirement, reverse and ordering (--after/--before) trees,
// with --all and --plain, and --reverse/--after/--before given together (the last one wins); and, on
// cycle-units, Wants= cycles, which the tree cuts short with "...". Each tree is
// compared line by line, glyph, depth and unit, after taking off the subtrees of units only one
// manager has (systemd's mounts, journald socket, rescue units); where systemd's tree has none of
// those, byte for byte, drawing included.
//
// systemd's answers are recorded (scripts/record-list-dependencies-fixtures.sh → test/fixtures/
// list-dependencies/recorded); where systemd-ns can boot systemd here, they are recorded again live.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle, withLiveRecording } from '../support/oracle.js';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/list-dependencies');
const unitDir = join(repo, 'test/fixtures/analyze-dot/units');
const cases = (file: string) => readFileSync(join(fixtures, file), 'utf8').split('\n').slice(0, -1).map((l) => l.split(' ').filter(Boolean));
const CASES = cases('cases.txt');
const CYCLE_CASES = cases('cycle-cases.txt');
const SHARED = new Set([...readdirSync(unitDir).filter((f) => /\.(service|target)$/.test(f)), ...readdirSync(join(fixtures, 'cycle-units')), '...', 'sysinit.target', 'basic.target', 'shutdown.target',
  'multi-user.target', 'local-fs.target', 'swap.target', 'paths.target', 'slices.target', 'sockets.target', 'system.slice', '-.slice']);
/** A child's line: its glyph (blank for "..."), the branches above it, its own branch, its unit. */
const LINE = /^([●○×↻ ]) ((?:[│ ] )*)[├└]─(.+)$/u;

/** A tree as [glyph, depth, unit] lines, without the subtrees of units outside SHARED; and whether any was taken off. */
function oneTree(rows: readonly string[]): { lines: string[]; pruned: boolean } {
  expect(rows[0]).toMatch(/^[^ ]+$/);
  const out: string[] = [`  0 ${rows[0]}`];
  let pruned = false;
  let skipBelow = Infinity;
  rows.slice(1).forEach((l) => {
    // --plain: a flat list, two spaces before each unit.
    const flat = /^ {2}([^ ]+)$/.exec(l);
    if (flat && flat[1] !== '...') {
      if (SHARED.has(flat[1]!)) out.push(`  - ${flat[1]}`);
      else pruned = true;
      return;
    }
    const m = LINE.exec(l);
    expect(m, l).not.toBeNull();
    const depth = m![2]!.length / 2 + 1;
    if (depth > skipBelow) return;
    skipBelow = Infinity;
    if (!SHARED.has(m![3]!)) {
      pruned = true;
      skipBelow = depth;
      return;
    }
    out.push(`${m![1]} ${depth} ${m![3]}`);
  });
  return { lines: out, pruned };
}

/**
 * Every unit's tree of an answer (a blank line between two), as oneTree() gives them; sorted by
 * unit when `unordered`, for units a pattern matched, which systemctl lists in its hash table's order.
 */
function tree(text: string, unordered = false): { lines: string[]; pruned: boolean } {
  expect(text.endsWith('\n')).toBe(true);
  const blocks = text.slice(0, -1).split('\n\n');
  if (unordered) blocks.sort();
  const trees = blocks.map((block) => oneTree(block.split('\n')));
  return { lines: trees.flatMap((t, i) => (i > 0 ? ['', ...t.lines] : t.lines)), pruned: trees.some((t) => t.pruned) };
}

describe('svcctl list-dependencies against systemctl 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-list-deps-'));
  const cycleDir = mkdtempSync(join(tmpdir(), 'svcd-list-deps-cycle-'));
  const answers: SvcctlResult[] = [];
  const cycleAnswers: SvcctlResult[] = [];

  /** Boots svcd on `units` and asks it every case. */
  async function ask(at: string, units: string, all: readonly string[][], into: SvcctlResult[]): Promise<void> {
    const svcd: SvcdInNamespace = await bootInNamespace(at, units, 'multi-user.target');
    try {
      for (const args of all) into.push(await svcd.svcctl('list-dependencies', '--no-pager', ...args));
    } finally {
      await svcd.stop();
    }
  }

  beforeAll(async () => {
    await ask(dir, unitDir, CASES, answers);
    await ask(cycleDir, join(fixtures, 'cycle-units'), CYCLE_CASES, cycleAnswers);
  }, 90_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cycleDir, { recursive: true, force: true });
  });

  function compare(recorded: string): void {
    let whole = 0;
    const all = [...CASES.map((args, i) => ({ args, got: answers[i]!, file: `${i + 1}` })),
      ...CYCLE_CASES.map((args, i) => ({ args, got: cycleAnswers[i]!, file: `cycle-${i + 1}` }))];
    all.forEach(({ args, got, file }) => {
      const name = `list-dependencies ${args.join(' ')} (${file})`;
      const want = readFileSync(join(recorded, `${file}.out`), 'utf8');
      expect(got.rc, name).toBe(Number(readFileSync(join(recorded, `${file}.rc`), 'utf8')));
      const glob = args.some((a) => a.includes('*'));
      const expected = tree(want, glob);
      expect(tree(got.stdout, glob).lines, name).toEqual(expected.lines);
      if (!expected.pruned && !glob) {
        expect(got.stdout, name).toBe(want);
        whole++;
      }
    });
    // The drawing itself is compared on trees that need no pruning: there must be some.
    expect(whole).toBeGreaterThanOrEqual(CASES.length / 2 + CYCLE_CASES.length);
  }

  it('the recorded answers: the same trees for every option, drawn the same', () => {
    compare(join(fixtures, 'recorded'));
  });

  it('--after and --before follow the ordering edges each way: web.service comes after db.service and before app.target', () => {
    const at = (args: string) => answers[CASES.findIndex((a) => a.join(' ') === args)]!.stdout;
    expect(at('--after web.service')).toMatch(/^● ├─db\.service$/m);
    expect(at('--after web.service')).not.toContain('app.target');
    expect(at('--before web.service')).toMatch(/^● ├─app\.target$/m);
    expect(at('--before db.service')).toMatch(/^● ├─web\.service$/m);
  });

  it('several units (a pattern matching the loaded ones) each get their tree, a blank line between', () => {
    const at = answers[CASES.findIndex((a) => a.join(' ') === '--before w*.service')]!.stdout;
    expect(at).toMatch(/^web\.service\n[^]*\n\nworker\.service\n/);
  });

  it('a cycle is cut where a unit would reappear below itself, with one "..." after its siblings', () => {
    const c = cycleAnswers[CYCLE_CASES.findIndex((a) => a.join(' ') === '--all c.service')]!.stdout;
    expect(c).toContain('○ ├─a.service\n○ │ ├─b.service\n');
    expect(c).toMatch(/^ {2}│ │ └─\.\.\.$/m);
    expect(c).not.toMatch(/─c\.service$/m);
  });

  it.runIf(liveOracle)('live: systemctl 252 on the same units now answers the same way', () => {
    withLiveRecording('record-list-dependencies-fixtures.sh', compare);
  }, 120_000);
});
