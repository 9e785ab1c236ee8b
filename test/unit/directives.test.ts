// The directive table: one row per key systemd 252 knows, exec/kill rows shared by every unit type
// with an exec context, and each row's stated behaviour (set / append / keep, what Key= does) being
// what its apply() actually does when a unit is loaded.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/unit/directives/catalog.generated.js';
import { DIRECTIVES, findDirective } from '../../src/unit/directives/table.js';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitName } from '../../src/unit/name.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import type { Unit } from '../../src/unit/model.js';
import { formatDiagnostic } from '../../src/shared/diagnostic.js';
import { USEC_INFINITY } from '../../src/shared/timespan.js';

function load(name: string, text: string): Unit {
  const type = parseUnitName(name)!.type;
  const file = parseUnitText(`/u/${name}`, text, { knownSections: knownSections(type) });
  return buildUnit({ name, id: name, names: [name], fragmentPath: `/u/${name}`, masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files: [file] });
}
const messages = (u: Unit) => u.diagnostics.map(formatDiagnostic);

describe('table coverage', () => {
  it('has exactly one row for every [Section] Key= of systemd 252, and no other', () => {
    const rowKeys = DIRECTIVES.map((r) => `${r.section}.${r.key}`);
    expect(new Set(rowKeys).size).toBe(rowKeys.length);
    expect(new Set(rowKeys)).toEqual(new Set(CATALOG.map(([s, k]) => `${s}.${k}`)));
  });

  it('gives every row that is not supported a status and, when ignored, a reason', () => {
    for (const r of DIRECTIVES) {
      expect(['supported', 'ignored', 'not-yet']).toContain(r.status);
      if (r.status === 'ignored') expect(r.reason, `${r.section}.${r.key}`).toBeTruthy();
      if (r.mode === 'keep') expect(r.status).not.toBe('supported');
    }
  });

  it('writes exec and kill rows once, shared by service, socket, mount and swap', () => {
    for (const key of ['User', 'Environment', 'LimitNOFILE', 'KillMode', 'KillSignal', 'WorkingDirectory', 'UMask']) {
      const service = findDirective('Service', key)!;
      for (const section of ['Socket', 'Mount', 'Swap']) {
        const other = findDirective(section, key)!;
        expect(other.status, `${section}.${key}`).toBe('supported');
        expect(other.apply, `${section}.${key}`).toBe(service.apply);
      }
    }
  });

  it('covers [Unit] dependencies, conditions with both prefixes, actions and the start limit as supported', () => {
    for (const key of ['Requires', 'Wants', 'BindsTo', 'PartOf', 'Conflicts', 'OnFailure', 'OnSuccess', 'JobTimeoutSec',
      'StartLimitIntervalSec', 'StartLimitBurst', 'SuccessAction', 'FailureAction', 'ConditionPathExists', 'AssertVirtualization']) {
      expect(findDirective('Unit', key)?.status, key).toBe('supported');
    }
  });
});

describe('apply behaviour matches the row', () => {
  it('append rows add in order, and Key= clears what came before', () => {
    expect(findDirective('Unit', 'After')!.mode).toBe('append');
    expect(findDirective('Unit', 'After')!.empty).toBe('clears');
    const u = load('a.service', '[Unit]\nAfter=x.service y.service\nAfter=z.service\n[Service]\nExecStart=/bin/true\n');
    expect(u.unit.dependencies.After).toEqual(['x.service', 'y.service', 'z.service']);
    const v = load('a.service', '[Unit]\nAfter=x.service\nAfter=\nAfter=z.service\n[Service]\nExecStart=/bin/true\nExecStart=\nExecStart=/bin/false\n');
    expect(v.unit.dependencies.After).toEqual(['z.service']);
    expect(v.service?.execStart.map((c) => c.path)).toEqual(['/bin/false']);
  });

  it('set rows take the last value; resetting rows go back to the default on Key=', () => {
    const row = findDirective('Service', 'User')!;
    expect([row.mode, row.empty]).toEqual(['set', 'resets']);
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nUser=alice\nUser=bob\nNice=5\nNice=\n');
    expect(u.exec?.user).toBe('bob');
    expect(u.exec?.nice).toBeUndefined();
    expect(load('a.service', '[Service]\nExecStart=/bin/true\nUser=bob\nUser=\n').exec?.user).toBeUndefined();
  });

  it('rows whose empty value is invalid reject it with systemd\'s words and keep the earlier value', () => {
    expect(findDirective('Service', 'RemainAfterExit')!.empty).toBe('invalid');
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nRemainAfterExit=yes\nRemainAfterExit=\n');
    expect(u.service?.remainAfterExit).toBe(true);
    expect(messages(u)).toEqual(['/u/a.service:4: Failed to parse boolean value, ignoring: ']);
  });

  it('a bad value warns in the catalog\'s wording for that key, the default stays, and loading goes on', () => {
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nRestart=sometimes\nTimeoutStopSec=5x\nKillSignal=SIGFOO\nType=notify\n');
    expect(messages(u)).toEqual([
      '/u/a.service:3: Failed to parse service restart specifier, ignoring: sometimes',
      '/u/a.service:4: Failed to parse time value, ignoring: 5x',
      '/u/a.service:5: Failed to parse signal name, ignoring: SIGFOO',
    ]);
    expect(u.service?.restart).toBe('no');
    expect(u.service?.timeoutStopUSec).toBeUndefined();
    expect(u.kill?.killSignal).toBe(15);
    expect(u.service?.type).toBe('notify');
    expect(u.loadState).toBe('loaded');
  });

  it('keep rows record the assignment verbatim with its line, after checking the value by type', () => {
    const row = findDirective('Service', 'RestrictFileSystems')!;
    expect([row.mode, row.status]).toEqual(['keep', 'ignored']);
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nRestrictFileSystems=ext4\nMemoryAccounting=perhaps\nMemoryAccounting=yes\n');
    expect(u.ignored.map((i) => [i.key, i.value, i.loc.line, i.status])).toEqual([
      ['RestrictFileSystems', 'ext4', 3, 'ignored'],
      ['MemoryAccounting', 'yes', 5, 'ignored'],
    ]);
    expect(messages(u)).toEqual(['/u/a.service:4: Failed to parse boolean value, ignoring: perhaps']);
  });

  it('conditions keep "|" and "!" and their line; a relative path is refused; Key= resets all conditions', () => {
    const u = load('a.service', '[Unit]\nConditionPathExists=|!/etc/x\nConditionPathExists=rel\nConditionVirtualization=!container\n[Service]\nExecStart=/bin/true\n');
    expect(u.unit.conditions.map((c) => [c.kind, c.trigger, c.negate, c.parameter, c.loc.line])).toEqual([
      ['ConditionPathExists', true, true, '/etc/x', 2],
      ['ConditionVirtualization', false, true, 'container', 4],
    ]);
    expect(messages(u)).toEqual(['/u/a.service:3: ConditionPathExists= path is not absolute, ignoring: rel']);
    expect(load('a.service', '[Unit]\nConditionPathExists=/x\nConditionHost=\n[Service]\nExecStart=/bin/true\n').unit.conditions).toEqual([]);
  });

  it('drops a dependency of a unit on itself, saying so only for the kinds systemd names', () => {
    const u = load('g.target', '[Unit]\nAfter=g.target x.target\nRequires=g.target\nConflicts=g.target\n');
    expect(u.unit.dependencies.After).toEqual(['x.target']);
    expect(u.unit.dependencies.Requires).toEqual([]);
    expect(messages(u)).toEqual(['g.target: Dependency After=g.target is dropped.', 'g.target: Dependency Conflicts=g.target is dropped.']);
  });

  it('warns about unknown keys and sections in systemd\'s words and keeps X- keys', () => {
    const u = load('a.service', '[Unit]\nFoo=1\nX-Mine=kept\n[Service]\nExecStart=/bin/true\n[X-Vendor]\nK=v\n');
    expect(messages(u)).toEqual(["/u/a.service:2: Unknown key 'Foo' in section [Unit], ignoring."]);
    expect(u.extensions).toEqual([{ section: 'Unit', key: 'X-Mine', value: 'kept' }, { section: 'X-Vendor', key: 'K', value: 'v' }]);
  });

  it('TimeoutSec= sets both start and stop timeouts; a later TimeoutStartSec= overrides one', () => {
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nTimeoutSec=10\nTimeoutStartSec=3\n');
    expect([u.service?.timeoutStartUSec, u.service?.timeoutStopUSec]).toEqual([3_000_000n, 10_000_000n]);
  });

  it('a timeout of 0 is no timeout: stored as infinity, as systemd does (redis-server\'s TimeoutStopSec=0 shows as infinity)', () => {
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nTimeoutStopSec=0\nTimeoutStartSec=0\n');
    expect([u.service?.timeoutStartUSec, u.service?.timeoutStopUSec]).toEqual([USEC_INFINITY, USEC_INFINITY]);
    expect(load('b.service', '[Service]\nExecStart=/bin/true\nTimeoutSec=0\n').service?.timeoutStopUSec).toBe(USEC_INFINITY);
  });

  it('Environment= replaces an earlier assignment of the same name and keeps the rest in order', () => {
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nEnvironment=A=1 B=2\nEnvironment="A=one two"\n');
    expect(u.exec?.environment).toEqual(['A=one two', 'B=2']);
  });
});
