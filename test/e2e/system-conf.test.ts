// svcd reading its configuration as a user writes it: systemd syntax in the main file (two
// DefaultEnvironment= lines, a continued line, a bad value) and a drop-in beside it, seen in the
// environment of a service it starts and in the warning it prints.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-system-conf-'));
const out = join(dir, 'env');
const conf = join(dir, 'system.conf');
buildTree(dir, {
  files: {
    'units/envdump.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'env > ${out}'\n`,
    'units/x.target': '[Unit]\nWants=envdump.service\n',
    'system.conf': [
      '[Manager]',
      'DefaultEnvironment=FIRST=1 SHARED=main',
      '# a comment',
      'DefaultEnvironment=SECOND=2 \\',
      '  THIRD=3',
      'DefaultTimeoutStopSec=soon',
      '',
    ].join('\n'),
    'system.conf.d/50-site.conf': '[Manager]\nDefaultEnvironment=SHARED=dropin\n',
  },
});

let console_ = '';
let stopped: Promise<unknown> = Promise.resolve();
beforeAll(async () => {
  const p = spawn(process.execPath, [join(repo, 'dist/cli/svcd.js'), '--unit-path', `${join(dir, 'units')}:${join(repo, 'units')}`, '--unit', 'x.target',
    '--config', conf, '--runtime-dir', join(dir, 'run'), '--journal-dir', join(dir, 'journal')], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout.on('data', (d: Buffer) => (console_ += d.toString()));
  p.stderr.on('data', (d: Buffer) => (console_ += d.toString()));
  stopped = new Promise((r) => p.on('exit', r));
  for (let t = 0; t < 20000 && !(existsSync(out) && /Reached target/.test(console_)); t += 50) await new Promise((r) => setTimeout(r, 50));
  p.kill('SIGTERM');
  await stopped;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('svcd --config FILE in systemd syntax', () => {
  it('gives services every DefaultEnvironment= assignment, continued lines joined, the drop-in last', () => {
    const env = readFileSync(out, 'utf8').split('\n');
    expect(env).toEqual(expect.arrayContaining(['FIRST=1', 'SECOND=2', 'THIRD=3', 'SHARED=dropin']));
  });

  it('names the file, line and directive of a bad value', () => {
    expect(console_).toContain(`${conf}:6: Failed to parse DefaultTimeoutStopSec=soon, ignoring`);
  });
});
