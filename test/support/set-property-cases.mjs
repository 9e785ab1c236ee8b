// What `systemctl set-property` is asked, against real systemd 252 by
// scripts/record-set-property.mjs (into test/fixtures/dbus/set-property.json) and against svcd by
// test/e2e/dbus-set-property.test.ts, with the same function run inside either namespace.
// Only --runtime: the oracle's namespace shares the host's /etc.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

export const SET_PROPERTY_UNITS = {
  'web.service': '[Unit]\nDescription=A web server\n[Service]\nExecStart=/bin/sleep 600\n',
  'x.target': '[Unit]\nDescription=Nothing wanted\n',
};

export const SET_PROPERTY_CASES = [
  ['start', 'web.service'],
  ['set-property', '--runtime', 'web.service', 'Description=New text', 'CPUQuota=20%', 'MemoryMax=1G', 'TasksMax=50', 'CPUWeight=300', 'IOWeight=200', 'MemoryHigh=infinity'],
  ['show', '-p', 'Description', 'web.service'],
  ['set-property', '--runtime', 'web.service', 'CPUQuota=12.5%', 'TasksMax=infinity', 'Description=100% up'],
  ['show', '-p', 'Description', 'web.service'],
  ['set-property', '--runtime', 'web.service', 'ExecStart=/bin/true'],
  ['set-property', '--runtime', 'web.service', 'Restart=always'],
  ['set-property', '--runtime', 'web.service', 'Foo=bar'],
  ['set-property', '--runtime', 'nope.service', 'Description=x'],
  ['set-property', '--runtime', 'x.target', 'CPUQuota=10%'],
  ['set-property', '--runtime', 'x.target', 'Description=Renamed'],
  ['show', '-p', 'Description', 'x.target'],
];

const DROP_INS = '/run/systemd/system.control';

const UNIT = '/org/freedesktop/systemd1/unit/web_2eservice';
const MANAGER = '/org/freedesktop/systemd1';
/** Calls whose error names systemctl does not print: Properties.Set where systemd 252 allows none, and the rest. */
export const SET_PROPERTY_CALLS = [
  [UNIT, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', ['org.freedesktop.systemd1.Unit', 'Description', ['s', 'x']]],
  [UNIT, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', ['org.freedesktop.systemd1.Service', 'MainPID', ['u', 1]]],
  [UNIT, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', ['org.freedesktop.systemd1.Unit', 'NoSuchProperty', ['s', 'x']]],
  [MANAGER, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', ['org.freedesktop.systemd1.Manager', 'Version', ['s', 'x']]],
  [UNIT, 'org.freedesktop.DBus.Properties', 'Get', 'ss', ['org.freedesktop.systemd1.Unit', 'NoSuchProperty']],
  [MANAGER, 'org.freedesktop.systemd1.Manager', 'SetUnitProperties', 'sba(sv)', ['web.service', true, [['ExecStart', ['s', '/bin/true']]]]],
  [MANAGER, 'org.freedesktop.systemd1.Manager', 'SetUnitProperties', 'sba(sv)', ['web.service', true, [['Description', ['u', 1]]]]],
  [MANAGER, 'org.freedesktop.systemd1.Manager', 'SetUnitProperties', 'sba(sv)', ['nope.service', true, [['Description', ['s', 'x']]]]],
  [UNIT, 'org.freedesktop.systemd1.Unit', 'SetProperties', 'ba(sv)', [true, [['Restart', ['s', 'always']]]]],
];

/**
 * Inside the namespace: each case's exit code and output, every drop-in written, then each call's
 * answer over `peer` (scripts/dbus-peer-client.mjs): its error name and text, or "ok".
 */
export async function runSetPropertyCases(peer) {
  const answers = SET_PROPERTY_CASES.map((args) => {
    const r = spawnSync('/usr/bin/systemctl', ['--no-pager', ...args], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', LANG: 'C.UTF-8' } });
    return { args, rc: r.status, stdout: r.stdout, stderr: r.stderr };
  });
  const files = {};
  let dirs = [];
  try {
    dirs = readdirSync(DROP_INS).sort();
  } catch {
    // none written
  }
  for (const d of dirs) for (const f of readdirSync(join(DROP_INS, d)).sort()) files[`${d}/${f}`] = readFileSync(join(DROP_INS, d, f), 'utf8');
  const calls = [];
  for (const [path, iface, member, sig, body] of SET_PROPERTY_CALLS) {
    const m = await peer.call(path, iface, member, sig, body);
    calls.push({ call: `${member} ${JSON.stringify(body)}`, answer: m.type === peer.MessageType.error ? `${m.errorName}: ${m.body[0]}` : 'ok' });
  }
  return { answers, files, calls };
}
