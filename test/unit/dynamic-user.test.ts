// DynamicUser='s names and first uids as systemd 252 derives them: SipHash-2-4 against the
// algorithm's published vectors, the uids against what systemd gave the same names
// (test/fixtures/userns/expected, recorded by scripts/record-userns-fixtures.sh), the names by
// systemd's strict user-name rule, and the sandbox systemd adds at load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { siphash24 } from '../../src/shared/siphash24.js';
import { hashedDynamicUid } from '../../src/exec/dynamic-users.js';
import { dynamicUserName } from '../../src/unit/dynamic-user.js';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import type { Unit } from '../../src/unit/model.js';

function loadUnitFromText(id: string, text: string): Unit {
  const files = [parseUnitText(`/u/${id}`, text, { knownSections: knownSections('service') })];
  return buildUnit({ name: id, id, names: [id], fragmentPath: `/u/${id}`, masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files });
}
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

describe('siphash24', () => {
  it('gives the reference implementation\'s outputs (key 00..0f, messages 00.., lengths 0, 7, 8, 15)', () => {
    expect([0, 7, 8, 15].map((n) => siphash24(bytes(n), bytes(16)).toString(16))).toEqual([
      '726fdb47dd0e0e31', 'ab0200f58b01d137', '93f5f5799a932462', 'a129ca6149be45e5',
    ]);
  });
});

describe('dynamic users', () => {
  it('the first uid tried for a name is the one systemd 252 gave it', () => {
    const first = (n: string) => Number(readFileSync(join(__dirname, '../fixtures/userns/expected', `${n}.out`), 'utf8').split('\n')[0]);
    expect(hashedDynamicUid('du-state')).toBe(first('du-state'));
    expect(hashedDynamicUid('svcd-dynu')).toBe(first('du-named'));
  });
  it('a unit\'s prefix names its user when it is a valid user name; otherwise "_du" and a hash of it', () => {
    expect(dynamicUserName('redis.service')).toBe('redis');
    expect(dynamicUserName('getty@tty1.service')).toBe('getty');
    expect(dynamicUserName('a.b.service')).toMatch(/^_du[0-9a-f]{16}$/);
    expect(dynamicUserName('1x.service')).toMatch(/^_du[0-9a-f]{16}$/);
    expect(dynamicUserName(`${'x'.repeat(32)}.service`)).toMatch(/^_du[0-9a-f]{16}$/);
  });
  it('loading completes the unit as systemd does: User=, Group= and the implied sandbox', () => {
    const u = loadUnitFromText('du.service', '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nProtectHome=tmpfs\n');
    expect({ user: u.exec!.user, group: u.exec!.group, privateTmp: u.exec!.privateTmp, nnp: u.exec!.noNewPrivileges, suid: u.exec!.seccomp.restrictSUIDSGID,
      system: u.exec!.mounts.protectSystem, home: u.exec!.mounts.protectHome })
      .toEqual({ user: 'du', group: 'du', privateTmp: true, nnp: true, suid: true, system: 'strict', home: 'tmpfs' });
    expect(loadUnitFromText('du.service', '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nUser=web\n').exec!.group).toBe('web');
  });
});
