// The `bad` unit file state: svcctl --root list-unit-files and is-enabled against systemctl --root
// (systemd 252) on the trees of BAD_TREES (test/fixtures/install/trees.mjs), recorded by
// scripts/record-install-fixtures.sh into recorded-bad.json: dangling links, a config dir's link to
// its own name back into the search path, a link to a directory, alias loops and a dangling alias.
// Same stdout, stderr, exit status and links; re-checked live where systemctl is installed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTree, type Step } from '../support/install-replay.js';
import { BAD_TREES } from '../fixtures/install/trees.mjs';

const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/install/recorded-bad.json'), 'utf8')) as { trees: Record<string, Step[]> };
const svcctl = join(__dirname, '../../bin/svcctl');
const live = existsSync('/usr/bin/systemctl');

describe('svcctl --root: unit files systemctl judges bad', () => {
  it.each(BAD_TREES.map((t) => [t.name, t] as const))('%s', (name, tree) => {
    expect(replayTree(tree, (root, args) => [svcctl, '--root', root, ...args])).toEqual(recorded.trees[name]);
  });
  it.runIf(live).each(BAD_TREES.map((t) => [t.name, t] as const))('%s: the live oracle still agrees with the recording', (name, tree) => {
    expect(replayTree(tree, (root, args) => ['systemctl', `--root=${root}`, ...args])).toEqual(recorded.trees[name]);
  });
});
