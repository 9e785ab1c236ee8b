import { describe, expect, it } from 'vitest';
import { parseUnitText } from '../../src/unit/syntax.js';

describe('unit file syntax', () => {
  it('joins continuation lines, skips comments inside them, reports the last line', () => {
    const f = parseUnitText('/x.service', '[Service]\nExecStart=/bin/echo a \\\n# comment\n  b \\\n c\n');
    expect(f.assignments).toEqual([
      { section: 'Service', key: 'ExecStart', value: '/bin/echo a    b   c', loc: { file: '/x.service', line: 5 } },
    ]);
  });

  it('keeps inline # and ; in values (comments only at line start)', () => {
    const f = parseUnitText('/x', '[Unit]\nDescription=a # b ; c\n');
    expect(f.assignments[0]!.value).toBe('a # b ; c');
  });

  it('warns on assignments outside a section and missing =', () => {
    const f = parseUnitText('/x', 'Foo=bar\n[Unit]\nJunk\n');
    expect(f.diagnostics.map((d) => d.message)).toEqual([
      'Assignment outside of section. Ignoring.',
      "Missing '=', ignoring line.",
    ]);
  });

  it('drops unknown sections with a warning but keeps X- sections', () => {
    const f = parseUnitText('/x', '[Foo]\nA=1\n[X-Bar]\nB=2\n', { knownSections: new Set(['Unit']) });
    expect(f.assignments.map((a) => a.key)).toEqual(['B']);
    expect(f.diagnostics[0]!.message).toBe("Unknown section 'Foo'. Ignoring.");
  });

  it('treats a bad section header as fatal', () => {
    expect(parseUnitText('/x', '[Unit\nA=1\n').fatal).toBe(true);
  });

  it('does not continue a line ending in an escaped backslash', () => {
    const f = parseUnitText('/x', '[Service]\nA=x\\\\\nB=y\n');
    expect(f.assignments.map((a) => [a.key, a.value])).toEqual([['A', 'x\\\\'], ['B', 'y']]);
  });
});
