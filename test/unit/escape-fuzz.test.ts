// Seeded random inputs through `svcctl escape` (in-process) and the real systemd-escape, compared
// byte for byte: the recorded cases are hand-picked, this finds what nobody thought of. Only where
// systemd-escape is installed; the seed is fixed so a failure can be replayed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { VerbContext } from '../../src/cli/svcctl/context.js';
import { run } from '../../src/cli/svcctl/verbs/escape.js';

const live = existsSync('/usr/bin/systemd-escape') && process.env.SVCD_LIVE_ORACLE !== '0';

// Pieces chosen to hit the rules: separators, dots and "..", escapes good and bad, NUL, non-UTF-8,
// multibyte text, glob and "@" characters.
const PIECES = ['a', 'b', '-', '/', '.', '..', '//', '\\', 'x', '2d', '@', ' ', 'ü', '日', '*', '%', ':', '_', '0', '\\x2d', '\\x2f', '\\x00', '\\xff', '\\xZZ', '.service', '.mount'];
const FLAGS = [[], ['-p'], ['-u'], ['-u', '-p'], ['-m'], ['--suffix=mount'], ['--template=t@.service'], ['-p', '--template=t@.service'],
  ['-u', '--template=t@.service'], ['-u', '--instance'], ['-u', '--instance', '-p'], ['-u', '-m'], ['-m', '-u']];

function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    // An LCG's low bits repeat quickly; the high ones are the random part.
    return (s >>> 16) % n;
  };
}

function cases(seed: number, count: number): string[][] {
  const rnd = lcg(seed);
  return Array.from({ length: count }, () => {
    const n = 1 + rnd(3);
    const inputs = Array.from({ length: n }, () => {
      let s = rnd(3) === 0 ? '/' : '';
      for (let i = rnd(8); i > 0; i--) s += PIECES[rnd(PIECES.length)];
      return s;
    });
    return [...FLAGS[rnd(FLAGS.length)]!, '--', ...inputs];
  });
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

describe.runIf(live)('svcctl escape vs systemd-escape on random input', () => {
  it('the generator is deterministic and varied', () => {
    expect(cases(1, 3)).toEqual(cases(1, 3));
    expect(new Set(cases(1, 50).map((c) => c.join('\0'))).size).toBeGreaterThan(45);
  });

  it.each([1, 2, 3, 4])('seed %i: 100 invocations agree', async (seed) => {
    const mismatches: string[] = [];
    for (const args of cases(seed, 100)) {
      const sd = spawnSync('systemd-escape', args, { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
      const out = sink();
      const errs = sink();
      const ctx: VerbContext & { argv: readonly string[] } = { verb: 'escape', args, argv: args, options: {}, stdout: out.stream, stderr: errs.stream, isTTY: false, env: {} };
      const status = await run(ctx);
      const want = JSON.stringify([sd.stdout.toString('hex'), sd.stderr.toString('utf8'), sd.status]);
      const got = JSON.stringify([out.bytes().toString('hex'), errs.bytes().toString('utf8'), status]);
      if (want !== got) mismatches.push(`${JSON.stringify(args)}\n  systemd-escape ${want}\n  svcctl         ${got}`);
    }
    expect(mismatches).toEqual([]);
  });
});
