// The layering docs/design/architecture.md draws is the one lint enforces: the doc's chain of
// folders is eslint.config.js's LAYERS, and imports that break it (the engine reaching the host or
// exec's spawner, the host reaching past the engine's System interface, …) fail `eslint src`.
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the lint config is plain JavaScript without types
import { LAYERS } from '../../eslint.config.js';

const root = new URL('../..', import.meta.url).pathname;

describe('the layering of src/', () => {
  it('is drawn in architecture.md in the order eslint.config.js enforces', () => {
    const doc = readFileSync(`${root}docs/design/architecture.md`, 'utf8');
    const chain = doc.split('\n').find((l) => l.startsWith('src/unit') && l.includes('→'))!;
    expect([...chain.matchAll(/src\/(\w+)/g)].map((m) => m[1])).toEqual((LAYERS as string[]).filter((l) => l !== 'shared' && l !== 'config'));
    expect(doc).toMatch(/exactly the layering the build enforces/);
  });

  const eslint = new ESLint({ cwd: root });
  const verdict = async (file: string, imported: string): Promise<'allowed' | 'banned'> => {
    const [r] = await eslint.lintText(`import '${imported}';\n`, { filePath: `${root}${file}` });
    return r!.messages.some((m) => m.ruleId === 'no-restricted-imports') ? 'banned' : 'allowed';
  };

  it.each([
    ['src/engine/engine.ts', '../host/native-system.js', 'banned'],
    ['src/engine/kinds/service/kill.ts', '../../../host/process-tracker.js', 'banned'],
    ['src/engine/engine.ts', '../exec/cgroup.js', 'banned'],
    ['src/host/native-system.ts', '../engine/system.js', 'allowed'],
    ['src/host/native-system.ts', '../engine/engine.js', 'banned'],
    ['src/host/native-system.ts', '../exec/exec-context.js', 'allowed'],
    ['src/host/native-system.ts', '../journal/journal.js', 'banned'],
    ['src/exec/stdio.ts', '../engine/system.js', 'banned'],
    ['src/journal/journal.ts', '../host/native-system.js', 'banned'],
    ['src/control/server.ts', '../host/native-system.js', 'banned'],
    ['src/cli/svcctl/main.ts', '../../host/native-system.js', 'banned'],
    ['src/cli/svcd.ts', '../host/native-system.js', 'allowed'],
  ] as const)('%s importing %s is %s', async (file, imported, expected) => {
    expect(await verdict(file, imported)).toBe(expected);
  });
});
