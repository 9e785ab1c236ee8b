// `svcctl list-dependencies` against systemctl 252 on the same units, booted the same way
// (test/fixtures/analyze-dot/units): requirement, reverse and ordering (--after/--before) trees,
// with --all, and --reverse/--after/--before given together (the last one wins). Each tree is
// compared line by line, glyph, depth and unit, after taking off the subtrees of units only one
// manager has (systemd's mounts, journald socket, rescue units); where systemd's tree has none of
// those, byte for byte, drawing included.
//
// systemd's answers are recorded (scripts/record-list-dependencies-fixtures.sh → test/fixtures/
// list-dependencies/recorded); where systemd-ns can boot systemd here, they are recorded again live.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/list-dependencies');
const unitDir = join(repo, 'test/fixtures/analyze-dot/units');
const CASES = readFileSync(join(fixtures, 'cases.txt'), 'utf8').split('\n').slice(0, -1).map((l) => l.split(' ').filter(Boolean));
const SHARED = new Set([...readdirSync(unitDir).filter((f) => /\.(service|target)$/.test(f)), 'sysinit.target', 'basic.target', 'shutdown.target',
  'multi-user.target', 'local-fs.target', 'swap.target', 'paths.target', 'slices.target', 'sockets.target', 'system.slice', '-.slice']);
const LINE = /^(?:([●○×↻]) )?((?:[│ ] )*)(?:[├└]─)?(.+)$/u;

/** A tree as [glyph, depth, unit] lines, without the subtrees of units outside SHARED; and whether any was taken off. */
function tree(text: string): { lines: string[]; pruned: boolean } {
  const rows = text.split('\n');
  expect(rows.at(-1)).toBe('');
  const out: string[] = [];
  let pruned = false;
  let skipBelow = Infinity;
  rows.slice(0, -1).forEach((l, i) => {
    const m = LINE.exec(l);
    expect(m, l).not.toBeNull();
    const depth = i === 0 ? 0 : m![2]!.length / 2 + 1;
    if (depth > skipBelow) return;
    skipBelow = Infinity;
    if (!SHARED.has(m![3]!)) {
      pruned = true;
      skipBelow = depth;
      return;
    }
    out.push(`${m![1] ?? ' '} ${depth} ${m![3]}`);
  });
  return { lines: out, pruned };
}

describe('svcctl list-dependencies against systemctl 252', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-list-deps-'));
  let svcd: SvcdInNamespace;
  const answers: SvcctlResult[] = [];

  beforeAll(async () => {
    svcd = await bootInNamespace(dir, unitDir, 'multi-user.target');
    for (const args of CASES) answers.push(await svcd.svcctl('list-dependencies', '--no-pager', ...args));
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function compare(recorded: string): void {
    let whole = 0;
    CASES.forEach((args, i) => {
      const name = `list-dependencies ${args.join(' ')}`;
      const want = readFileSync(join(recorded, `${i + 1}.out`), 'utf8');
      expect(answers[i]!.rc, name).toBe(Number(readFileSync(join(recorded, `${i + 1}.rc`), 'utf8')));
      const expected = tree(want);
      expect(tree(answers[i]!.stdout).lines, name).toEqual(expected.lines);
      if (!expected.pruned) {
        expect(answers[i]!.stdout, name).toBe(want);
        whole++;
      }
    });
    // The drawing itself is compared on trees that need no pruning: there must be some.
    expect(whole).toBeGreaterThanOrEqual(4);
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

  it.runIf(liveOracle)('live: systemctl 252 on the same units now answers the same way', () => {
    const out = mkdtempSync(join(tmpdir(), 'svcd-list-deps-live-'));
    try {
      const r = spawnSync('sh', [join(repo, 'scripts/record-list-dependencies-fixtures.sh'), out], { encoding: 'utf8', timeout: 90_000 });
      expect(r.status, r.stderr).toBe(0);
      compare(out);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
