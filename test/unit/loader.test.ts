// The loader across several search directories: precedence, drop-in override, .wants/ collection.
// (The cat differential covers one directory against real systemd; systemd.unit(5) "Unit File Load
// Path" and "drop-in" rules are the spec for what spans directories.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnitSource } from '../../src/unit/source.js';
import { unitSearchPath } from '../../src/unit/search-path.js';

const root = mkdtempSync(join(tmpdir(), 'svcd-loader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const etc = join(root, 'etc/systemd/system');
const run = join(root, 'run/systemd/system');
const lib = join(root, 'lib/systemd/system');
buildTree(root, {
  files: {
    'lib/systemd/system/web.service': '[Unit]\nDescription=vendor\n',
    'etc/systemd/system/web.service': '[Unit]\nDescription=admin\n',
    'lib/systemd/system/web.service.d/10-a.conf': '[Service]\nA=vendor\n',
    'run/systemd/system/web.service.d/10-a.conf': '[Service]\nA=runtime\n',
    'lib/systemd/system/web.service.d/20-b.conf': '[Service]\nB=vendor\n',
    'lib/systemd/system/multi-user.target': '[Unit]\nDescription=MU\n',
    'lib/systemd/system/worker@.service': '[Unit]\nDescription=W %i\n',
    'lib/systemd/system/outside/x.service': '[Unit]\n',
    'opt/linked.service': '[Unit]\nDescription=linked\n',
  },
  links: {
    'etc/systemd/system/multi-user.target.wants/web.service': '/lib/systemd/system/web.service',
    'lib/systemd/system/multi-user.target.wants/db.service': '../db.service',
    'lib/systemd/system/worker@.service.wants/helper@.service': '../helper@.service',
    'etc/systemd/system/www.service': '/lib/systemd/system/web.service',
    'etc/systemd/system/linked.service': '/opt/linked.service',
    'lib/systemd/system/notlinked.service': '/opt/linked.service',
  },
});
const map = buildUnitFileMap([etc, run, lib], root);

describe('unit loader across search directories', () => {
  it('takes the fragment from the first directory that has the name', () => {
    expect(loadUnitSource(map, 'web.service').fragmentPath).toBe(join(etc, 'web.service'));
  });
  it('lets a drop-in of the same name in a higher directory hide the lower one', () => {
    expect(loadUnitSource(map, 'web.service').dropinPaths).toEqual([join(run, 'web.service.d/10-a.conf'), join(lib, 'web.service.d/20-b.conf')]);
  });
  it('collects .wants/ entries from every directory, in name order', () => {
    expect(loadUnitSource(map, 'multi-user.target').wants).toEqual(['db.service', 'web.service']);
  });
  it('instantiates template .wants/ entries with the instance', () => {
    expect(loadUnitSource(map, 'worker@blue.service').wants).toEqual(['helper@blue.service']);
  });
  it('treats a link inside the search path as an alias of its target', () => {
    const s = loadUnitSource(map, 'www.service');
    expect([s.id, s.names]).toEqual(['web.service', ['web.service', 'www.service']]);
  });
  it('takes links out of the search path as linked unit files from any directory, reported under the link', () => {
    const s = loadUnitSource(map, 'linked.service');
    expect(s.fragmentPath).toBe(join(etc, 'linked.service'));
    expect(s.files[0]?.assignments.map((a) => a.value)).toEqual(['linked']);
    expect(loadUnitSource(map, 'notlinked.service').fragmentPath).toBe(join(lib, 'notlinked.service'));
  });
});

describe('search path', () => {
  it('puts the offline root in front of every default directory and has no builtin dir there', () => {
    expect(unitSearchPath({ root: '/r' })).toEqual(['/r/etc/systemd/system', '/r/run/systemd/system', '/r/usr/local/lib/systemd/system', '/r/lib/systemd/system', '/r/usr/lib/systemd/system']);
  });
  it('expands an empty SYSTEMD_UNIT_PATH component to the default path, ending in svcd units/', () => {
    const p = unitSearchPath({ env: { SYSTEMD_UNIT_PATH: '/a:' } });
    expect(p[0]).toBe('/a');
    expect(p[1]).toBe('/etc/systemd/system');
    expect(p[p.length - 1]).toMatch(/\/units$/);
  });
  it('uses SYSTEMD_UNIT_PATH alone when it has no empty component', () => {
    expect(unitSearchPath({ env: { SYSTEMD_UNIT_PATH: '/a:/b' } })).toEqual(['/a', '/b']);
  });
});
