// Seeded random unit names (escapes good and bad, NUL, non-UTF-8, dashes, dots, instances) loaded by
// the real systemd 252 with `systemd-analyze condition --unit=`, which logs what each name specifier
// resolved to in ConditionPathExists=; ours must say the same, errors included. Only where
// systemd-analyze is installed; the seed is fixed so a failure can be replayed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unitNameIsValid, unitNameTemplate, unitNameToPrefix } from '../../src/unit/name.js';
import { pathSimplify } from '../../src/unit/escape.js';
import { machineContext, resolveSpecifiers } from '../../src/unit/specifiers.js';

const live = existsSync('/usr/bin/systemd-analyze') && process.env.SVCD_LIVE_ORACLE !== '0';
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', SHELL: '/bin/sh', LANG: 'C.UTF-8' };
const SPECS = [...'fiIjJnNpPd'];
// No "\xff": a value that unescapes to bytes that are not UTF-8 is refused by the condition parser
// after expansion ("String is not UTF-8 clean"), which says nothing about the specifiers; svcd's
// strings would hold U+FFFD there (docs/names.md, differences).
const PIECES = ['a', 'b', 'x', '_', ':', '.', '-', '-', '\\x2d', '\\x20', '\\x2f', '\\x2e', '\\x00', '\\xc3\\xbc', '\\q'];

function names(seed: number, count: number): string[] {
  let s = seed;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) % n;
  };
  const word = (): string => Array.from({ length: 1 + rnd(5) }, () => PIECES[rnd(PIECES.length)]).join('');
  const out: string[] = [];
  while (out.length < count) {
    const name = `${word()}${rnd(2) ? `@${word()}` : ''}.target`;
    if (unitNameIsValid(name)) out.push(name);
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'svcd-specfuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What systemd resolved each of SPECS to, or undefined when systemd-analyze crashed on the name. */
function systemdSays(unit: string, dir: string, fragment: string): Map<string, string> | undefined {
  writeFileSync(join(dir, fragment), `[Unit]\n${SPECS.map((c, i) => `ConditionPathExists=|/x|${i}|%${c}`).join('\n')}\n`);
  const r = spawnSync('systemd-analyze', ['condition', `--unit=${unit}`], { encoding: 'utf8', env: { ...env, SYSTEMD_UNIT_PATH: `${dir}:` } });
  // systemd 252 aborts on %J when the prefix ends in "-" (it unescapes a NULL last component);
  // svcd gives "" there instead, so such names say nothing about agreement.
  if (/^Assertion '.*' failed at /m.test(r.stderr)) return undefined;
  const out = new Map<string, string>();
  for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
    const resolved = /ConditionPathExists=\|\/x\|(\d+)\|(.*) (?:failed|succeeded)\.$/.exec(line);
    if (resolved) out.set(SPECS[Number(resolved[1])]!, resolved[2]!);
    // Line 1 is [Unit]; the condition for SPECS[i] is on line i + 2.
    const failed = /:(\d+): Failed to resolve unit specifiers in .*, ignoring: (.*)$/.exec(line);
    if (failed) out.set(SPECS[Number(failed[1]) - 2]!, `error: ${failed[2]}`);
  }
  return out;
}

describe.runIf(live)('name specifiers vs systemd-analyze on random unit names', () => {
  it.each([11, 12, 13])('seed %i: 25 names agree on the name specifiers', (seed) => {
    const ctx = machineContext({ env });
    const mismatches: string[] = [];
    let crashed = 0;
    for (const [k, unit] of names(seed, 25).entries()) {
      const dir = join(work, `${seed}-${k}`);
      mkdirSync(dir);
      const fragment = unitNameTemplate(unit) ?? unit;
      const theirs = systemdSays(unit, dir, fragment);
      if (!theirs) {
        crashed++;
        expect(unitNameToPrefix(unit)?.endsWith('-'), unit).toBe(true);
        continue;
      }
      expect(theirs.size, unit).toBe(SPECS.length);
      for (const c of SPECS) {
        const r = resolveSpecifiers(`/x|0|%${c}`, { name: unit, fragmentPath: join(dir, fragment) }, ctx);
        // systemd simplifies a condition's path after expanding it.
        const ours = r.ok ? pathSimplify(r.value.value).replace(/^\/x\|0\|/, '') : `error: ${r.error.reason}`;
        if (ours !== theirs.get(c)) mismatches.push(`${unit} %${c}: systemd ${JSON.stringify(theirs.get(c))}, svcd ${JSON.stringify(ours)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(crashed).toBeLessThan(10);
  });
});
