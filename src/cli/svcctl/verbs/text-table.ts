/**
 * systemd's plain tables (format-table without a terminal): an upper-case header line, columns as
 * wide as their widest cell, one space between them, right-aligned columns padded on the left, and
 * a last left-aligned column (or an empty last cell) not padded at all.
 */

export interface Column {
  readonly header: string;
  readonly alignRight?: boolean;
}

/** Columns a string takes on a terminal: emoji take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x1f300 ? 2 : 1;
  return w;
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const all = [columns.map((c) => c.header), ...rows];
  const widths = columns.map((_, j) => Math.max(...all.map((r) => displayWidth(r[j] ?? ''))));
  const last = columns.length - 1;
  return all.map((r) => columns.map((c, j) => {
    const cell = r[j] ?? '';
    // An empty last cell is left out, padding and all.
    if (j === last && cell === '') return '';
    const pad = ' '.repeat(widths[j]! - displayWidth(cell));
    if (c.alignRight) return pad + cell;
    return j === last ? cell : cell + pad;
  }).join(' ') + '\n').join('');
}
