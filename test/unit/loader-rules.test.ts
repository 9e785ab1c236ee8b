// The loader's rules that `systemctl cat` cannot show (names, .wants/.requires/.upholds, parsing,
// the map's alias validation) on real temp trees; systemd.unit(5) and systemd 252's unit-file.c,
// dropin.c and load-dropin.c are the spec. Plus a pass over the host's unit directory.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { buildUnitFileMap, isValidAlias } from '../../src/unit/unit-file-map.js';
import { dashPrefix, dirNamesFor, loadUnitSource } from '../../src/unit/source.js';

const root = mkdtempSync(join(tmpdir(), 'svcd-loader-rules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const E = 'etc/systemd/system/';
const R = 'run/systemd/system/';
const U = 'usr/lib/systemd/system/';
buildTree(root, {
  files: {
    [U + 'real.service']: '[Service]\nExecStart=/bin/true\n',
    [U + 'other.service']: '[Service]\nExecStart=/bin/false\n',
    [E + 'x.socket']: '[Socket]\nListenStream=/x\n',
    [U + 'x.socket']: '[Socket]\nListenStream=/vendor\n',
    [U + 'w@.service']: '[Unit]\nDescription=w %i\n',
    [U + 'helper@.service']: '[Unit]\n',
    [U + 'app.target']: '[Unit]\n',
    [U + 'app.target.wants/plain']: 'not a link\n',
    [R + 'app.target.requires/.hidden.service']: '',
    [U + 'lonely.target.wants/.keep']: '',
    [E + 'real.service.d/10-a.conf']: '[Service]\nEnvironment=A=1\n',
    [U + 'real.service.d/20-b.conf']: '[Service]\nEnvironment=B=1\n',
  },
  links: {
    lib: 'usr/lib',
    [E + 'alias.service']: '/usr/lib/systemd/system/real.service',
    [R + 'alias2.service']: '../../../usr/lib/systemd/system/real.service',
    [E + 'wrongtype.socket']: '/usr/lib/systemd/system/real.service',
    [E + 'x.socket.d']: '/usr/lib/systemd/system/real.service.d',
    [U + 'bad.service']: 'w@.service',
    [E + 'w@blue.service']: '/usr/lib/systemd/system/w@.service',
    [U + 'v@.service']: 'w@.service',
    [U + 'w@.service.wants/helper@.service']: '../helper@.service',
    [U + 'w@blue.service.requires/other.service']: '../other.service',
    [E + 'app.target.wants/real.service']: '/usr/lib/systemd/system/real.service',
    [U + 'app.target.wants/other.service']: '../other.service',
    [E + 'app.target.wants/other.service']: '/dev/null',
    [U + 'app.target.wants/helper@.service']: '../helper@.service',
    [R + 'app.target.upholds/alias.service']: '/etc/systemd/system/alias.service',
    [U + 'alias.service.wants/app.target']: '../app.target',
    [E + 'lonely.target.wants/real.service']: '/usr/lib/systemd/system/real.service',
  },
});
const dirs = ['etc/systemd/system', 'run/systemd/system', 'lib/systemd/system', 'usr/lib/systemd/system'].map((d) => join(root, d));
const map = buildUnitFileMap(dirs, root);

describe('names', () => {
  it('gives a unit every alias in the search path and the file name as its id, whatever name was asked', () => {
    for (const asked of ['real.service', 'alias.service', 'alias2.service']) {
      const s = loadUnitSource(map, asked);
      expect([s.name, s.id, s.names]).toEqual([asked, 'real.service', ['real.service', 'alias.service', 'alias2.service']]);
    }
  });
  it('rejects an alias to another type, so a lower directory can supply the name', () => {
    expect(map.names.get('wrongtype.socket')).toBeUndefined();
    expect(loadUnitSource(map, 'wrongtype.socket').fragmentPath).toBeUndefined();
    expect(isValidAlias('a.socket', 'a.service')).toBe(false);
    expect(isValidAlias('a.service', 'b@.service')).toBe(false);
    expect(isValidAlias('a@x.service', 'b@.service')).toBe(true);
    expect(isValidAlias('a@x.service', 'b@y.service')).toBe(false);
    expect(isValidAlias('a.mount', 'b.mount')).toBe(false);
    expect(isValidAlias('a.timer', 'b.timer')).toBe(true);
  });
  it('ignores a plain name linked to a template', () => {
    expect(loadUnitSource(map, 'bad.service').fragmentPath).toBeUndefined();
  });
  it('does not count an instance linked to its template among the template\'s names', () => {
    const s = loadUnitSource(map, 'w@red.service');
    expect([s.id, s.names, s.fragmentPath]).toEqual(['w@red.service', ['w@red.service', 'v@red.service'], join(root, 'lib/systemd/system/w@.service')]);
    expect(loadUnitSource(map, 'w@blue.service').fragmentPath).toBe(join(root, 'lib/systemd/system/w@.service'));
  });
  it('names an instance of a template alias after the template the file belongs to', () => {
    const s = loadUnitSource(map, 'v@green.service');
    expect([s.id, s.names]).toEqual(['w@green.service', ['w@green.service', 'v@green.service']]);
  });
  it('does not load a template as a unit unless asked to', () => {
    expect(loadUnitSource(map, 'w@.service').fragmentPath).toBeUndefined();
    expect(loadUnitSource(map, 'w@.service', {}, true).fragmentPath).toBe(join(root, 'lib/systemd/system/w@.service'));
  });
});

describe('drop-ins', () => {
  it('reads a drop-in directory that is a symlink, reporting the resolved path', () => {
    const s = loadUnitSource(map, 'x.socket');
    expect([s.fragmentPath, s.dropinPaths]).toEqual([join(root, E, 'x.socket'), [join(root, U, 'real.service.d/20-b.conf')]]);
  });
  it('parses the fragment first, then the drop-ins in order', () => {
    const s = loadUnitSource(map, 'alias.service');
    expect(s.files.map((f) => f.path)).toEqual([join(root, 'lib/systemd/system/real.service'), join(root, E, 'real.service.d/10-a.conf'), join(root, U, 'real.service.d/20-b.conf')]);
    expect(s.files.flatMap((f) => f.assignments.map((a) => `${a.key}=${a.value}`))).toEqual(['ExecStart=/bin/true', 'Environment=A=1', 'Environment=B=1']);
  });
  it('derives dash prefixes as systemd does (a trailing dash is dropped once; a leading one ends the walk)', () => {
    expect(dashPrefix('a-b-c')).toBe('a-b-');
    expect(dashPrefix('a-b-')).toBe('a-');
    expect(dashPrefix('a-')).toBeUndefined();
    expect(dashPrefix('-lead')).toBeUndefined();
    expect(dashPrefix('x--y')).toBe('x--');
    expect(dashPrefix('x--')).toBe('x-');
  });
  it('looks at the template and the prefixes, keeping the instance in prefixed names', () => {
    expect(dirNamesFor('a-b@c.service')).toEqual(['a-b@c.service', 'a-b@.service', 'a-.service', 'a-@c.service', 'a-@.service']);
    expect(dirNamesFor('a-b-c.service')).toEqual(['a-b-c.service', 'a-b-.service', 'a-.service']);
  });
});

describe('dependency directories', () => {
  it('collects .wants/ from every directory: symlinks only, masked entries skipped, templates only for instances', () => {
    expect(loadUnitSource(map, 'app.target').wants).toEqual(['real.service']);
  });
  it('reads .upholds/ and ignores hidden entries', () => {
    const s = loadUnitSource(map, 'app.target');
    expect([s.upholds, s.requires]).toEqual([['alias.service'], []]);
  });
  it('applies a template\'s .wants/ to its instances, instantiated, and the instance\'s own .requires/', () => {
    const s = loadUnitSource(map, 'w@blue.service');
    expect([s.wants, s.requires]).toEqual([['helper@blue.service'], ['other.service']]);
    expect(loadUnitSource(map, 'w@red.service').requires).toEqual([]);
  });
  it('reads the .wants/ of every name of the unit', () => {
    expect(loadUnitSource(map, 'real.service').wants).toEqual(['app.target']);
  });
  it('gives a unit without a file no dependencies from directories', () => {
    expect(loadUnitSource(map, 'lonely.target').wants).toEqual([]);
  });
});

const LIB = '/lib/systemd/system';
// Speed is measured by bench/parse-units.mjs (figures in docs/performance.md), not asserted here:
// a timed test on shared cores fails under load without anything being wrong.
describe.runIf(existsSync(LIB))('the host\'s unit directory', () => {
  it('maps and assembles every unit', () => {
    const m = buildUnitFileMap(['/etc/systemd/system', '/run/systemd/system', LIB, '/usr/lib/systemd/system']);
    let n = 0;
    for (const name of m.names.keys()) {
      loadUnitSource(m, name, {}, true);
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });
});
