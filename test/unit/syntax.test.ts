import { describe, expect, it } from 'vitest';
import { LONG_LINE_MAX, parseUnitText, splitLines } from '../../src/unit/syntax.js';

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

  // systemd 252 (systemd-analyze verify): "Bad characters in section header '[S'ervice]'", Bad message.
  it.each(["[S'ervice]", '[Ser"vice]', '[U\\nit]', '[Ser\tvice]', '[Serv\x7fice]'])('refuses the section header %j, whose name is not safe', (header) => {
    const f = parseUnitText('/u/x.service', `${header}\nA=b\n`);
    expect(f.fatalError).toBe('Bad message');
    expect(f.diagnostics).toEqual([{ severity: 'error', loc: { file: '/u/x.service', line: 1 }, message: `Bad characters in section header '${header}'` }]);
  });

  it('does not continue a line ending in an escaped backslash', () => {
    const f = parseUnitText('/x', '[Service]\nA=x\\\\\nB=y\n');
    expect(f.assignments.map((a) => [a.key, a.value])).toEqual([['A', 'x\\\\'], ['B', 'y']]);
  });

  it('reads bytes: valid UTF-8 is decoded, a statement that is not UTF-8 clean ends the file as invalid', () => {
    const ok = parseUnitText('/x', Buffer.from('[Unit]\nDescription=caf\u00e9 \u{1F600}\n', 'utf8'));
    expect(ok.assignments[0]!.value).toBe('caf\u00e9 \u{1F600}');
    const bad = parseUnitText('/x', Buffer.from('[Unit]\n# \xff in a comment\nDescription=a\xe2\x82b\nFoo=1\n', 'latin1'));
    expect([bad.fatal, bad.fatalError, bad.assignments.length]).toEqual([true, 'Invalid argument', 0]);
    expect(bad.diagnostics.map((d) => [d.loc?.line, d.message])).toEqual([[3, 'String is not UTF-8 clean, ignoring assignment: Description=a\uFFFD\uFFFDb']]);
  });

  it('ends lines at \\n, \\r or NUL, a run of different ones being one line end', () => {
    expect(splitLines('a\r\nb\n\rc\rd\0\ne\n\0f')).toEqual(['a', 'b', 'c', 'd', '', 'e', 'f']);
  });

  it('refuses a line of LONG_LINE_MAX bytes', () => {
    const f = parseUnitText('/x', `[Unit]\nA=1\n#${'a'.repeat(LONG_LINE_MAX - 1)}\nB=2\n`);
    expect([f.fatalError, f.assignments.map((a) => a.key)]).toEqual(['No buffer space available', ['A']]);
    expect(parseUnitText('/x', `[Unit]\n#${'a'.repeat(LONG_LINE_MAX - 2)}\nB=2\n`).fatal).toBe(false);
  });
});
