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

/** Inside the namespace: each case's exit code and output, then every drop-in written. */
export function runSetPropertyCases() {
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
  return { answers, files };
}
