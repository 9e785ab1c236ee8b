// The one table of unit directories (src/shared/lookup-paths.ts) against systemd 252's own search
// path, `systemd-analyze unit-paths` (recorded by scripts/record-unit-paths-fixture.sh; re-checked
// live where it is installed), and the lists derived from it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATOR_UNIT_DIRS, SYSTEM_UNIT_PATH, UNIT_DIRS } from '../../src/shared/lookup-paths.js';
import { SYSV_LOOKUP_PATH } from '../../src/unit/sysv-generator.js';
import { unitSearchPath } from '../../src/unit/search-path.js';

const recorded = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'lookup-paths', 'unit-paths.txt'), 'utf8').split('\n').slice(0, -1);
const env = { ...process.env };
delete env.SYSTEMD_UNIT_PATH;
const live = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('the system unit search path', () => {
  it('is systemd-analyze unit-paths, in its order', () => expect(SYSTEM_UNIT_PATH).toEqual(recorded));
  it.runIf(live)('still matches the installed systemd-analyze', () => {
    expect(spawnSync('systemd-analyze', ['--system', 'unit-paths'], { encoding: 'utf8', env }).stdout.split('\n').slice(0, -1)).toEqual(recorded);
  });
  it('derives every narrower list from it, in the same order', () => {
    const inOrder = (sub: readonly string[]) => expect(recorded.filter((d) => sub.includes(d))).toEqual(sub);
    inOrder(SYSV_LOOKUP_PATH);
    inOrder(GENERATOR_UNIT_DIRS);
    inOrder(unitSearchPath({ generators: true, builtin: false }));
    expect(SYSV_LOOKUP_PATH).not.toContain(UNIT_DIRS.generator);
  });
});
