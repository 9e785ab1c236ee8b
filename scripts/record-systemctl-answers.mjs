#!/usr/bin/env node
// Records what the real systemctl answers against real systemd 252 (booted with systemd-ns) for the
// cases of test/support/systemctl-cases.mjs, into test/fixtures/dbus/systemctl-answers.json, for
// test/e2e/dbus-systemctl-differential.test.ts to replay against svcd; with `verbs`, the VERBS
// scenario's into test/fixtures/dbus/systemctl-verb-answers.json (test/e2e/svcctl-verbs-differential.test.ts).
// Root; systemd-ns must boot.
//   node scripts/record-systemctl-answers.mjs [verbs]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { answersOfSystemd, VERBS } from '../test/support/systemctl-cases.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';
const verbs = process.argv[2] === 'verbs';
const out = join(repo, `test/fixtures/dbus/${verbs ? 'systemctl-verb-answers' : 'systemctl-answers'}.json`);

const { answers, version } = answersOfSystemd(tools, () => mkdtempSync(join(tmpdir(), 'systemctl-answers-')), verbs ? VERBS : undefined);
writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, answers }, null, 1)}\n`);
process.stderr.write(`wrote ${out}: ${answers.length} answers\n`);
