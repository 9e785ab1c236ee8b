// preset, preset-all, link, revert, add-wants and add-requires through the real systemctl over D-Bus: the cases, run in this
// order against a manager whose /etc/systemd/system is UNITS and /usr/lib/systemd/system holds
// VENDOR; recorded from systemd 252 (scripts/record-preset-bus-answers.mjs →
// test/fixtures/dbus/preset-answers.json) and replayed against svcd by
// test/e2e/dbus-presets.test.ts. PREPARE, run inside the manager's namespaces (its own /run), adds
// the preset file, a unit file outside the search path for link, and a runtime drop-in for revert.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { buildTree } from './tree.mjs';
import { SYSTEMCTL_ENV } from './systemctl-cases.mjs';

const svc = (install) => `[Service]\nExecStart=/bin/sleep 600\n${install ? `[Install]\n${install}` : ''}`;
export const TARGET = 'x.target';
export const UNITS = {
  'x.target': '[Unit]\nDescription=The test target\n',
  'a.service': svc('WantedBy=x.target\n'),
  'a.service.d/override.conf': '[Service]\nEnvironment=A=1\n',
  'b.service': svc('WantedBy=x.target\n'),
  'c.service': svc('WantedBy=x.target\nAlso=a.service\n'),
  't@.service': svc('WantedBy=x.target\n'),
  's.service': svc(''),
  'v.service': svc('WantedBy=x.target\nAlias=vv.service\n'),
};
/** Symlinks in UNITS: b is enabled, m is masked, d is bad. */
export const UNIT_LINKS = {
  'x.target.wants/b.service': '/etc/systemd/system/b.service', 'm.service': '/dev/null',
  // A unit file systemd cannot look up (state `bad`): a dangling link.
  'd.service': '/run/linktest/gone.service',
  // An /etc link to its own name in /usr/lib: the manager loads the unit through it, the install
  // evaluator calls it bad (ELOOP) and preset refuses it.
  'sl.service': '/usr/lib/systemd/system/sl.service',
};
/** /usr/lib/systemd/system: v.service's vendor version, which /etc overrides (for revert). */
export const VENDOR = { 'v.service': svc('WantedBy=x.target\n'), 'sl.service': svc('WantedBy=x.target\n') };

export const PREPARE = [
  'mkdir -p /run/systemd/system-preset /run/linktest /run/systemd/system/a.service.d',
  // 00-: before the image's own preset files; "disable *" so that they never decide.
  "printf 'enable a.service\\nenable t@.service one two\\nenable m.service\\nenable c.service\\nenable v.service\\ndisable *\\n' > /run/systemd/system-preset/00-svcd-test.preset",
  "printf '[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=x.target\\n' > /run/linktest/l.service",
  "printf '[Service]\\n' > /run/systemd/system/a.service.d/runtime.conf",
].join(' && ');

export const CASES = [
  ['preset', 'a.service'],
  ['is-enabled', 'a.service'],
  ['preset', 'b.service'],
  ['is-enabled', 'b.service'],
  ['preset', 't@.service'],
  ['is-enabled', 't@one.service', 't@two.service'],
  ['preset', 'nope.service'],
  ['preset', 'm.service'],
  ['preset', 's.service'],
  ['enable', 'b.service'],
  ['preset', '--preset-mode=enable-only', 'b.service'],
  ['preset', '--preset-mode=disable-only', 'a.service', 'b.service'],
  ['preset', 'c.service'],
  ['preset-all', '--preset-mode=disable-only'],
  // Nothing left to disable: only the self-link's refusals, which the manager answers as an error.
  ['preset-all', '--preset-mode=disable-only'],
  ['preset-all'],
  ['preset-all', '--preset-mode=enable-only'],
  ['link', '/run/linktest/l.service'],
  ['is-enabled', 'l.service'],
  ['link', '/run/linktest/l.service'],
  ['link', '/run/linktest/nope.service'],
  ['link', '/run/linktest'],
  // A file already on the search path needs no link (under --root it would get one).
  ['link', '/etc/systemd/system/s.service'],
  ['preset', 'vv.service'],
  ['preset', '--runtime', 't@.service'],
  ['enable', 'l.service'],
  ['revert', 'a.service'],
  ['revert', 'v.service'],
  ['is-enabled', 'v.service', 'vv.service'],
  ['revert', 'nope.service'],
  // add-wants / add-requires: D-Bus AddDependencyUnitFiles.
  ['add-wants', 'x.target', 's.service'],
  ['add-wants', 'x.target', 's.service'],
  ['add-requires', 'x', 's', 'b.service'],
  ['add-wants', 'x.target', 'nope.service'],
  ['add-wants', 'x.target', 'm.service'],
  ['add-wants', 'nope.target', 's.service'],
  ['add-wants', 'x.target', 't@.service'],
  ['add-wants', 'x.target', 't@three.service'],
  ['add-wants', 'x.target'],
  ['is-enabled', 's.service', 't@three.service'],
  // The bad state: GetUnitFileState's errno, ListUnitFilesByPatterns' rows.
  ['is-enabled', 'd.service'],
  ['list-unit-files', 'd.service', 's.service'],
  ['is-enabled', 'sl.service'],
  ['list-unit-files', 'sl.service'],
  ['show', '-p', 'UnitFileState,LoadState', 'sl.service'],
  ['preset', 'sl.service'],
];

/** The answers, in order, with the lines of preset-all (a directory walk's order) sorted. */
export function answer(run) {
  return CASES.map((args) => {
    const r = run(args);
    const stderr = args[0] === 'preset-all' ? r.stderr.split('\n').sort().join('\n') : r.stderr;
    return { args, rc: r.status ?? -1, stdout: r.stdout, stderr };
  });
}

/** Boots systemd 252 with systemd-ns --layout etc (TOOLS) on UNITS and VENDOR, answers every case, stops it. */
export function answersOfSystemd(tools, makeDir) {
  const dir = makeDir();
  buildTree(dir, { files: UNITS, links: UNIT_LINKS });
  const boot = spawnSync(join(tools, 'systemd-ns.sh'), ['--layout', 'etc', dir, TARGET], { encoding: 'utf8' });
  const pid = boot.stdout.trim();
  // systemd-ns binds its base units on /usr/lib/systemd/system: the vendor file joins them.
  const base = join(/base units and log in (\S+)/.exec(boot.stderr)[1], 'base');
  for (const [name, text] of Object.entries(VENDOR)) writeFileSync(join(base, name), text);
  try {
    execFileSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'sh', '-c', PREPARE]);
    const env = { ...process.env, ...SYSTEMCTL_ENV };
    const run = (args) => spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', '--no-pager', ...args], { encoding: 'utf8', env });
    return { answers: answer(run), version: run(['show', '-p', 'Version', '--value']).stdout.trim() };
  } finally {
    spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}
