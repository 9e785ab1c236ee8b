// Builds a unit tree from a JSON description: { "files": {rel: content}, "links": {rel: target} }.
// Shared by the fixture recorders (plain node) and the tests (vitest), so both see the same tree.
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function buildTree(dir, spec) {
  for (const [rel, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  for (const [rel, target] of Object.entries(spec.links ?? {})) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    symlinkSync(target.replaceAll('@DIR@', dir), join(dir, rel));
  }
}
