// svcctl --root preset, preset-all, link and revert against systemctl --root (systemd 252) on the
// trees of PRESET_TREES (test/fixtures/install/trees.mjs), recorded by
// scripts/record-install-fixtures.sh into recorded-presets.json: same stdout, stderr, exit status,
// and the same symlinks afterwards; re-checked live where systemctl is installed.
//
// Normalisation: "Removed …" lines are compared as a sorted list (systemctl removes links in the
// filesystem's directory order), and so is all of preset-all's output, since preset-all walks the
// unit directories in that order too.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTree as replay, type Step } from '../support/install-replay.js';
import { PRESET_TREES } from '../fixtures/install/trees.mjs';

const recorded = JSON.parse(readFileSync(join(__dirname, '../fixtures/install/recorded-presets.json'), 'utf8')) as { trees: Record<string, Step[]> };
const svcctl = join(__dirname, '../../bin/svcctl');
const live = existsSync('/usr/bin/systemctl');

function comparable(steps: Step[]) {
  return steps.map((s) => {
    const lines = s.stderr.split('\n');
    const walked = s.args.includes('preset-all');
    const ordered = walked ? [] : lines.filter((l) => !l.startsWith('Removed "'));
    const unordered = (walked ? lines : lines.filter((l) => l.startsWith('Removed "'))).sort();
    return { ...s, stderr: { ordered, unordered } };
  });
}

describe('svcctl --root preset/preset-all/link/revert vs systemctl --root', () => {
  it.each(PRESET_TREES.map((t) => [t.name, t] as const))('%s', (name, tree) => {
    expect(comparable(replay(tree, (root, args) => [svcctl, '--root', root, ...args]))).toEqual(comparable(recorded.trees[name]!));
  });
  it.runIf(live).each(PRESET_TREES.map((t) => [t.name, t] as const))('%s: the live oracle still agrees with the recording', (name, tree) => {
    expect(comparable(replay(tree, (root, args) => ['systemctl', `--root=${root}`, ...args]))).toEqual(comparable(recorded.trees[name]!));
  });
});
