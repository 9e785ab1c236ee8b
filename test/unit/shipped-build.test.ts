// What `npm run build` compiles into dist/ (the shipped program): svcd's own modules only. Test
// doubles (a fake System, fake units) live under test/support and must never be among them, or a
// daemon could be wired to a fake clock by a stray import.
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

describe('the shipped build', () => {
  it('compiles no test double and nothing from test/ into dist/', () => {
    const listed = execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: root, encoding: 'utf8' });
    const ours = listed.split('\n').map((f) => relative(root, f.trim())).filter((f) => f !== '' && !f.startsWith('node_modules/') && !f.startsWith('..'));
    expect(ours.length).toBeGreaterThan(50);
    expect(ours.filter((f) => !f.startsWith('src/'))).toEqual([]);
    expect(ours.filter((f) => /(^|\/)fake-[^/]*$/.test(f))).toEqual([]);
  });
});
