// Unit files reached through symlinks between the directories of the stock search path, and what
// systemd 252 reports as each unit's names and FragmentPath= (show, and the header line of cat):
// recorded by scripts/record-fragment-link-fixtures.mjs into test/fixtures/dbus/fragment-links.json,
// replayed against svcd by test/e2e/fragment-links-differential.test.ts. ETC is mounted on
// /etc/systemd/system and LIB on /usr/lib/systemd/system (so /lib/systemd/system too, /lib being
// a link to usr/lib), so the links name the same absolute paths in both namespaces.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { buildTree } from './tree.mjs';
import { SYSTEMCTL_ENV } from './systemctl-cases.mjs';

const service = (d) => `[Unit]\nDescription=${d}\n[Service]\nExecStart=/bin/sleep 600\n`;
export const ETC = {
  files: { 'x.target': '[Unit]\nDescription=t\n', 'l.service.d/x.conf': '[Unit]\nDescription=L\n' },
  links: {
    // A link to the file of the same name in another search directory: that file is the fragment.
    'a.service': '/lib/systemd/system/a.service',
    'b.service': '../../../lib/systemd/system/b.service',
    'f.service': '/usr/lib/systemd/system/f.service',
    'l.service': '/lib/systemd/system/l.service',
    // …whose file there is an alias: the alias's target.
    'h.service': '/lib/systemd/system/h.service',
    // An instance and a template linked to the same names below.
    'k@x.service': '/lib/systemd/system/k@x.service',
    'm@.service': '/lib/systemd/system/m@.service',
    // A link to itself, while the vendor directory aliases the name.
    'n.service': '/etc/systemd/system/n.service',
  },
};
export const LIB = {
  files: {
    'a.service': service('a'), 'b.service': service('b'), 'f.service': service('f'), 'l.service': service('l'),
    'hh.service': service('hh'), 'k@.service': service('k'), 'm@.service': service('m'),
  },
  links: { 'h.service': 'hh.service', 'n.service': 'a.service' },
};
export const UNITS = ['a.service', 'b.service', 'f.service', 'l.service', 'h.service', 'k@x.service', 'm@1.service', 'n.service'];
export const TARGET = 'x.target';

/** Per unit: `show -p Id,Names,FragmentPath,DropInPaths` and the first line of `cat`, from `run(args)`. */
export function answer(run) {
  return UNITS.map((unit) => {
    const show = run(['show', '-p', 'Id,Names,FragmentPath,DropInPaths', unit]);
    const cat = run(['cat', unit]);
    return { unit, show: show.stdout, catHeader: cat.stdout.split('\n')[0], rc: [show.status, cat.status] };
  });
}

/** Boots systemd 252 with systemd-ns --layout etc (TOOLS) on ETC, LIB joining its base units, and answers. */
export function answersOfSystemd(tools, makeDir) {
  const dir = makeDir();
  buildTree(join(dir, 'etc'), ETC);
  buildTree(join(dir, 'lib'), LIB);
  const boot = spawnSync(join(tools, 'systemd-ns.sh'), ['--layout', 'etc', join(dir, 'etc'), TARGET], { encoding: 'utf8' });
  const pid = boot.stdout.trim();
  // systemd-ns binds its base units on /usr/lib/systemd/system: LIB's files and links join them.
  const base = join(/base units and log in (\S+)/.exec(boot.stderr)[1], 'base');
  for (const name of readdirSync(join(dir, 'lib'))) cpSync(join(dir, 'lib', name), join(base, name), { verbatimSymlinks: true, recursive: true });
  try {
    const env = { ...process.env, ...SYSTEMCTL_ENV };
    const run = (args) => spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', '--no-pager', ...args], { encoding: 'utf8', env });
    execFileSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'daemon-reload']);
    return { answers: answer(run), version: run(['show', '-p', 'Version', '--value']).stdout.trim() };
  } finally {
    spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}
