#!/usr/bin/env node
// record-list-paths-fixtures.mjs [OUTDIR] — what `systemctl list-paths` prints for real systemd 252
// booted (systemd-ns) on test/fixtures/list-paths/units, written to OUTDIR (default that fixture
// directory) as NAME.txt per case; test/e2e/list-paths-differential.test.ts replays the same
// invocations against svcd.
//
// systemctl 252 has no list-paths ("Unknown command verb list-paths."): the verb came with systemd
// 254, which asks the manager exactly what 252's manager answers — the path units list-units shows
// (ListUnitsByPatterns with --all/--state and the patterns, a name typed without a type getting
// ".path"), and each one's Paths (a(ss): type, path) and Triggers. So this script asks systemd 252
// those questions through its own systemctl and lays the answers out as 254's verb does: one row per
// PathXxx= line, sorted by path (systemd's path_compare(): component by component), then type
// (strcmp), then unit (strcasecmp); the columns PATH CONDITION UNIT ACTIVATES ("-" when it triggers
// nothing), each as wide as its widest cell and one space apart, the last one not padded; then a
// blank line, "N paths listed." and without --all "Pass --all to see loaded but inactive paths,
// too."; --no-legend drops the header and those lines.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fx = join(repo, 'test/fixtures/list-paths');
const out = process.argv[2] ?? fx;
const ns = process.env.SYSTEMD_NS ?? resolve(repo, '../shared/tools/systemd-ns');

/** The cases: name, then svcctl's (and systemctl's) arguments. Shared with the test. */
export const CASES = [
  ['default', []], ['all', ['--all']], ['pattern', ['b*']], ['name', ['run']], ['none', ['nothing*']],
  ['state', ['--state=waiting']], ['all-no-legend', ['--all', '--no-legend']],
];

const components = (p) => p.split('/').filter((c) => c !== '' && c !== '.');
function pathCompare(a, b) {
  const abs = Number(a.startsWith('/')) - Number(b.startsWith('/'));
  if (abs !== 0) return abs;
  const x = Buffer.from(components(a).join('\0')), y = Buffer.from(components(b).join('\0'));
  return Buffer.compare(x, y);
}
const strcmp = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const strcasecmp = (a, b) => strcmp(a.toLowerCase(), b.toLowerCase());

function render(rows, all, legend) {
  const header = ['PATH', 'CONDITION', 'UNIT', 'ACTIVATES'];
  const cells = rows.map((r) => [r.path, r.type, r.unit, r.triggers.length ? r.triggers.join(', ') : '-']);
  const table = legend ? [header, ...cells] : cells;
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  let text = table.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join(' ')).join('\n');
  if (table.length) text += '\n';
  if (legend) text += `\n${rows.length} paths listed.\n${all ? '' : 'Pass --all to see loaded but inactive paths, too.\n'}`;
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pid = execFileSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', join(fx, 'units'), 'x.target'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const systemctl = (...args) => execFileSync(join(ns, 'systemd-ns-exec.sh'), [pid, 'env', 'SYSTEMD_COLORS=0', 'systemctl', '--no-pager', ...args], { encoding: 'utf8' });
  try {
    mkdirSync(out, { recursive: true });
    for (const [name, args] of CASES) {
      const flags = args.filter((a) => a.startsWith('-'));
      // expand_unit_names(…, ".path"): a name that is no glob and has no type gets ".path".
      const patterns = args.filter((a) => !a.startsWith('-')).map((a) => (/[*?[]/.test(a) || /\.[a-z]+$/.test(a) ? a : `${a}.path`));
      const listFlags = flags.filter((f) => f !== '--no-legend');
      const units = systemctl('list-units', '--type=path', '--plain', '--no-legend', '--full', ...listFlags, '--', ...patterns)
        .split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)[0]);
      const rows = [];
      if (units.length) {
        for (const block of systemctl('show', '-p', 'Id', '-p', 'Paths', '-p', 'Triggers', '--', ...units).split('\n\n')) {
          const lines = block.split('\n').filter(Boolean);
          const unit = lines.find((l) => l.startsWith('Id=')).slice(3);
          const triggers = (lines.find((l) => l.startsWith('Triggers=')) ?? 'Triggers=').slice(9).split(' ').filter(Boolean);
          for (const l of lines.filter((x) => x.startsWith('Paths='))) {
            const m = /^Paths=(.*) \(([A-Za-z]+)\)$/.exec(l);
            rows.push({ path: m[1], type: m[2], unit, triggers });
          }
        }
      }
      rows.sort((a, b) => pathCompare(a.path, b.path) || strcmp(a.type, b.type) || strcasecmp(a.unit, b.unit));
      writeFileSync(join(out, `${name}.txt`), render(rows, flags.includes('--all'), !flags.includes('--no-legend')));
    }
    process.stderr.write(`recorded ${CASES.length} cases into ${out}\n`);
  } finally {
    execFileSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
  }
}
