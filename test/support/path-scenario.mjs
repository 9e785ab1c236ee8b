// One scenario of path units, run the same way against real systemd 252 (scripts/record-path-fixtures.mjs
// records it) and against svcd (test/e2e/paths-differential.test.ts): a tree of path units watching
// files under ROOT/w, each starting a oneshot service that notes its run in ROOT/out/NAME; then steps
// that change files, each followed by a look — every path unit's ActiveState/SubState/Result and
// every service's run count — once the runs have settled (no new run for a second). Windows, not times.
// Last, two path units have their files rewritten to watch paths in another directory, which nothing
// watched before, and the manager is reloaded: from then on the new paths start their services and the
// old ones do not.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PATH_UNITS = ['exists.path', 'glob.path', 'spool.path', 'changed.path', 'modified.path', 'closed.path', 'always.path', 'moved.path', 'rewatch.path'];
const SERVICES = ['exists', 'worker', 'spool', 'changed', 'modified', 'closed', 'always', 'moved', 'rewatch'];

/**
 * The unit files (name → text) for a tree rooted at `root`; `wants` links them into multi-user.target.
 * `reloaded`: the two units the last steps rewrite, as they are after the rewrite.
 */
export function pathUnits(root, reloaded = false) {
  const w = join(root, 'w');
  const out = join(root, 'out');
  const noting = (name, then = 'true') => `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran >> ${out}/${name}; ${then}'\n`;
  return {
    'exists.path': `[Path]\nPathExists=${w}/flag\n`,
    'exists.service': noting('exists', `rm -f ${w}/flag`),
    'glob.path': `[Path]\nPathExistsGlob=${w}/in/*.job\nUnit=worker.service\n`,
    'worker.service': noting('worker', `rm -f ${w}/in/*.job`),
    'spool.path': `[Path]\nDirectoryNotEmpty=${w}/spool\nMakeDirectory=yes\nDirectoryMode=0700\n`,
    'spool.service': noting('spool', `rm -f ${w}/spool/*`),
    'changed.path': `[Path]\nPathChanged=${w}/later/sub/file\n`,
    'changed.service': noting('changed'),
    'modified.path': `[Path]\nPathModified=${w}/data\n`,
    'modified.service': noting('modified'),
    'closed.path': `[Path]\nPathChanged=${w}/data\n`,
    'closed.service': noting('closed'),
    'always.path': `[Path]\nPathExists=${w}/always\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=1min\n`,
    'always.service': noting('always'),
    'moved.path': `[Path]\nPathExists=${w}/${reloaded ? 'after' : 'before'}/flag\n`,
    'moved.service': noting('moved', `rm -f ${w}/before/flag ${w}/after/flag`),
    'rewatch.path': `[Path]\nPathChanged=${w}/${reloaded ? 'after' : 'before'}/log\n`,
    'rewatch.service': noting('rewatch'),
  };
}

/** Writes the tree: units into `unitDir` (with multi-user.target.wants/ links), the files they watch under root. */
export function writePathTree(root, unitDir, link) {
  mkdirSync(join(unitDir, 'multi-user.target.wants'), { recursive: true });
  for (const [name, text] of Object.entries(pathUnits(root))) writeFileSync(join(unitDir, name), text);
  for (const u of PATH_UNITS) link(`../${u}`, join(unitDir, 'multi-user.target.wants', u));
  mkdirSync(join(root, 'out'), { recursive: true });
  mkdirSync(join(root, 'w/in'), { recursive: true });
  mkdirSync(join(root, 'w/before'), { recursive: true });
  mkdirSync(join(root, 'w/after'), { recursive: true });
  writeFileSync(join(root, 'w/data'), 'initial\n');
  writeFileSync(join(root, 'w/always'), '');
}

/**
 * Runs the steps; `states(units)` answers `systemctl show -p Id,ActiveState,SubState,Result` text for
 * them, `reload()` runs daemon-reload once the unit files in `unitDir` are rewritten. Returns one look
 * per step: { step, units: {id: "active/waiting/success"}, runs: {name: n} }.
 */
export async function runPathScenario(root, states, unitDir, reload) {
  const w = join(root, 'w');
  const runs = () => Object.fromEntries(SERVICES.map((s) => {
    const f = join(root, 'out', s);
    return [s, existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0];
  }));
  const settle = async () => {
    let last = JSON.stringify(runs());
    for (let quiet = 0, t = 0; quiet < 1000 && t < 15000; t += 100) {
      await sleep(100);
      const now = JSON.stringify(runs());
      quiet = now === last ? quiet + 100 : 0;
      last = now;
    }
  };
  const looks = [];
  const look = async (step) => {
    await settle();
    const units = {};
    for (const block of (await states(PATH_UNITS)).trim().split(/\n\n+/)) {
      const p = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      units[p.Id] = `${p.ActiveState}/${p.SubState}/${p.Result}`;
    }
    looks.push({ step, units, runs: runs() });
  };
  await look('boot');
  writeFileSync(join(w, 'flag'), '');
  await look('PathExists= file created');
  writeFileSync(join(w, 'in/a.txt'), '');
  await look('PathExistsGlob= non-matching file');
  writeFileSync(join(w, 'in/b.job'), '');
  await look('PathExistsGlob= matching file');
  writeFileSync(join(w, 'spool/.hidden'), '');
  await look('DirectoryNotEmpty= hidden file');
  writeFileSync(join(w, 'spool/job1'), '');
  await look('DirectoryNotEmpty= file');
  const fd = openSync(join(w, 'data'), 'a');
  writeSync(fd, 'more\n');
  await look('written, still open');
  closeSync(fd);
  await look('closed');
  mkdirSync(join(w, 'later/sub'), { recursive: true });
  await look('PathChanged= parent directories appear');
  writeFileSync(join(w, 'later/sub/file'), 'x');
  await look('PathChanged= file written under them');
  writeFileSync(join(w, 'later/sub/file'), 'y');
  await look('PathChanged= file written again');
  for (const [name, text] of Object.entries(pathUnits(root, true))) if (name === 'moved.path' || name === 'rewatch.path') writeFileSync(join(unitDir, name), text);
  await reload();
  await look('units rewritten to watch new paths, daemon-reload');
  writeFileSync(join(w, 'after/flag'), '');
  writeFileSync(join(w, 'after/log'), 'x');
  await look('the paths the units name now written');
  writeFileSync(join(w, 'before/flag'), '');
  writeFileSync(join(w, 'before/log'), 'x');
  await look('the paths they named before written');
  return looks;
}
