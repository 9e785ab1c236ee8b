// `svcctl escape` against systemd-escape (systemd 252), recorded by scripts/record-escape-fixtures.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unitNameEscape, unitNamePathEscape, unitNameUnescape } from '../../src/unit/escape.js';

interface Case { args: string[]; stdout: string; stderr: string; status: number }
const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/escape/recorded.json'), 'utf8')) as { cases: Case[] };
const svcctl = join(__dirname, '../../bin/svcctl');

describe('svcctl escape vs systemd-escape', () => {
  it('covers at least 40 cases', () => expect(recorded.cases.length).toBeGreaterThanOrEqual(40));
  it.each(recorded.cases)('$args', (c) => {
    const r = spawnSync(svcctl, ['escape', ...c.args], { encoding: 'utf8' });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
  it.runIf(existsSync('/usr/bin/systemd-escape')).each(recorded.cases)('$args: live systemd-escape agrees with the recording', (c) => {
    const r = spawnSync('systemd-escape', c.args, { encoding: 'utf8' });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
});

describe('escaping round trips', () => {
  const samples = ['plain', 'with space', '/abs/path', 'ünï/cödé', '-dash-', '.dot', 'a\\b', '100%'];
  it.each(samples)('unescape(escape(%j)) gives it back', (s) => {
    expect(unitNameUnescape(unitNameEscape(s))).toEqual({ ok: true, value: s });
  });
  it('escapes paths without their outer slashes, "/" as "-"', () => {
    expect(unitNamePathEscape('/')).toEqual({ ok: true, value: '-' });
    expect(unitNamePathEscape('//var//lib/')).toEqual({ ok: true, value: 'var-lib' });
    expect(unitNamePathEscape('/a/../b').ok).toBe(false);
  });
});
