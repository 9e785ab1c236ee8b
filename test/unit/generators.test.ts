// Which generators run (systemd.generator(7)): per name the first directory decides, a /dev/null
// link or an empty file masks, a file that is not executable is not run; $SYSTEMD_GENERATOR_PATH
// replaces the directories (an empty component standing for the defaults); the output directories
// sit in the search path where systemd puts them.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findGenerators, generatorDirs, generatorEnvironment, SYSTEM_GENERATOR_DIRS } from '../../src/unit/generators.js';
import { BUILTIN_GENERATOR_DIR } from '../../src/shared/package-root.js';
import { unitSearchPath } from '../../src/unit/search-path.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-generators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(path: string, mode = 0o755): void {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
}

describe('findGenerators', () => {
  const high = join(dir, 'run');
  const low = join(dir, 'lib');
  mkdirSync(high);
  mkdirSync(low);
  program(join(low, 'b-gen'));
  program(join(low, 'a-gen'));
  program(join(high, 'a-gen'));
  program(join(low, 'masked-by-link'));
  symlinkSync('/dev/null', join(high, 'masked-by-link'));
  program(join(low, 'masked-by-empty'));
  writeFileSync(join(high, 'masked-by-empty'), '');
  program(join(low, 'not-executable'), 0o644);
  program(join(low, 'c-gen.dpkg-old'));
  program(join(low, '.hidden'));

  it('runs each name once, from the first directory, in name order; masks, non-executables, hidden files and package backups skipped', () => {
    expect(findGenerators([high, join(dir, 'missing'), low])).toEqual([join(high, 'a-gen'), join(low, 'b-gen')]);
  });
});

describe('generatorDirs', () => {
  it('is systemd\'s list by default, then svcd\'s own generators/', () => expect(generatorDirs({})).toEqual([
    '/run/systemd/system-generators', '/etc/systemd/system-generators', '/usr/local/lib/systemd/system-generators',
    '/lib/systemd/system-generators', '/usr/lib/systemd/system-generators', join(__dirname, '../../generators'),
  ]));
  it('lets systemd\'s systemd-sysv-generator override svcd\'s, which runs where systemd has none', () => {
    const systemd = join(dir, 'systemd-gens');
    mkdirSync(systemd);
    // svcd ships other generators (supervisord's) that systemd has no counterpart of: only the SysV one is asked about.
    const sysv = () => findGenerators([systemd, BUILTIN_GENERATOR_DIR]).filter((g) => g.endsWith('/systemd-sysv-generator'));
    expect(sysv()).toEqual([join(BUILTIN_GENERATOR_DIR, 'systemd-sysv-generator')]);
    program(join(systemd, 'systemd-sysv-generator'));
    expect(sysv()).toEqual([join(systemd, 'systemd-sysv-generator')]);
  });
  it('is $SYSTEMD_GENERATOR_PATH when set, an empty component standing for the defaults', () => {
    expect(generatorDirs({ SYSTEMD_GENERATOR_PATH: '/x:/y' })).toEqual(['/x', '/y']);
    expect(generatorDirs({ SYSTEMD_GENERATOR_PATH: '/x:' })).toEqual(['/x', ...SYSTEM_GENERATOR_DIRS]);
  });
});

describe('generatorEnvironment', () => {
  it('is the manager\'s environment with the variables systemd.generator(7) lists set over it', () => {
    const env = generatorEnvironment({ path: '/bin', firstBoot: false, base: { SYSTEMD_SYSVINIT_PATH: '/x/init.d', PATH: '/old', SYSTEMD_SCOPE: 'user' } });
    expect(env).toContain('SYSTEMD_SYSVINIT_PATH=/x/init.d');
    expect(env).toContain('PATH=/bin');
    expect(env).toContain('SYSTEMD_SCOPE=system');
    expect(env).not.toContain('PATH=/old');
  });
});

describe('the search path with generators', () => {
  it('puts generator.early first (after the control directories set-property writes), generator after /run/systemd/system, generator.late after the vendor directories', () => {
    expect(unitSearchPath({ generators: true, builtin: false })).toEqual([
      '/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/generator.early', '/etc/systemd/system', '/run/systemd/system', '/run/systemd/generator',
      '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system', '/run/systemd/generator.late',
    ]);
  });
  it('leaves them out otherwise', () => expect(unitSearchPath({ builtin: false })).not.toContain('/run/systemd/generator'));
});
