/**
 * strcmp() and strcasecmp() on JS strings, the orders systemd's tools sort names, paths and rows in.
 * strcmp() compares UTF-8 bytes, which is code point order; JS's `<` compares UTF-16 code units,
 * which differs where a character past the BMP (a surrogate pair) meets one in U+E000–U+FFFF.
 */

/** A UTF-16 code unit moved so that unit order is code point order: surrogates above U+E000–U+FFFF. */
const codePointRank = (c: number): number => (c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c);

/** strcmp(): -1, 0 or 1 by the strings' UTF-8 bytes. */
export function strcmp(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** strcasecmp(): strcmp() with ASCII letters folded to lower case (others compare as they are). */
export function strcasecmp(a: string, b: string): number {
  return strcmp(asciiLower(a), asciiLower(b));
}
