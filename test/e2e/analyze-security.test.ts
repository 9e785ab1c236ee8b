// `svcctl analyze security [UNIT…]` against a running svcd: the unit's settings come from svcd over
// the control socket (request security-info), not from its file. Compared with systemd-analyze 252's
// recorded answers for the same unit files (test/fixtures/analyze-security/cases.json, recorded by
// scripts/record-analyze-security-fixtures.mjs): for units without file-system sandboxing, systemd
// judges a loaded unit exactly as it judges its file offline, so the tables must be equal byte for
// byte; the summary of all units lists each long-running service with that same exposure.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootInNamespace, type SvcctlResult, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/analyze-security');
interface Case { args: string[]; env: Record<string, string>; stdout: string; stderr: string; status: number }
const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];
const recorded = (unit: string) => cases.find((c) => c.args.length === 2 && c.args[1] === `test/fixtures/analyze-security/units/${unit}` && Object.keys(c.env).length === 0)!;
/** Units whose judgement does not depend on whether systemd reads it from a file or a running manager. */
const PLAIN = ['dangerous.service', 'reset.service'];
const LOADED = [...PLAIN, 'uid0-groups.service', 'perfect.service'];

describe('svcctl analyze security, asking the running svcd', () => {
  let dir: string;
  let svcd: SvcdInNamespace | undefined;
  const answers = new Map<string, SvcctlResult>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svcd-security-'));
    const units = join(dir, 'units');
    mkdirSync(units);
    for (const u of [...LOADED, 'plain.target']) copyFileSync(join(fixtures, 'units', u), join(units, u));
    // The boot target pulls the units in, so that svcd has them loaded (they may fail to start: no matter).
    writeFileSync(join(units, 'sec.target'), `[Unit]\nDescription=security\nWants=${LOADED.join(' ')}\n`);
    svcd = await bootInNamespace(dir, units, 'sec.target');
    for (const args of [['dangerous.service'], ['reset'], [], ['dangerous.service', 'reset.service'], ['plain.target'], ['nosuch.service']]) {
      answers.set(args.join(' '), await svcd.svcctl('analyze', 'security', ...args));
    }
  }, 60_000);

  afterAll(async () => {
    await svcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(PLAIN.map((u) => [u]))('judges %s as systemd-analyze 252 judges its file', (unit) => {
    const r = answers.get(unit === 'reset.service' ? 'reset' : unit)!;
    expect({ rc: r.rc, stdout: r.stdout }).toEqual({ rc: 0, stdout: recorded(unit).stdout });
  });

  it('prints several units one after another, then their summary', () => {
    const r = answers.get('dangerous.service reset.service')!;
    const overall = (u: string) => /: (\d+\.\d) (\w+) (\S+)\n$/.exec(recorded(u).stdout)!;
    const [, e1, l1, s1] = overall('dangerous.service');
    const [, e2, l2, s2] = overall('reset.service');
    expect(r.stdout).toBe(`${recorded('dangerous.service').stdout}\n${recorded('reset.service').stdout}\n`
      + 'UNIT              EXPOSURE PREDICATE HAPPY\n'
      + `dangerous.service     ${e1} ${l1.padEnd(9)} ${s1}\n`
      + `reset.service          ${e2} ${l2.padEnd(9)} ${s2}\n`);
  });

  it('without names, summarizes every loaded long-running service in name order (a oneshot left out)', () => {
    const r = answers.get('')!;
    expect(r.rc).toBe(0);
    const rows = r.stdout.split('\n').slice(1, -1).map((l) => l.split(/\s+/));
    expect(r.stdout.split('\n')[0]).toMatch(/^UNIT +EXPOSURE PREDICATE HAPPY$/);
    const names = rows.map(([n]) => n);
    expect(names).toEqual([...names].sort());
    expect(names).not.toContain('uid0-groups.service');
    for (const u of [...PLAIN, 'perfect.service']) {
      const [, exposure, level] = /: (\d+\.\d) (\w+) \S+\n$/.exec(recorded(u).stdout)!;
      expect(rows.find(([n]) => n === u)?.slice(1, 3), u).toEqual([exposure, level]);
    }
  });

  it('refuses what is no service, and names a unit that does not exist', () => {
    expect(answers.get('plain.target')).toEqual({ rc: 1, stdout: '', stderr: 'Unit plain.target is not a service unit, refusing.\n' });
    expect(answers.get('nosuch.service')).toEqual({ rc: 1, stdout: '', stderr: 'Unit nosuch.service not found, cannot analyze.\n' });
  });
});
