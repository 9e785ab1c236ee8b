#!/usr/bin/env node
// Records the names and FragmentPath= systemd 252 reports for unit files reached through symlinks
// between search directories (test/support/fragment-links.mjs), booted with systemd-ns --layout etc,
// into test/fixtures/dbus/fragment-links.json for test/e2e/fragment-links-differential.test.ts. Root.
//   node scripts/record-fragment-link-fixtures.mjs
import { mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { answersOfSystemd } from '../test/support/fragment-links.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? join(repo, '../shared/tools/systemd-ns');
const out = join(repo, 'test/fixtures/dbus/fragment-links.json');
// Not under /tmp: the namespace has a private one.
const { answers, version } = answersOfSystemd(tools, () => mkdtempSync(join(process.env.RECORD_TMPDIR ?? '/var/tmp', 'fragment-links-')));
writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, answers }, null, 1)}\n`);
process.stderr.write(`wrote ${out}: ${answers.length} units\n`);
