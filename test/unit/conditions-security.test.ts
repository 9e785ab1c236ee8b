// ConditionSecurity=audit holds where the kernel answers audit's netlink protocol, as systemd's
// check (opening such a socket) finds: Debian's systemd-journald-audit.socket carries it. Checked on
// trees whose /proc/net/netlink does or does not list the kernel's audit socket, and on this machine
// against systemd-analyze condition where installed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUnit, knownSections } from '../../src/unit/load.js';
import { parseUnitText } from '../../src/unit/syntax.js';
import { evaluateConditions } from '../../src/exec/conditions.js';

const work = mkdtempSync(join(tmpdir(), 'svcd-cond-security-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const HEAD = 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n';
const line = (proto: number) => `000000007e28287c ${proto}   0          00000000 0        0        0     2        0        6       \n`;
const tree = (name: string, netlink: string): string => {
  mkdirSync(join(work, name, 'proc/net'), { recursive: true });
  writeFileSync(join(work, name, 'proc/net/netlink'), netlink);
  return join(work, name);
};
const verdict = (condition: string, root: string): string => {
  const text = `[Unit]\n${condition}\n[Service]\nExecStart=/bin/true\n`;
  const file = parseUnitText('/u/a.service', text, { knownSections: knownSections('service') });
  const u = buildUnit({ name: 'a.service', id: 'a.service', names: ['a.service'], fragmentPath: '/u/a.service', masked: false, dropinPaths: [], wants: [], requires: [], upholds: [], files: [file] });
  return evaluateConditions(u, { env: {}, root }).verdict;
};
const analyze = spawnSync('systemd-analyze', ['condition', 'ConditionSecurity=audit'], { encoding: 'utf8' });

describe('ConditionSecurity=audit', () => {
  it('holds where the kernel lists its audit socket (protocol 9), not where it lists only others', () => {
    expect(verdict('ConditionSecurity=audit', tree('with', HEAD + line(0) + line(9)))).toBe('ok');
    expect(verdict('ConditionSecurity=!audit', tree('with2', HEAD + line(9)))).toBe('condition-failed');
    expect(verdict('ConditionSecurity=audit', tree('without', HEAD + line(0) + line(4)))).toBe('condition-failed');
  });
  it.skipIf(analyze.error !== undefined)('answers on this machine as systemd-analyze condition does', () => {
    expect(verdict('ConditionSecurity=audit', '/')).toBe(analyze.status === 0 ? 'ok' : 'condition-failed');
  });
});
