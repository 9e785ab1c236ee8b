// The shared strcmp()/strcasecmp(): C's byte order of the UTF-8 text, which JS's `<` (UTF-16
// code units) gets wrong where a character past the BMP meets one in U+E000–U+FFFF.
import { describe, expect, it } from 'vitest';
import { strcasecmp, strcmp } from '../../src/shared/strcmp.js';

const bytes = (a: string, b: string): number => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('strcmp', () => {
  it('orders as the UTF-8 bytes do, past the BMP too', () => {
    const words = ['', 'a', 'ab', 'b', 'B', 'a.service', 'a-b', '\u{ff5e}', '\u{1f600}', 'x\u{e000}', 'x\u{10000}', 'é', 'z'];
    for (const a of words) for (const b of words) expect([a, b, strcmp(a, b)]).toEqual([a, b, bytes(a, b)]);
    expect(['\u{1f600}', '\u{ff5e}'].sort(strcmp)).toEqual(['\u{ff5e}', '\u{1f600}']);
  });

  it('strcasecmp folds ASCII letters only', () => {
    expect(strcasecmp('Web.Service', 'web.service')).toBe(0);
    expect(strcasecmp('A', 'b')).toBe(-1);
    expect(strcasecmp('É', 'é')).toBe(bytes('É', 'é'));
  });
});
