// svcctl's answers about small units against systemctl 252's about the same units, booted under svcd
// as PID 1 (test/fixtures/unit-answers: units, cases.json, and recorded.json from
// scripts/record-unit-answers.mjs). Each unit holds something a differential hunt with Debian's
// packages found svcd answering differently: a worker's READY=1 under NotifyAccess=all (squid),
// StandardOutput=append:PATH (rabbitmq-server), the CGroup: lines of status (rabbitmq-server's
// beam.smp), a forking daemon's guessed main PID (apache2). Each case byte for byte, but: "pids"
// cases with each pid other than 0 as N; "cgroup-lines" cases: the lines from CGroup: on, each
// pid column (its padding included) as as many P as it is wide, since pids differ between boots.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixtures = join(repo, 'test/fixtures/unit-answers');
interface Case { readonly why: string; readonly args: readonly string[]; readonly compare?: 'cgroup-lines' | 'pids'; readonly stdout: string; readonly status: number }
const recorded = JSON.parse(readFileSync(join(fixtures, 'recorded.json'), 'utf8')) as Case[];
const units = readdirSync(join(fixtures, 'units'));
const dir = mkdtempSync(join(tmpdir(), 'svcd-unit-answers-'));
let svcd: SvcdInNamespace;

const cgroupLines = (status: string) => status.slice(status.indexOf('     CGroup:')).trimEnd().split('\n')
  .map((l) => l.replace(/^(\s*[└├]─)( *\d+) /, (_m, glyph: string, pid: string) => `${glyph}${'P'.repeat(pid.length)} `));

beforeAll(async () => {
  buildTree(join(dir, 'units'), {
    files: Object.fromEntries(units.map((u) => [u, readFileSync(join(fixtures, 'units', u), 'utf8')])),
    links: Object.fromEntries(units.map((u) => [`multi-user.target.wants/${u}`, `../${u}`])),
  });
  // Settled once no job is left: worker-main.service's start has timed out by then.
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'multi-user.target');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it.each(recorded.map((c) => [c.why, c] as const))('%s', async (_why, c) => {
  const got = await svcd.svcctl(...c.args);
  const context = `svcctl ${c.args.join(' ')}\n${got.stdout}${got.stderr}\n${svcd.console()}`;
  if (c.compare === 'cgroup-lines') {
    expect(cgroupLines(c.stdout).length, 'the recording lists the processes').toBeGreaterThan(2);
    expect(cgroupLines(got.stdout), context).toEqual(cgroupLines(c.stdout));
  } else if (c.compare === 'pids') {
    const pids = (text: string) => text.replace(/\b[1-9]\d*\b/g, 'N');
    expect(pids(got.stdout), context).toBe(pids(c.stdout));
  } else {
    expect(got.stdout, context).toBe(c.stdout);
  }
  expect(got.rc, context).toBe(c.status);
});
