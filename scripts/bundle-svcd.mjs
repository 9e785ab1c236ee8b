#!/usr/bin/env node
// Bundles the daemon's entry, dist/cli/svcd.js, into one file in place (run by `npm run build` after
// tsc). Why: svcd loads about 160 ES modules at every start, and Node 20 resolves, reads, compiles and
// links each on its own; as one file it starts about 80 ms of CPU sooner (docs/performance.md,
// "Start-up"), which every container start pays. The rest of dist/ stays as tsc wrote it: the
// generators, svcctl (whose short paths load few modules and gain nothing) and the tests import it.
//
// The bundle stays at dist/cli/, as deep as every module it replaces, so paths computed from
// import.meta.url (the package root, the native addon) still resolve. Packages with native parts are
// left to Node's own resolution (a .node file cannot be inlined), and so is any package a dependency
// names but the install lacks (dbus-next's optional require('x11')): it fails, or is caught, at run
// time exactly as it would unbundled.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(repo, 'dist/cli/svcd.js');

/** Dependencies that load a compiled addon (or may): resolved at run time from node_modules. */
const NATIVE_PACKAGES = ['usocket', 'node-pty'];

/** Leaves to run time every bare import that does not resolve now. */
const unresolvedStayExternal = {
  name: 'unresolved-stay-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'probe') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'probe' });
      return r.errors.length > 0 ? { path: args.path, external: true } : undefined;
    });
  },
};

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: NATIVE_PACKAGES,
  plugins: [unresolvedStayExternal],
  // CommonJS dependencies (pino and its helpers) call require() for Node's built-ins: an ES module
  // has no require, so the bundle makes one.
  banner: { js: "import { createRequire as svcdCreateRequire } from 'node:module';\nconst require = svcdCreateRequire(import.meta.url);" },
  // tsc's source maps are read in, so a stack trace still leads to src/*.ts.
  sourcemap: 'linked',
  logLevel: 'warning',
});
