// Lint, and the one-way layering of src/ (docs/design/architecture.md): each layer may import only the layers
// before it. shared/ is a leaf everyone may use; cli/ talks to the daemon through control/'s
// protocol module only, never to the engine.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = ['shared', 'config', 'unit', 'graph', 'engine', 'exec', 'journal', 'control', 'dbus', 'cli'];
// What each layer must not import (later layers, plus explicit exceptions).
const forbidden = {
  shared: LAYERS.filter((l) => l !== 'shared'),
  config: LAYERS.slice(2),
  unit: LAYERS.slice(3),
  graph: LAYERS.slice(4),
  engine: ['journal', 'control', 'dbus', 'cli'],
  exec: ['engine', 'control', 'dbus', 'cli'],
  journal: ['engine', 'control', 'dbus', 'cli'],
  control: ['dbus', 'cli'],
  dbus: ['cli'],
  // The CLI reaches the daemon only through control/protocol; offline verbs use unit/ directly.
  // svcctl: offline verbs use unit/ directly; online ones go through control/'s protocol only.
  'cli/svcctl': ['graph', 'engine', 'exec', 'journal'],
};

// The exceptions, by layer and then by the later layer they may reach into. system.conf has unit
// files' syntax (systemd reads both with conf-parser), so config/ uses unit/'s reader and value
// parsers — two leaves of unit/ that import only shared/ — and nothing else of unit/.
const allowed = {
  // (gitignore semantics: a folder is opened before its contents can be.)
  config: { unit: ['syntax.js', 'values', 'values/**'] },
};

const prefixes = (b) => [`../${b}/`, `../../${b}/`, `../../../${b}/`, `**/src/${b}/`];

const layerRules = Object.entries(forbidden).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: banned.map((b) => ({
        group: [
          ...prefixes(b).map((p) => `${p}**`),
          ...(allowed[layer]?.[b] ?? []).flatMap((a) => prefixes(b).map((p) => `!${p}${a}`)),
        ],
        message: `src/${layer} must not import src/${b} (layering: docs/design/architecture.md)`,
      })),
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'bench/**/*.mjs', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layerRules,
);
