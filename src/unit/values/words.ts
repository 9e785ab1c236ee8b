/**
 * Word splitting as systemd's extract_first_word() does it. Unit file values are split after the
 * syntax parser has joined continuation lines, and each directive asks for its own mix of quoting
 * and escaping rules, so the rules are flags rather than one fixed splitter.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { EINVAL, WHITESPACE } from '../../shared/c-integer.js';

export { WHITESPACE };

export interface ExtractFlags {
  /** Remove '…' and "…" quoting (EXTRACT_UNQUOTE). */
  unquote?: boolean;
  /** Decode C escapes such as \n, \x41, \u00e9 (EXTRACT_CUNESCAPE). */
  cunescape?: boolean;
  /** Keep unknown escapes verbatim instead of failing (EXTRACT_UNESCAPE_RELAX). */
  unescapeRelax?: boolean;
  /** A backslash before a separator or backslash yields it literally (EXTRACT_UNESCAPE_SEPARATORS). */
  unescapeSeparators?: boolean;
  /** Each separator ends a word, so empty words exist (EXTRACT_DONT_COALESCE_SEPARATORS). */
  dontCoalesceSeparators?: boolean;
  /** Tolerate a trailing backslash or an unterminated quote (EXTRACT_RELAX). */
  relax?: boolean;
  /** Backslashes are ordinary characters (EXTRACT_RETAIN_ESCAPE). */
  retainEscape?: boolean;
}

export interface Extracted {
  /** null when the input held no further word. */
  readonly word: string | null;
  /** Index just past what was consumed; null means the input is exhausted. */
  readonly next: number | null;
}

const hexVal = (c: string | undefined): number => (c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);
const octVal = (c: string | undefined): number => (c !== undefined && c >= '0' && c <= '7' ? c.charCodeAt(0) - 48 : -1);

/** The whole character at i, so surrogate pairs survive the UTF-8 byte builder. */
function charAt(s: string, i: number): string {
  return String.fromCodePoint(s.codePointAt(i)!);
}

/** One decoded C escape: either a code point, or a raw byte from \xNN / \NNN. */
type Unescaped = { length: number; codePoint: number; byte: boolean };

function isValidUnichar(u: number): boolean {
  return u <= 0x10ffff && !(u >= 0xd800 && u <= 0xdfff) && u !== 0xfffe && u !== 0xffff;
}

/** systemd's cunescape_one(): `s[i]` is the character after the backslash. NUL is refused. */
export function cunescapeOne(s: string, i: number): Unescaped | null {
  const c = s[i];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, s: 32 };
  if (c === undefined) return null;
  if (c in simple) return { length: 1, codePoint: simple[c]!, byte: false };
  if (c === 'x') {
    const a = hexVal(s[i + 1]);
    const b = hexVal(s[i + 2]);
    if (a < 0 || b < 0) return null;
    if (a === 0 && b === 0) return null;
    return { length: 3, codePoint: (a << 4) | b, byte: true };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    let u = 0;
    for (let k = 1; k <= n; k++) {
      const h = hexVal(s[i + k]);
      if (h < 0) return null;
      u = u * 16 + h;
    }
    if (u === 0 || !isValidUnichar(u)) return null;
    return { length: n + 1, codePoint: u, byte: false };
  }
  if (c >= '0' && c <= '7') {
    const a = octVal(s[i]);
    const b = octVal(s[i + 1]);
    const d = octVal(s[i + 2]);
    if (a < 0 || b < 0 || d < 0) return null;
    const m = (a << 6) | (b << 3) | d;
    if (m === 0 || m > 255) return null;
    return { length: 3, codePoint: m, byte: true };
  }
  return null;
}

/**
 * Accumulates output as UTF-8 bytes, because \xNN and \NNN escapes produce raw bytes that may
 * combine into one multi-byte character ("\xc3\xa9" is "é").
 */
class ByteBuilder {
  // Text is kept as string chunks; only runs of raw escape bytes go through a Buffer, so plain
  // words cost no per-character allocation.
  private readonly parts: string[] = [];
  private bytes: number[] = [];
  push(str: string): void {
    if (this.bytes.length > 0) this.flush();
    this.parts.push(str);
  }
  pushByte(b: number): void {
    this.bytes.push(b);
  }
  private flush(): void {
    this.parts.push(Buffer.from(this.bytes).toString('utf8'));
    this.bytes = [];
  }
  toString(): string {
    if (this.bytes.length > 0) this.flush();
    return this.parts.join('');
  }
}

/**
 * Extracts the word starting at `start`. Errors mirror systemd's -EINVAL cases: a trailing
 * backslash, an unknown escape with `cunescape`, or an unterminated quote (without `relax`).
 */
export function extractFirstWord(
  input: string,
  start: number | null,
  separators: string = WHITESPACE,
  flags: ExtractFlags = {},
): Result<Extracted, string> {
  if (start === null || start > input.length) return ok({ word: null, next: null });
  let i = start;
  let out: ByteBuilder | null = flags.dontCoalesceSeparators ? new ByteBuilder() : null;
  let quote: string | null = null;
  let backslash = false;

  // Skip leading separators (or, when not coalescing, one separator ends an empty word).
  for (;; i++) {
    const c = input[i];
    if (c === undefined) return ok(out ? { word: out.toString(), next: null } : { word: null, next: null });
    if (separators.includes(c)) {
      if (flags.dontCoalesceSeparators) return ok({ word: out!.toString(), next: i + 1 });
      continue;
    }
    out ??= new ByteBuilder();
    break;
  }
  const word = out;

  for (;;) {
    const c = input[i];
    if (backslash) {
      if (c === undefined) {
        if (flags.unescapeRelax && (quote === null || flags.relax)) {
          word.push('\\');
          return ok({ word: word.toString(), next: null });
        }
        if (flags.relax) return ok({ word: word.toString(), next: null });
        return err('Trailing backslash');
      }
      let consumed = charAt(input, i).length;
      if (flags.cunescape || flags.unescapeSeparators) {
        const u = flags.cunescape ? cunescapeOne(input, i) : null;
        if (u) {
          if (u.byte) word.pushByte(u.codePoint);
          else word.push(String.fromCodePoint(u.codePoint));
          consumed = u.length;
        } else if (flags.unescapeSeparators && (separators.includes(c) || c === '\\')) {
          word.push(c);
        } else if (flags.unescapeRelax) {
          word.push('\\' + charAt(input, i));
        } else {
          return err(`Invalid escape sequence '\\${charAt(input, i)}'`);
        }
      } else {
        word.push(charAt(input, i));
      }
      backslash = false;
      i += consumed;
      continue;
    }
    // A backslash starts an escape inside quotes and out alike (it is neither a quote nor a separator).
    if (c === '\\' && !flags.retainEscape) {
      backslash = true;
      i++;
      continue;
    }
    if (quote !== null) {
      if (c === undefined) {
        if (flags.relax) return ok({ word: word.toString(), next: null });
        return err('Unbalanced quoting');
      }
      if (c === quote) {
        quote = null;
        i++;
        continue;
      }
      const ch = charAt(input, i);
      word.push(ch);
      i += ch.length;
      continue;
    }
    if (c === undefined) return ok({ word: word.toString(), next: null });
    if ((c === "'" || c === '"') && flags.unquote) {
      quote = c;
      i++;
      continue;
    }
    if (separators.includes(c)) {
      if (flags.dontCoalesceSeparators) return ok({ word: word.toString(), next: i + 1 });
      while (i < input.length && separators.includes(input[i]!)) i++;
      return ok({ word: word.toString(), next: i >= input.length ? null : i });
    }
    const ch = charAt(input, i);
    word.push(ch);
    i += ch.length;
  }
}

/** Splits the whole value into words; fails on the first syntax error, as systemd's strv parsers do. */
export function splitWords(input: string, flags: ExtractFlags = {}, separators: string = WHITESPACE): Result<string[], string> {
  const words: string[] = [];
  let pos: number | null = 0;
  for (;;) {
    const r = extractFirstWord(input, pos, separators, flags);
    if (!r.ok) return r;
    if (r.value.word === null) return ok(words);
    words.push(r.value.word);
    pos = r.value.next;
  }
}

/** cunescape(): every C escape of `s` decoded (tmpfiles.d arguments); an unknown or NUL escape fails. */
export function cunescape(s: string): Result<string, string> {
  const out = new ByteBuilder();
  for (let i = 0; i < s.length; ) {
    if (s[i] !== '\\') {
      const ch = charAt(s, i);
      out.push(ch);
      i += ch.length;
      continue;
    }
    const u = cunescapeOne(s, i + 1);
    if (!u) return err(EINVAL);
    if (u.byte) out.pushByte(u.codePoint);
    else out.push(String.fromCodePoint(u.codePoint));
    i += 1 + u.length;
  }
  return ok(out.toString());
}
