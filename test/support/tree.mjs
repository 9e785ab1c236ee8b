// Builds a unit tree from a JSON description: { "files": {rel: content}, "links": {rel: target},
// "bytes": {rel: [piece, ...]} }. A "bytes" file is written byte for byte, for what JSON's UTF-8 text
// cannot hold (invalid UTF-8, megabyte lines): each piece is a string of one char per byte (latin1,
// "\u00ff" is the byte 0xff) or [string, count], the string repeated count times.
// Shared by the fixture recorders (plain node) and the tests (vitest), so both see the same tree.
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { dirname, join } from 'node:path';

export function buildTree(dir, spec) {
  for (const [rel, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  for (const [rel, pieces] of Object.entries(spec.bytes ?? {})) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    const text = pieces.map((p) => (typeof p === 'string' ? p : p[0].repeat(p[1]))).join('');
    writeFileSync(join(dir, rel), Buffer.from(text, 'latin1'));
  }
  for (const [rel, target] of Object.entries(spec.links ?? {})) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    symlinkSync(target.replaceAll('@DIR@', dir), join(dir, rel));
  }
}
