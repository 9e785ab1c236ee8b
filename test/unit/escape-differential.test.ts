// `svcctl escape` against systemd-escape (systemd 252), recorded by scripts/record-escape-fixtures.sh
// into test/fixtures/escape/recorded.json: stdout byte for byte, stderr and exit status.
// The hand-picked `cli` cases run through bin/svcctl (built dist/: npm test builds first); every case,
// the `verb` ones (getopt abbreviations and flag values, which svcctl's router does not pass on yet)
// and the whole input × flag matrix too, runs in-process through the verb. Where systemd-escape is
// installed, it is run again and must still agree with the recording.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/svcctl/verbs/escape.js';
import type { VerbContext } from '../../src/cli/svcctl/context.js';

interface Case { kind: 'cli' | 'verb' | 'matrix'; args: string[]; stdout?: string; stdoutBase64?: string; stderr: string; status: number }
interface Outcome { stdout: string; stderr: string; status: number | null }

const repo = resolve(__dirname, '../..');
const recorded = JSON.parse(readFileSync(join(repo, 'test/fixtures/escape/recorded.json'), 'utf8')) as { systemd: string; cases: Case[] };
const svcctl = join(repo, 'bin/svcctl');
const cli = recorded.cases.filter((c) => c.kind === 'cli');
const live = existsSync('/usr/bin/systemd-escape') && process.env.SVCD_LIVE_ORACLE !== '0';

// stdout is compared as hex so that bytes which are not UTF-8 count too.
const hex = (b: Buffer): string => b.toString('hex');
function expected(c: Case): Outcome {
  const stdout = c.stdoutBase64 !== undefined ? Buffer.from(c.stdoutBase64, 'base64') : Buffer.from(c.stdout ?? '', 'utf8');
  // getopt names the program; ours is svcctl.
  return { stdout: hex(stdout), stderr: c.stderr.replace(/^systemd-escape:/gm, 'svcctl:'), status: c.status };
}

function sink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

async function inProcess(args: string[]): Promise<Outcome> {
  const out = sink();
  const errs = sink();
  const ctx: VerbContext & { argv: readonly string[] } = {
    verb: 'escape', args, argv: args, options: {}, stdout: out.stream, stderr: errs.stream, isTTY: false, env: {},
  };
  const status = await run(ctx);
  return { stdout: hex(out.bytes()), stderr: errs.bytes().toString('utf8'), status };
}

describe('svcctl escape vs systemd-escape', () => {
  it('has enough recorded cases, with failures among them', () => {
    expect(cli.length).toBeGreaterThanOrEqual(40);
    expect(recorded.cases.filter((c) => c.status !== 0).length).toBeGreaterThan(40);
  });

  it.each(cli)('bin/svcctl escape $args', (c) => {
    const r = spawnSync(svcctl, ['escape', ...c.args]);
    expect({ stdout: hex(r.stdout), stderr: r.stderr.toString('utf8'), status: r.status }).toEqual(expected(c));
  });

  it.each(recorded.cases)('in-process $kind $args', async (c) => {
    expect(await inProcess(c.args)).toEqual(expected(c));
  });

  it.runIf(live).each(recorded.cases)('live systemd-escape $args agrees with the recording', (c) => {
    const r = spawnSync('systemd-escape', c.args, { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
    expect({ stdout: hex(r.stdout), stderr: r.stderr.toString('utf8').replace(/^systemd-escape:/gm, 'svcctl:'), status: r.status }).toEqual(expected(c));
  });
});
