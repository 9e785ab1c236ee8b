#!/usr/bin/env node
// Parse and type every unit in a directory tree (default /lib/systemd/system), as svcd does at boot.
// Run after `npm run build`:  node bench/parse-units.mjs [DIR] [ROUNDS]
// Prints the median of ROUNDS cold runs (a fresh name map each time: readdir, parse, type).
import { readdirSync } from 'node:fs';
import { buildUnitFileMap } from '../dist/unit/unit-file-map.js';
import { loadUnit } from '../dist/unit/load.js';
import { parseUnitName } from '../dist/unit/name.js';

const dir = process.argv[2] ?? '/lib/systemd/system';
const rounds = Number(process.argv[3] ?? 20);
const times = [];
let units = 0;
for (let i = 0; i < rounds; i++) {
  const t0 = process.hrtime.bigint();
  const map = buildUnitFileMap([dir]);
  units = 0;
  for (const f of readdirSync(dir)) {
    if (!parseUnitName(f)) continue;
    loadUnit(map, f, true);
    units++;
  }
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(JSON.stringify({ dir, units, rounds, medianMs: +median.toFixed(1), minMs: +times[0].toFixed(1), unitsPerSec: Math.round(units / (median / 1000)) }));
