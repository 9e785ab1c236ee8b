// Lint, and the one-way layering of src/ (docs/design/architecture.md): each layer may import only
// the layers before it in LAYERS, minus the explicit bans below. The engine owns the System
// interface (src/engine/system.ts) and src/host implements it: host comes after the engine and may
// import that one file of it, so the engine never sees how processes are started.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export const LAYERS = ['shared', 'config', 'unit', 'graph', 'engine', 'exec', 'host', 'journal', 'control', 'dbus', 'cli'];
const later = (layer) => LAYERS.slice(LAYERS.indexOf(layer) + 1);
// What each layer must not import: every later layer, plus the bans that are not about order.
const forbidden = {
  shared: later('shared'),
  config: later('config'),
  unit: later('unit'),
  graph: later('graph'),
  // The machine is the host's: the engine reaches it only through its System interface.
  engine: later('engine'),
  // exec is the mechanism under the host (and the journal's native calls): it knows no engine.
  exec: [...later('exec'), 'engine'],
  // The host implements the engine's System interface and uses nothing else of the engine.
  host: [...later('host'), 'engine'],
  journal: [...later('journal'), 'engine', 'host'],
  control: [...later('control'), 'host'],
  dbus: [...later('dbus'), 'host'],
  // svcctl: offline verbs use unit/ directly; online ones go through control/'s protocol only.
  'cli/svcctl': ['graph', 'engine', 'exec', 'host', 'journal'],
};

// The exceptions, by layer and then by the banned layer they may reach into.
const allowed = {
  // system.conf has unit files' syntax (systemd reads both with conf-parser), so config/ uses
  // unit/'s reader and value parsers — two leaves of unit/ that import only shared/ — and nothing
  // else of unit/. (gitignore semantics: a folder is opened before its contents can be.)
  config: { unit: ['syntax.js', 'values', 'values/**'] },
  // The one file of the engine the host implements.
  host: { engine: ['system.js'] },
  // `analyze condition` tests conditions in the client, as systemd-analyze does, with the manager's
  // own evaluator (a leaf of exec/ that reads the machine and nothing of svcd's).
  'cli/svcctl': { exec: ['conditions.js'] },
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
