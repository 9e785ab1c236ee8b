#!/usr/bin/env node
// Records what the real systemctl answers against real systemd 252 (booted with systemd-ns
// --layout etc) for preset, preset-all, link, revert, add-wants and add-requires (test/support/preset-bus-cases.mjs), into
// test/fixtures/dbus/preset-answers.json, for test/e2e/dbus-presets.test.ts to replay against
// svcd. Root; systemd-ns must boot.
//   node scripts/record-preset-bus-answers.mjs
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { answersOfSystemd } from '../test/support/preset-bus-cases.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';
const out = join(repo, 'test/fixtures/dbus/preset-answers.json');

const { answers, version } = answersOfSystemd(tools, () => mkdtempSync(join(tmpdir(), 'preset-answers-')));
writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, answers }, null, 1)}\n`);
process.stderr.write(`wrote ${out}: ${answers.length} answers\n`);
