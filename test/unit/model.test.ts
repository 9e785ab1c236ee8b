// The loaded model: a union on the unit type with only that type's sections, immutable, every value
// with the file:line it came from, the load-time checks per type, and one bad unit never stopping
// the others from loading.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnit, knownSections, loadUnit } from '../../src/unit/load.js';
import { parseUnitName } from '../../src/unit/name.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import type { Unit } from '../../src/unit/model.js';
import { formatDiagnostic } from '../../src/shared/diagnostic.js';

function load(name: string, text: string, dropins: Record<string, string> = {}): Unit {
  const type = parseUnitName(name)!.type;
  const opts = { knownSections: knownSections(type) };
  const files = [parseUnitText(`/u/${name}`, text, opts), ...Object.entries(dropins).map(([p, t]) => parseUnitText(p, t, opts))];
  return buildUnit({ name, id: name, names: [name], fragmentPath: `/u/${name}`, masked: false, dropinPaths: Object.keys(dropins), wants: [], requires: [], upholds: [], files });
}
const messages = (u: Unit) => u.diagnostics.map(formatDiagnostic);

describe('per-type sections', () => {
  it('gives a service its exec, kill and service sections, and a target none of them', () => {
    const s = load('a.service', '[Service]\nExecStart=/bin/sleep 1\nUser=www\nKillMode=mixed\n');
    if (s.type !== 'service') throw new Error('not a service');
    expect(s.service.execStart[0]?.argv).toEqual(['/bin/sleep', '1']);
    expect(s.exec.user).toBe('www');
    expect(s.kill.killMode).toBe('mixed');
    const t = load('a.target', '[Unit]\nDescription=t\n');
    expect([t.type, t.exec, t.kill, t.service]).toEqual(['target', undefined, undefined, undefined]);
    expect(Object.keys(t)).not.toContain('socket');
  });

  it('types a socket\'s listen addresses with their lines and its exec commands', () => {
    const u = load('a.socket', '[Socket]\nListenStream=/run/a.sock\nListenDatagram=514\nAccept=yes\nExecStartPre=/bin/mkdir -p /run/a\nUser=nobody\n');
    if (u.type !== 'socket') throw new Error('not a socket');
    expect(u.socket.listen.map((l) => [l.value.kind, l.value.address, l.loc.line, l.value.socket])).toEqual([
      ['ListenStream', '/run/a.sock', 2, { family: 'unix', path: '/run/a.sock' }], ['ListenDatagram', '514', 3, { family: 'any', port: 514 }],
    ]);
    expect(u.socket.accept).toBe(true);
    expect(u.socket.execStartPre[0]?.argv).toEqual(['/bin/mkdir', '-p', '/run/a']);
    expect(u.exec.user).toBe('nobody');
    // The socket kind acts on them: none is kept as not-yet.
    expect(u.ignored.filter((i) => i.status === 'not-yet').map((i) => i.key)).toEqual([]);
  });

  it('types timers, paths, mounts and swaps', () => {
    const t = load('a.timer', '[Timer]\nOnCalendar=daily\nOnBootSec=5min\nPersistent=true\nUnit=b.service\n');
    if (t.type !== 'timer') throw new Error('not a timer');
    expect(t.timer.triggers.map((x) => [x.value.kind, x.value.spec])).toEqual([['OnCalendar', 'daily'], ['OnBootSec', '5min']]);
    expect([t.timer.persistent, t.timer.unit]).toEqual([true, 'b.service']);
    const p = load('a.path', '[Path]\nPathChanged=/etc/a\n');
    expect(p.type === 'path' && p.path.watches[0]?.value).toEqual({ kind: 'PathChanged', path: '/etc/a' });
    const m = load('srv-data.mount', '[Mount]\nWhat=/dev/sdb1\nWhere=/srv/data\nType=ext4\n');
    expect(m.type === 'mount' && m.mount).toEqual({ what: '/dev/sdb1', where: '/srv/data', fsType: 'ext4' });
    expect(m.loadState).toBe('loaded');
  });
});

describe('load-time checks per type (systemd 252 wording)', () => {
  const refused = (u: Unit) => [u.loadState, messages(u).at(-1)];
  it('refuses a service without ExecStart= unless it is a oneshot that says what to do', () => {
    expect(refused(load('a.service', '[Service]\nType=simple\n'))).toEqual(['bad-setting', 'a.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.']);
    expect(load('a.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=/bin/true\n').loadState).toBe('loaded');
    expect(refused(load('a.service', '[Service]\nType=oneshot\nExecStart=/bin/true\nRestart=always\n'))).toEqual(['bad-setting',
      "a.service: Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."]);
  });
  it('defaults Type= to simple with ExecStart= and to oneshot without', () => {
    expect(load('a.service', '[Service]\nExecStart=/bin/true\n').service?.type).toBe('simple');
    expect(load('a.service', '[Service]\nExecStart=/bin/true\nExecStart=/bin/true\n').loadState).toBe('bad-setting');
    expect(load('a.service', '[Unit]\nSuccessAction=exit\n[Service]\nRemainAfterExit=no\n').service?.type).toBe('oneshot');
  });
  it('defaults Type= to dbus where BusName= is set, as systemd 252 does (systemd-logind.service has no Type=)', () => {
    expect(load('a.service', '[Service]\nBusName=org.example.A\nExecStart=/bin/true\n').service?.type).toBe('dbus');
    expect(load('a.service', '[Service]\nType=notify\nBusName=org.example.A\nExecStart=/bin/true\n').service?.type).toBe('notify');
  });
  it('refuses sockets without Listen, timers without a trigger, paths without a watch', () => {
    expect(refused(load('a.socket', '[Socket]\nAccept=yes\n'))[1]).toMatch(/Unit has no Listen setting/);
    expect(refused(load('a.timer', '[Timer]\nOnActiveSec=5\nOnActiveSec=\n'))[1]).toBe('a.timer: Timer unit lacks value setting. Refusing.');
    expect(refused(load('a.path', '[Path]\nUnit=b.service\n'))[1]).toBe('a.path: Path unit lacks path setting. Refusing.');
  });
  it('checks Where= and What= against the unit name', () => {
    expect(refused(load('a.mount', '[Mount]\nWhat=/dev/x\nWhere=/b\n'))[1]).toBe("a.mount: Where= setting doesn't match unit name. Refusing.");
    expect(load('a-b.mount', '[Mount]\nWhat=/dev/x\nWhere=/a/b/\n').loadState).toBe('loaded');
    expect(refused(load('dev-x.swap', '[Swap]\nWhat=/dev/y\n'))[1]).toBe('dev-x.swap: Value of What= and unit name do not match, not loading.');
  });
});

describe('immutability and locations', () => {
  it('freezes the whole unit, nested lists included', () => {
    const u = load('a.service', '[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/true\nEnvironment=A=1\n');
    expect(Object.isFrozen(u)).toBe(true);
    expect(() => (u.unit.dependencies.After as string[]).push('c.service')).toThrow(TypeError);
    expect(() => (u.exec!.environment as string[]).splice(0)).toThrow(TypeError);
    expect(Object.isFrozen(u.service!.execStart[0]!.argv)).toBe(true);
  });

  it('locates values in drop-ins by their own file and line; a later drop-in overrides', () => {
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nKeyringMode=private\n', { '/u/a.service.d/x.conf': '[Service]\n\nKeyringMode=shared\nRestart=bogus\n' });
    expect(u.ignored.map((i) => `${i.loc.file}:${i.loc.line} ${i.value}`)).toEqual(['/u/a.service:3 private', '/u/a.service.d/x.conf:3 shared']);
    expect(messages(u)).toEqual(['/u/a.service.d/x.conf:4: Failed to parse service restart specifier, ignoring: bogus']);
  });

  it('stops reading at a fatal value, as systemd does, and marks the unit bad-setting', () => {
    const u = load('a.service', '[Service]\nExecStart=/bin/true\nFoo=1\nExecStartPre=rel/ative\nBar=2\n', { '/u/d.conf': '[Service]\nBaz=3\n' });
    expect(u.loadState).toBe('bad-setting');
    expect(messages(u)).toEqual([
      "/u/a.service:3: Unknown key 'Foo' in section [Service], ignoring.",
      '/u/a.service:4: Neither a valid executable name nor an absolute path: rel/ative',
      'a.service: Unit configuration has fatal error, unit will not be started.',
    ]);
  });
});

describe('specifiers', () => {
  it('resolves them in names, paths and text at load, so an instance depends on its own instance', () => {
    const u = load('pg_dump@15-main.service', '[Unit]\nDescription=Dump %i\nWants=postgresql@%i.service\nAfter=postgresql@%i.service\n[Service]\nExecStart=/usr/bin/pg_dump %i\nEnvironment=CLUSTER=%i\nRuntimeDirectory=pg-%i\n');
    expect(u.unit.description).toBe('Dump 15-main');
    expect(u.unit.dependencies.Wants).toEqual(['postgresql@15-main.service']);
    expect(u.exec?.environment).toEqual(['CLUSTER=15-main']);
    expect(u.exec?.runtimeDirectory).toEqual(['pg-15-main']);
    // Command lines keep theirs: src/exec resolves them when the command starts.
    expect(u.service?.execStart[0]?.argv).toEqual(['/usr/bin/pg_dump', '%i']);
    expect(messages(u)).toEqual([]);
  });
});

describe('one bad unit never prevents loading the others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svcd-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'good.service'), '[Service]\nExecStart=/bin/true\n');
  writeFileSync(join(dir, 'bad.service'), '[Service]\nExecStart=bin/true\n');
  writeFileSync(join(dir, 'broken.service'), '[Service\nExecStart=/bin/true\n');
  writeFileSync(join(dir, 'typo.service'), '[Service]\nExecStart=/bin/true\nRestart=sometimes\n');
  mkdirSync(join(dir, 'good.service.d'));
  writeFileSync(join(dir, 'good.service.d', 'x.conf'), '[Service]\nUser=daemon\n');
  const map = buildUnitFileMap([dir]);

  it('loads each unit with its own state', () => {
    const states = Object.fromEntries(['good', 'bad', 'broken', 'typo', 'missing'].map((n) => [n, loadUnit(map, `${n}.service`).loadState]));
    expect(states).toEqual({ good: 'loaded', bad: 'bad-setting', broken: 'error', typo: 'loaded', missing: 'not-found' });
    expect(loadUnit(map, 'good.service').exec?.user).toBe('daemon');
  });
});
