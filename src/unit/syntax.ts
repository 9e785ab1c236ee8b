/**
 * Unit file syntax, as systemd.syntax(7) and systemd's conf-parser define it. Knows nothing of
 * what directives mean: it turns text into an ordered list of assignments, each with file:line.
 *
 * Rules kept here (each one observable with systemd-analyze verify):
 *  - a line whose first non-blank character is '#' or ';' is a comment — also in the middle of a
 *    continuation, where it is skipped and the continuation goes on;
 *  - a line ending in an unescaped backslash continues on the next line; the backslash becomes a
 *    space; the statement is reported at its last physical line;
 *  - "[Name]" opens a section; a header not ending in ']' is a fatal syntax error;
 *  - "Key=Value": both sides stripped of whitespace; the value keeps everything else verbatim
 *    (quotes and escapes are the directive's business, not the syntax's);
 *  - assignments before any section, and lines without '=', are warned about and skipped.
 */
import type { Diagnostic, SourceLocation } from '../shared/diagnostic.js';

export interface Assignment {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly loc: SourceLocation;
}

export interface SectionHeader {
  readonly name: string;
  readonly loc: SourceLocation;
}

export interface ParsedFile {
  readonly path: string;
  /** Assignments in file order. Sections not in `knownSections` are dropped (X- ones kept). */
  readonly assignments: readonly Assignment[];
  readonly sections: readonly SectionHeader[];
  readonly diagnostics: readonly Diagnostic[];
  /** A fatal syntax error (invalid section header): systemd refuses to load such a file. */
  readonly fatal: boolean;
}

export interface ParseOptions {
  /**
   * Sections the caller understands. Others are warned about ("Unknown section") and their
   * assignments dropped — except X- sections, which are kept silently. Undefined: accept all.
   */
  readonly knownSections?: ReadonlySet<string>;
}

const WHITESPACE = ' \t\n\r';
const COMMENTS = '#;';

function strip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && WHITESPACE.includes(s[a]!)) a++;
  while (b > a && WHITESPACE.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function endsWithUnescapedBackslash(s: string): boolean {
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
  }
  return escaped;
}

export function parseUnitText(path: string, text: string, opts: ParseOptions = {}): ParsedFile {
  const assignments: Assignment[] = [];
  const sections: SectionHeader[] = [];
  const diagnostics: Diagnostic[] = [];
  let fatal = false;

  let section: string | null = null;
  let sectionIgnored = false;
  let continuation: string | null = null;

  // Strip a UTF-8 byte order mark, as systemd does on the first line.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  // A trailing newline yields one empty last element that is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  const parseLine = (raw: string, lineNo: number): void => {
    const loc = { file: path, line: lineNo };
    const l = strip(raw);
    if (l === '' || COMMENTS.includes(l[0]!)) return;

    if (l[0] === '[') {
      if (l[l.length - 1] !== ']') {
        diagnostics.push({ severity: 'error', loc, message: `Invalid section header '${l}'` });
        fatal = true;
        return;
      }
      const name = l.slice(1, -1);
      if (opts.knownSections && !opts.knownSections.has(name) && !name.startsWith('X-')) {
        diagnostics.push({ severity: 'warning', loc, message: `Unknown section '${name}'. Ignoring.` });
        section = null;
        sectionIgnored = true;
      } else {
        section = name;
        sectionIgnored = false;
        sections.push({ name, loc });
      }
      return;
    }

    if (section === null) {
      if (!sectionIgnored) {
        diagnostics.push({ severity: 'warning', loc, message: 'Assignment outside of section. Ignoring.' });
      }
      return;
    }

    const eq = l.indexOf('=');
    if (eq < 0) {
      diagnostics.push({ severity: 'warning', loc, message: "Missing '=', ignoring line." });
      return;
    }
    assignments.push({ section, key: strip(l.slice(0, eq)), value: strip(l.slice(eq + 1)), loc });
  };

  for (let i = 0; i < lines.length && !fatal; i++) {
    let buf = lines[i]!;
    if (buf.endsWith('\r')) buf = buf.slice(0, -1);
    const lineNo = i + 1;
    const lead = buf.replace(/^[ \t\n\r]+/, '');
    if (lead !== '' && COMMENTS.includes(lead[0]!)) continue;

    const p: string = continuation === null ? buf : continuation + buf;
    if (endsWithUnescapedBackslash(p)) {
      continuation = p.slice(0, -1) + ' ';
      continue;
    }
    continuation = null;
    parseLine(p, lineNo);
  }
  if (continuation !== null && !fatal) parseLine(continuation, lines.length);

  return { path, assignments, sections, diagnostics, fatal };
}
