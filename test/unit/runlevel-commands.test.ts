// `runlevel` and `telinit` as svcctl links answer as systemd 252's do, on the cases recorded from it
// (scripts/record-runlevel-oracle.sh → test/fixtures/upstart/runlevel-oracle.json): $RUNLEVEL, no
// answer at all ("unknown"), and telinit's argument errors. No manager runs here, so each is answered
// before or without asking one (the runlevel changes themselves are test/e2e/upstart.test.ts's).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(__dirname, '../..');
interface Case { env: string[]; argv: string[]; stdout: string; stderr: string; status: number }
const { cases } = JSON.parse(readFileSync(join(repo, 'test/fixtures/upstart/runlevel-oracle.json'), 'utf8')) as { cases: Case[] };

describe('runlevel and telinit answer as systemd 252 does', () => {
  it.each(cases.map((c) => [[...c.env, ...c.argv].join(' '), c] as const))('%s', (_, c) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', SVCD_RUNTIME_DIR: '/nonexistent/svcd-runlevel-test' };
    for (const kv of c.env) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    const r = spawnSync(join(repo, 'bin', c.argv[0]!), c.argv.slice(1), { encoding: 'utf8', env });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
});
