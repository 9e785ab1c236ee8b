// Every unit file systemd 252 ships on this machine, and those of real Debian packages, loads into
// svcd's model exactly as cleanly as systemd loads it: no error, no "Unknown key" (every key systemd
// knows is in the directive table), every assignment accounted for — and, where systemd-analyze is
// installed, `svcctl analyze verify` over the whole tree prints what `systemd-analyze verify` prints.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { knownSections, loadUnit } from '../../src/unit/load.js';
import { loadUnitSource } from '../../src/unit/source.js';
import { findDirective } from '../../src/unit/directives/table.js';
import { instantiate, parseUnitName } from '../../src/unit/name.js';
import { verifyFiles } from '../../src/unit/verify.js';
import { formatDiagnostic } from '../../src/shared/diagnostic.js';

const LIB = '/lib/systemd/system';
const map = buildUnitFileMap(['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', LIB]);
const unitFiles = existsSync(LIB) ? readdirSync(LIB).filter((f) => parseUnitName(f) && map.names.get(f)?.kind === 'file') : [];
const live = existsSync('/usr/bin/systemd-analyze');

/** A template is loaded as its instance "i", as systemd-analyze verify loads it (the manager never loads a template). */
const loadable = (file: string) => (parseUnitName(file)?.instance === '' ? instantiate(file, 'i') : file);

/** Every message svcd has about a unit, of any severity. */
function problems(file: string): string[] {
  return loadUnit(map, loadable(file)).diagnostics.map(formatDiagnostic);
}

/** What systemd-analyze verify itself says about one file. */
function oracle(path: string): string[] {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
  return r.stderr.split('\n').filter(Boolean);
}

describe(`units shipped in ${LIB}`, () => {
  it('finds a real unit tree to check', () => expect(unitFiles.length).toBeGreaterThan(100));
  it('loads every unit with no message at all (systemd has none for them either)', () => {
    const said = unitFiles.flatMap(problems);
    expect(said).toEqual([]);
  });
  it.runIf(live)('svcctl analyze verify over the whole tree prints exactly what systemd-analyze verify prints', () => {
    const paths = unitFiles.map((f) => join(LIB, f));
    const theirs = spawnSync('systemd-analyze', ['verify', '--man=no', ...paths], { encoding: 'utf8' });
    const ours = verifyFiles(paths, {});
    expect(ours.lines.join('\n')).toBe(theirs.stderr.trimEnd());
    expect(ours.status).toBe(theirs.status);
  });
  it('drops nothing: every assignment is typed by a supported row, kept in Unit.ignored, or an extension', () => {
    let checked = 0;
    for (const f of unitFiles) {
      const u = loadUnit(map, loadable(f));
      expect(u.loadState, f).not.toBe('error');
      const src = loadUnitSource(map, loadable(f), { knownSections: knownSections(u.type) });
      for (const a of src.files.flatMap((file) => file.assignments)) {
        checked++;
        if (a.section.startsWith('X-') || a.key.startsWith('X-')) {
          expect(u.extensions.some((e) => e.key === a.key && e.value === a.value), `${f}: ${a.key}`).toBe(true);
          continue;
        }
        const row = findDirective(a.section, a.key);
        expect(row, `${a.loc.file}:${a.loc.line}: ${a.section}.${a.key}`).toBeDefined();
        if (row!.status !== 'supported') {
          expect(u.ignored.some((i) => i.loc.line === a.loc.line && i.loc.file === a.loc.file), `${a.loc.file}:${a.loc.line}: ${a.key}`).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

// The units each package must ship (a floor); any other unit file the package (or its -common
// companion, where Debian puts nginx's and postgresql's units) installs is checked as well.
const PACKAGES: Record<string, string[]> = {
  nginx: ['nginx.service'],
  'redis-server': ['redis-server.service', 'redis-server@.service'],
  memcached: ['memcached.service'],
  postgresql: ['postgresql.service', 'postgresql@.service'],
  'openssh-server': ['ssh.service', 'ssh.socket', 'rescue-ssh.target'],
  cron: ['cron.service'],
};
function installed(pkg: string): boolean {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout.includes('install ok installed');
}
function shippedUnits(pkg: string): string[] {
  const listed = [pkg, `${pkg}-common`].flatMap((p) => spawnSync('dpkg-query', ['-L', p], { encoding: 'utf8' }).stdout.split('\n'));
  const units = listed.filter((f) => /^(\/usr)?\/lib\/systemd\/system\/[^/]+$/.test(f)).map((f) => f.slice(f.lastIndexOf('/') + 1));
  return [...new Set([...PACKAGES[pkg]!, ...units.filter((u) => parseUnitName(u))])];
}
for (const [pkg] of Object.entries(PACKAGES)) {
  const present = installed(pkg);
  describe(`Debian package ${pkg}`, () => {
    if (!present) {
      it.skip(`skipped: package ${pkg} is not installed (apt-get install ${pkg})`, () => undefined);
      return;
    }
    it.each(shippedUnits(pkg))(`%s loads as cleanly as systemd loads it`, (name) => {
      const path = join(LIB, name);
      expect(existsSync(path), path).toBe(true);
      // Offline the unit must load without a message; live, svcctl must say what systemd says.
      const ours = verifyFiles([path], {}).lines;
      expect(ours).toEqual(live ? oracle(path) : []);
      expect(problems(name)).toEqual([]);
      expect(loadUnit(map, loadable(name)).loadState).toBe('loaded');
    });
  });
}
