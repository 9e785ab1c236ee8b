// docs/units.md is generated from the directive table; this fails when someone changes the table
// without regenerating it (node scripts/gen-units-doc.mjs after npm run build).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('docs/units.md matches the directive table', async () => {
  const { render } = await import('../../scripts/gen-units-doc.mjs');
  expect(readFileSync(join(__dirname, '../../docs/units.md'), 'utf8')).toBe(await render());
});
