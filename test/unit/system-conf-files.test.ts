// Which files make up the manager's configuration, against systemd 252: for each tree of
// test/fixtures/system-conf/trees.json, configFiles() must list what
// `systemd-analyze --root=TREE cat-config systemd/system.conf` lists, in its order
// (scripts/record-system-conf-fixtures.mjs recorded it; where systemd-analyze 252 is installed the
// recording is made again and must be the same). svcd's directories are systemd's with svcd/ for
// systemd/, so the trees are read here with systemd/ put back.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTree } from '../support/tree.mjs';
import { configFiles, DEFAULT_CONFIG_PATH, DEFAULT_DROPIN_DIRS } from '../../src/config/conf-files.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'test/fixtures/system-conf');
interface Tree { name: string; files?: Record<string, string>; links?: Record<string, string> }
const { trees } = JSON.parse(readFileSync(join(fixtures, 'trees.json'), 'utf8')) as { trees: Tree[] };
const recorded = JSON.parse(readFileSync(join(fixtures, 'recorded.json'), 'utf8')) as { trees: Record<string, string[]> };

const asSystemd = (p: string): string => p.replace('/svcd/', '/systemd/');

describe('configFiles() against systemd-analyze cat-config', () => {
  it('every tree is recorded', () => {
    expect(Object.keys(recorded.trees).sort()).toEqual(trees.map((t) => t.name).sort());
  });

  it.each(trees)('$name', (tree) => {
    const root = mkdtempSync(join(tmpdir(), 'svcd-conf-files-'));
    buildTree(root, tree);
    const files = configFiles(join(root, asSystemd(DEFAULT_CONFIG_PATH)), DEFAULT_DROPIN_DIRS.map((d) => join(root, asSystemd(d))));
    expect(files.map((f) => f.slice(root.length))).toEqual(recorded.trees[tree.name]);
  });
});

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const live = process.env.SVCD_LIVE_ORACLE !== '0' && analyze.status === 0 && /^systemd 252\b/.test(analyze.stdout);

describe.runIf(live)('the recording against the installed systemd-analyze', () => {
  it('is what systemd-analyze says today', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'svcd-conf-files-live-')), 'recorded.json');
    const r = spawnSync(process.execPath, [join(repo, 'scripts/record-system-conf-fixtures.mjs'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as typeof recorded).trees).toEqual(recorded.trees);
  });
});
