// Every property, method and signal svcd serves on org.freedesktop.systemd1 has the D-Bus
// signature systemd 252 gives it (recorded by scripts/record-dbus-signatures.mjs from real systemd
// booted with systemd-ns): systemctl reads properties by their type, and one property of another
// type makes `systemctl status` fail entirely. What svcd leaves out is not checked here; what it
// serves must match.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANAGER_PROPERTIES, SERVICE_PROPERTIES, SOCKET_PROPERTIES, UNIT_PROPERTIES, type PropertyRow } from '../../src/control/property-table.js';
import { MANAGER_METHODS } from '../../src/dbus/manager-methods.js';
import { MANAGER_SIGNALS } from '../../src/dbus/objects.js';
import { MANAGER_IFACE, UNIT_IFACE } from '../../src/dbus/paths.js';
import { STANDARD_INTERFACES } from '../../src/dbus/standard-interfaces.js';
import { unitMethods } from '../../src/dbus/unit-methods.js';
import type { Method } from '../../src/dbus/method.js';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

interface Recorded {
  readonly interfaces: Record<string, { properties: Record<string, string>; methods: Record<string, [string, string]>; signals: Record<string, string> }>;
}
const systemd = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test/fixtures/dbus/systemd-signatures.json'), 'utf8')) as Recorded).interfaces;

/** "Iface.Name: svcd T, systemd U" for every served property whose type differs from systemd's. */
function propertyMismatches(rows: readonly PropertyRow<unknown>[]): string[] {
  return rows.flatMap((r) => {
    const theirs = systemd[r.iface]?.properties[r.name];
    return theirs === r.sig ? [] : [`${r.iface}.${r.name}: svcd ${r.sig}, systemd ${theirs ?? '(none)'}`];
  });
}

function methodMismatches(iface: string, methods: readonly Method[]): string[] {
  return methods.flatMap((m) => {
    const theirs = systemd[iface]?.methods[m.name];
    return theirs?.[0] === m.in && theirs[1] === m.out ? [] : [`${iface}.${m.name}: svcd (${m.in})→${m.out}, systemd ${theirs ? `(${theirs[0]})→${theirs[1]}` : '(none)'}`];
  });
}

describe('signatures against systemd 252', () => {
  it('the recording holds what it is checked against', () => {
    for (const i of [MANAGER_IFACE, UNIT_IFACE, 'org.freedesktop.systemd1.Service', 'org.freedesktop.systemd1.Socket']) expect(Object.keys(systemd[i]?.properties ?? {}).length).toBeGreaterThan(50);
  });

  it('every property of the one table: the Manager\'s, the Unit\'s, the Service\'s and the Socket\'s', () => {
    expect(propertyMismatches([...MANAGER_PROPERTIES, ...UNIT_PROPERTIES, ...SERVICE_PROPERTIES, ...SOCKET_PROPERTIES] as readonly PropertyRow<unknown>[])).toEqual([]);
  });

  it('every method of the Manager and of a unit, and the standard interfaces', () => {
    expect(methodMismatches(MANAGER_IFACE, MANAGER_METHODS)).toEqual([]);
    expect(methodMismatches(UNIT_IFACE, unitMethods('x.service'))).toEqual([]);
    for (const i of STANDARD_INTERFACES) expect(methodMismatches(i.name, i.methods)).toEqual([]);
  });

  it('every signal of the Manager', () => {
    const mismatches = MANAGER_SIGNALS.filter((s) => systemd[MANAGER_IFACE]?.signals[s.name] !== s.sig).map((s) => `${s.name}: svcd ${s.sig}, systemd ${systemd[MANAGER_IFACE]?.signals[s.name] ?? '(none)'}`);
    expect(mismatches).toEqual([]);
  });
});
