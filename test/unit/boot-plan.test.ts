// What a start pulls in and in which order, on real unit files (the shipped targets and demo units).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnit } from '../../src/unit/load.js';
import { planStart } from '../../src/graph/boot-plan.js';

const repo = join(__dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function plan(files: Record<string, string>, links: Record<string, string>, root: string) {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-plan-'));
  dirs.push(dir);
  buildTree(dir, { files, links });
  const map = buildUnitFileMap([dir, join(repo, 'units')]);
  return planStart(root, (n) => loadUnit(map, n));
}
const svc = (unit = '') => `[Unit]\n${unit}[Service]\nExecStart=/bin/true\n`;

describe('boot plan', () => {
  it('pulls in Wants=, Requires= and .wants/ links, and orders by After=/Before= and default dependencies', () => {
    const p = plan(
      { 'a.service': svc('Wants=b.service\nAfter=b.service\n'), 'b.service': svc('Requires=c.service\n'), 'c.service': svc('Before=b.service\n'), 'x.target': '[Unit]\nDescription=X\n' },
      { 'x.target.wants/a.service': '../a.service' },
      'x.target',
    );
    const order = p.units.map((u) => u.unit.id);
    const at = (id: string) => p.units.find((u) => u.unit.id === id)!.level;
    expect(order).toEqual(expect.arrayContaining(['a.service', 'b.service', 'c.service', 'x.target', 'sysinit.target']));
    // Services order after basic.target but only pull in sysinit.target (systemd.service(5)).
    expect(order).not.toContain('basic.target');
    expect(at('c.service')).toBeLessThan(at('b.service'));
    expect(at('b.service')).toBeLessThan(at('a.service'));
    expect(at('sysinit.target')).toBeLessThan(at('c.service'));
    expect(at('a.service')).toBeLessThan(at('x.target'));
  });
  it('reports units it cannot load with who wanted them, and keeps going', () => {
    const p = plan({ 'a.service': svc('Wants=missing.service\n'), 'bad.service': '[Service]\nType=simple\n', 'x.target': '[Unit]\nWants=a.service bad.service\n' }, {}, 'x.target');
    expect(p.problems).toEqual(expect.arrayContaining([
      { id: 'missing.service', loadState: 'not-found', wantedBy: 'a.service' },
      { id: 'bad.service', loadState: 'bad-setting', wantedBy: 'x.target' },
    ]));
    expect(p.units.map((u) => u.unit.id)).toContain('a.service');
  });
  it('finds an ordering cycle', () => {
    const p = plan({ 'a.service': svc('After=b.service\n'), 'b.service': svc('After=a.service\n'), 'x.target': '[Unit]\nDefaultDependencies=no\nWants=a.service b.service\n' }, {}, 'x.target');
    expect(p.cycles.length).toBeGreaterThan(0);
    expect([...p.cycles[0]!].sort()).toEqual(['a.service', 'b.service']);
  });
});

describe('svcd --plan on the demo units', () => {
  it('shows the boot of graphical.target through sysinit, basic and multi-user, demo units in order', () => {
    const r = spawnSync(process.execPath, ['dist/cli/svcd.js', '--plan', '--unit-path', 'units/demo:units'], { cwd: repo, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const idx = (s: string) => lines.findIndex((l) => l.includes(` ${s} `) || l.endsWith(` ${s}`));
    for (const u of ['sysinit.target', 'basic.target', 'demo-hello.service', 'demo-web.service', 'multi-user.target', 'graphical.target']) expect(idx(u), u).toBeGreaterThan(0);
    expect(idx('sysinit.target')).toBeLessThan(idx('basic.target'));
    expect(idx('basic.target')).toBeLessThan(idx('demo-hello.service'));
    expect(idx('demo-hello.service')).toBeLessThan(idx('demo-web.service'));
    expect(idx('demo-web.service')).toBeLessThan(idx('multi-user.target'));
    expect(idx('multi-user.target')).toBeLessThan(idx('graphical.target'));
    expect(r.stdout).toMatch(/units would start/);
  });
});
