// The manager's search path for commands named without a slash is systemd 252's fixed one (live
// against `systemd-path search-binaries-default` where systemd is installed), and a bare name
// resolves to the first executable file on it, whatever the caller's $PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/shared/executable.js';
import { EXEC_SEARCH_PATH } from '../../src/shared/lookup-paths.js';

const work = mkdtempSync(join(tmpdir(), 'svcd-exec-path-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const live = spawnSync('systemd-path', ['search-binaries-default'], { encoding: 'utf8' });

describe('commands named without a path', () => {
  it.runIf(live.status === 0)('are looked up where systemd-path search-binaries-default says', () => {
    expect(EXEC_SEARCH_PATH.join(':')).toBe(live.stdout.trim());
  });
  it('resolve to the first executable file of that name, skipping directories and non-executables', () => {
    const dirs = ['a', 'b', 'c', 'd'].map((d) => join(work, d));
    dirs.forEach((d) => mkdirSync(d));
    mkdirSync(join(dirs[0]!, 'tool'));
    writeFileSync(join(dirs[1]!, 'tool'), '#!/bin/sh\n');
    for (const d of dirs.slice(2)) {
      writeFileSync(join(d, 'tool'), '#!/bin/sh\n');
      chmodSync(join(d, 'tool'), 0o755);
    }
    expect(findExecutable('tool', dirs)).toBe(join(dirs[2]!, 'tool'));
    expect(findExecutable('missing', dirs)).toBeUndefined();
    expect(findExecutable('./tool', dirs)).toBe('./tool');
  });
});
