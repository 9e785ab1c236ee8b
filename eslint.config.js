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
  // config reads system.conf with the same value parsers unit files use (src/unit/values).
  config: later('unit'),
  unit: later('unit'),
  graph: later('graph'),
  // The machine is the host's: the engine reaches it only through its System interface. Until the
  // exit-status and signal name tables leave exec/native.ts for src/shared, the engine may read
  // them there (and nothing else of exec).
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
// Files of a banned layer that are allowed all the same (see the comments above).
const allowed = {
  engine: ['exec/native.js'],
  host: ['engine/system.js'],
};

const layerRules = Object.entries(forbidden).map(([layer, banned]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: banned.map((b) => ({
        group: [
          `../${b}/**`, `../../${b}/**`, `../../../${b}/**`, `**/src/${b}/**`,
          ...(allowed[layer] ?? []).filter((f) => f.startsWith(`${b}/`)).flatMap((f) => [`!../${f}`, `!../../${f}`, `!../../../${f}`]),
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
