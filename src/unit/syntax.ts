/**
 * Unit file syntax, as systemd.syntax(7) and systemd's conf-parser define it. Knows nothing of
 * what directives mean: it turns text into an ordered list of assignments, each with file:line.
 *
 * Rules kept here (each one observable with systemd-analyze verify):
 *  - a line whose first non-blank character is '#' or ';' is a comment — also in the middle of a
 *    continuation, where it is skipped and the continuation goes on;
 *  - a line ending in an unescaped backslash continues on the next line; the backslash becomes a
 *    space; the statement is reported at its last physical line;
 *  - "[Name]" opens a section; a header not ending in ']', or whose name holds a control
 *    character, a quote or a backslash, is a fatal syntax error;
 *  - lines end at '\n', '\r' or NUL (read_line()); a line of LONG_LINE_MAX bytes is fatal, and so
 *    is a statement that is not UTF-8 clean (a comment may hold any bytes);
 *  - "Key=Value": both sides stripped of whitespace; the value keeps everything else verbatim
 *    (quotes and escapes are the directive's business, not the syntax's);
 *  - assignments before any section, and lines without '=', are warned about and skipped.
 */
import type { Diagnostic, SourceLocation } from '../shared/diagnostic.js';
import { stringIsSafe } from './values/strings.js';
import { strerrorOf } from '../shared/strerror.js';
import { WHITESPACE } from '../shared/c-integer.js';

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
  /** Reading stopped at a fatal error: systemd refuses to load such a fragment (a drop-in just ends there). */
  readonly fatal: boolean;
  /** strerror() of a fatal syntax error, as the unit's load error is reported; unset when the file could not be read. */
  readonly fatalError?: string;
}

export interface ParseOptions {
  /**
   * Sections the caller understands. Others are warned about ("Unknown section") and their
   * assignments dropped — except X- sections, which are kept silently. Undefined: accept all.
   */
  readonly knownSections?: ReadonlySet<string>;
}

/** conf-parser's LONG_LINE_MAX: a line (or a continued statement) of this many bytes is refused. */
export const LONG_LINE_MAX = 1024 * 1024;

const COMMENTS = '#;';
/** strerror() of the fatal errors, as the unit's load error is reported. */
export const EBADMSG_TEXT = strerrorOf('EBADMSG');
const EINVAL = strerrorOf('EINVAL');
const ENOBUFS = strerrorOf('ENOBUFS');

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

/** A line-end kind of read_line(): '\n', '\r' and NUL, each at most once per line end. */
function eolKind(c: number): number {
  return c === 0x0a ? 1 : c === 0x0d ? 2 : c === 0 ? 4 : 0;
}

/**
 * The file's lines as systemd's read_line() sees them: a line ends at '\n', '\r' or NUL, and a run
 * of different line-end characters ("\r\n", "\n\r", "\n\0") is one line end — but nothing follows
 * a NUL in the same one. `text` holds one char per byte (latin1), so lengths are byte counts.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let i = 0;
  while (i < text.length) {
    let j = i;
    while (j < text.length && eolKind(text.charCodeAt(j)) === 0) j++;
    lines.push(text.slice(i, j));
    let seen = 0;
    while (j < text.length) {
      const k = eolKind(text.charCodeAt(j));
      if (k === 0 || (seen & k) !== 0 || (seen & 4) !== 0) break;
      seen |= k;
      j++;
    }
    i = j;
  }
  return lines;
}

// eslint-disable-next-line no-control-regex -- every ASCII byte, NUL included, is its own UTF-8
const ASCII = /^[\x00-\x7f]*$/;

/** The byte string (latin1) as text if it is UTF-8 clean as systemd's utf8_is_valid() means it, else undefined. */
function decodeClean(bytes: string): string | undefined {
  if (ASCII.test(bytes)) return bytes;
  const buf = Buffer.from(bytes, 'latin1');
  for (let i = 0; i < buf.length; ) {
    const n = validCharLength(buf, i);
    if (n === 0) return undefined;
    i += n;
  }
  return buf.toString('utf8');
}

/**
 * The length of the valid UTF-8 character at `i`, or 0: no overlong form, no surrogate, nothing
 * past U+10FFFF and no non-character (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF), as unichar_is_valid().
 */
function validCharLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const len = c >= 0xc0 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf8 ? 4 : 0;
  if (len === 0 || i + len > b.length) return 0;
  let cp = c & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const d = b[i + k]!;
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  const shortest = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  if (shortest !== len || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 0;
  return len;
}

/** utf8_escape_invalid(): every byte that does not start a valid character becomes U+FFFD. */
function escapeInvalid(bytes: string): string {
  const buf = Buffer.from(bytes, 'latin1');
  let out = '';
  for (let i = 0; i < buf.length; ) {
    const n = validCharLength(buf, i);
    if (n === 0) {
      out += '\uFFFD';
      i++;
    } else {
      out += buf.toString('utf8', i, i + n);
      i += n;
    }
  }
  return out;
}

/**
 * Parses a unit file's bytes (a string is taken as its UTF-8 encoding). The file is read as bytes
 * so that a statement which is not UTF-8 clean is seen and refused, as systemd refuses it, rather
 * than decoded into replacement characters and accepted.
 */
export function parseUnitText(path: string, content: string | Uint8Array, opts: ParseOptions = {}): ParsedFile {
  const assignments: Assignment[] = [];
  const sections: SectionHeader[] = [];
  const diagnostics: Diagnostic[] = [];
  let fatalError: string | undefined;

  let section: string | null = null;
  let sectionIgnored = false;
  // The pieces of a continued statement, joined once at its end: joining per line is quadratic.
  let continuation: string[] | null = null;
  let continuationLength = 0;

  // One char per byte: every byte survives until a statement is checked for UTF-8.
  let text = (typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength)).toString('latin1');
  // Strip a UTF-8 byte order mark, as systemd does on the first line.
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  const lines = splitLines(text);

  const parseLine = (raw: string, lineNo: number): void => {
    const loc = { file: path, line: lineNo };
    const bytes = strip(raw);
    if (bytes === '' || COMMENTS.includes(bytes[0]!)) return;
    const l = decodeClean(bytes);
    if (l === undefined) {
      diagnostics.push({ severity: 'warning', loc, message: `String is not UTF-8 clean, ignoring assignment: ${escapeInvalid(bytes)}` });
      fatalError = EINVAL;
      return;
    }

    if (l[0] === '[') {
      if (l[l.length - 1] !== ']') {
        diagnostics.push({ severity: 'error', loc, message: `Invalid section header '${l}'` });
        fatalError = EBADMSG_TEXT;
        return;
      }
      const name = l.slice(1, -1);
      if (!stringIsSafe(name)) {
        diagnostics.push({ severity: 'error', loc, message: `Bad characters in section header '${l}'` });
        fatalError = EBADMSG_TEXT;
        return;
      }
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

  for (let i = 0; i < lines.length && fatalError === undefined; i++) {
    const buf = lines[i]!;
    const lineNo = i + 1;
    // read_line() refuses a line of LONG_LINE_MAX bytes before anything looks at it, comment or not.
    if (buf.length >= LONG_LINE_MAX) {
      fatalError = ENOBUFS;
      break;
    }
    const lead = buf.replace(/^[ \t\n\r]+/, '');
    if (lead !== '' && COMMENTS.includes(lead[0]!)) continue;

    if (continuation !== null && continuationLength + buf.length > LONG_LINE_MAX) {
      fatalError = ENOBUFS;
      break;
    }
    // A continued statement's earlier pieces end in the space that replaced their backslash, so
    // whether this line's final backslash is escaped depends on this line alone.
    if (endsWithUnescapedBackslash(buf)) {
      continuation ??= [];
      continuation.push(buf.slice(0, -1), ' ');
      continuationLength += buf.length;
      continue;
    }
    const p = continuation === null ? buf : continuation.join('') + buf;
    continuation = null;
    continuationLength = 0;
    parseLine(p, lineNo);
  }
  if (continuation !== null && fatalError === undefined) parseLine(continuation.join(''), lines.length);

  return { path, assignments, sections, diagnostics, fatal: fatalError !== undefined, fatalError };
}
