// Differential test of `svcctl analyze calendar` against `systemd-analyze calendar` (252): the
// recorded fixtures (scripts/record-calendar-fixtures.mjs, five zones, DST changes) always, and the
// live tool when this machine has it.
//
// Most cases run svcctl's main() in this process (hundreds of node start-ups would take minutes on
// a shared machine); a few go through bin/svcctl to cover the real command line and exit status.
// "From now" is measured from the real clock, so in the recorded cases those lines are compared
// with the clock of the recording instead (svcctl's formatter at both ends of the window).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/svcctl/main.js';
import { formatTimestampRelative } from '../../src/shared/timestamp.js';

const root = join(import.meta.dirname, '..', '..');
const fixtureDir = join(root, 'test', 'fixtures', 'calendar');
const svcctl = join(root, 'bin', 'svcctl');

interface Case {
  args: string[];
  /** Recorded with stdout and stderr on one pipe (`2>&1`): their order is checked through bin/svcctl. */
  combined?: boolean;
  stdout: string;
  stderr: string;
  status: number;
  clock: [string, string];
}

const hintFixtures = JSON.parse(readFileSync(join(fixtureDir, 'hints', 'Europe_Berlin.json'), 'utf8')) as {
  tz: string;
  hints: Array<{ verb: string; text: string; stderr: string; status: number }>;
};

const terminalFixtures = JSON.parse(readFileSync(join(fixtureDir, 'hints', 'terminal.json'), 'utf8')) as {
  tz: string;
  terminal: Array<{ cols: number; env: string; args: string[]; stdout: string }>;
};
const haveScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** PROGRAM ARGS on a terminal COLS wide, through script(1); each argument single-quoted (none contains a quote). */
function onTerminal(program: string, cols: number, extraEnv: string, args: string[]): string {
  const command = `stty cols ${cols}; ${extraEnv} exec ${program} ${args.map((a) => `'${a}'`).join(' ')}`;
  return spawnSync('script', ['-qc', command, '/dev/null'], { env: { ...baseEnv, TZ: terminalFixtures.tz }, encoding: 'utf8' }).stdout;
}

const zones = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as { tz: string; cases: Case[] });

const baseEnv: Record<string, string | undefined> = { ...process.env, LANG: 'C.UTF-8', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat' };
delete baseEnv.LC_ALL;
delete baseEnv.LC_CTYPE;
delete baseEnv.SYSTEMD_UTF8;

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** svcctl analyze calendar ARGS under TZ, in this process; the environment is restored afterwards. */
async function ours(tz: string, args: string[], verb = 'calendar'): Promise<{ stdout: string; stderr: string; status: number }> {
  const saved = { ...process.env };
  const stdout = new Sink();
  const stderr = new Sink();
  try {
    for (const k of Object.keys(process.env)) if (!(k in baseEnv)) delete process.env[k];
    Object.assign(process.env, { ...baseEnv, TZ: tz });
    for (const k of ['LC_ALL', 'LC_CTYPE', 'SYSTEMD_UTF8']) delete process.env[k];
    const io = { stdout, stderr } as unknown as { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream };
    const status = await main(['analyze', verb, ...args], io);
    return { stdout: stdout.text, stderr: stderr.text, status };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const FROM_NOW = /^( *From now: ).*?(\r?)$/gm;
const maskFromNow = (s: string): string => s.replace(FROM_NOW, '$1…$2');

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** "Sat 2024-03-30 12:00:00 UTC" as µs since the epoch. */
function utcStamp(text: string): bigint {
  const m = /^(\w{3}) (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC$/.exec(text);
  if (!m) throw new Error(`not a UTC time stamp: ${text}`);
  const ms = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
  expect(WEEKDAYS[new Date(ms).getUTCDay()]).toBe(m[1]);
  return BigInt(ms) * 1000n;
}

/**
 * Each "From now" line of a recorded table, with the elapse it belongs to (its "(in UTC)" line, or
 * the elapse line itself when the zone is UTC).
 */
function fromNowLines(stdout: string): Array<{ at: bigint; text: string }> {
  const out: Array<{ at: bigint; text: string }> = [];
  let elapse: string | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^ *(Next elapse|Iter\. #\d+|\(in UTC\)|From now): (.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'From now') {
      if (elapse !== undefined) out.push({ at: utcStamp(elapse), text: m[2]! });
      elapse = undefined;
    } else if (m[1] === '(in UTC)' || m[2]!.endsWith(' UTC')) elapse = m[2]!;
  }
  return out;
}

const built = existsSync(join(root, 'dist', 'cli', 'svcctl.js'));
// The answers depend on the zone files (the recorded zones and those the expressions name).
const haveTzdata = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/Dublin'].every((z) => existsSync(join('/usr/share/zoneinfo', z)));
const live = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveSystemd = live.status === 0 && /^systemd 252\b/.test(live.stdout);

const everyCase = zones.flatMap((z) => z.cases.map((c, i) => ({ tz: z.tz, n: i, ...c })));
const allCases = everyCase.filter((c) => !c.combined);
const combinedCases = everyCase.filter((c) => c.combined);

/** bin/svcctl (or systemd-analyze) with stdout and stderr on one pipe. */
function combined(cmd: string[], tz: string, args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync('sh', ['-c', 'exec "$@" 2>&1', 'sh', ...cmd, ...args], { env: { ...baseEnv, TZ: tz }, encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status };
}

describe.skipIf(!haveTzdata)('svcctl analyze calendar vs recorded systemd-analyze', () => {
  it('has at least 90 recorded expressions, valid and invalid, under at least four zones', () => {
    const expressions = new Set(allCases.flatMap((c) => c.args.filter((a) => !a.startsWith('--'))));
    expect(expressions.size).toBeGreaterThanOrEqual(90);
    expect(zones.length).toBeGreaterThanOrEqual(4);
    expect(allCases.some((c) => c.status === 0)).toBe(true);
    expect(allCases.some((c) => /Failed to parse calendar specification/.test(c.stderr))).toBe(true);
  });

  it.each(allCases)('$tz #$n: $args', async (fx) => {
    const r = await ours(fx.tz, fx.args);
    expect(maskFromNow(r.stdout)).toBe(maskFromNow(fx.stdout));
    expect(r.stderr).toBe(fx.stderr);
    expect(r.status).toBe(fx.status);
  });

  it('words "From now" as systemd did at the time of recording', () => {
    let checked = 0;
    for (const fx of allCases) {
      const [before, after] = fx.clock.map(BigInt) as [bigint, bigint];
      for (const { at, text } of fromNowLines(fx.stdout)) {
        expect([formatTimestampRelative(at, before), formatTimestampRelative(at, after)]).toContain(text);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  // On a terminal the table is shortened to its width, cells ellipsized.
  it.skipIf(!built || !haveScript).each(terminalFixtures.terminal)('on a terminal $cols columns wide ($env): $args', (fx) => {
    const ours = onTerminal(svcctl + ' analyze calendar', fx.cols, fx.env, fx.args);
    expect(maskFromNow(ours)).toBe(maskFromNow(fx.stdout));
  });

  // analyze timespan and timestamp hint at `calendar` exactly when this parser accepts the text.
  it.each(hintFixtures.hints)('analyze $verb hints for "$text"', async (fx) => {
    const r = await ours(hintFixtures.tz, ['--', fx.text], fx.verb);
    expect(r.stderr).toBe(fx.stderr);
    expect(r.status).toBe(fx.status);
  });

  it.skipIf(!built).each(combinedCases)('$tz #$n, stdout and stderr on one pipe: $args', (fx) => {
    const r = combined([svcctl, 'analyze', 'calendar'], fx.tz, fx.args);
    expect(maskFromNow(r.stdout)).toBe(maskFromNow(fx.stdout));
    expect(r.status).toBe(fx.status);
  });
});

describe.skipIf(!built || !haveTzdata)('bin/svcctl analyze calendar', () => {
  const cli = (argv: string[], tz: string) => spawnSync(svcctl, ['analyze', 'calendar', ...argv], { env: { ...baseEnv, TZ: tz }, encoding: 'utf8' });
  const pick = allCases.filter((c) => c.tz === 'Europe/Berlin' && (c.args.length <= 3 || c.status !== 0)).slice(-6);
  it.each(pick)('$tz #$n: $args', (fx) => {
    const r = cli(fx.args, fx.tz);
    expect(maskFromNow(r.stdout)).toBe(maskFromNow(fx.stdout));
    expect(r.stderr).toBe(fx.stderr);
    expect(r.status).toBe(fx.status);
  });
});

describe.skipIf(!haveSystemd)('svcctl analyze calendar vs live systemd-analyze', () => {
  const theirs = (tz: string, args: string[]) => spawnSync('systemd-analyze', ['calendar', ...args], { env: { ...baseEnv, TZ: tz }, encoding: 'utf8' });

  // Back to back, so even "From now" must match (the bases lie years away: its wording is coarse).
  it.each(allCases)('$tz #$n: $args', async (fx) => {
    const t = theirs(fx.tz, fx.args);
    const r = await ours(fx.tz, fx.args);
    expect(r.stdout).toBe(t.stdout);
    expect(r.stderr).toBe(t.stderr);
    expect(r.status).toBe(t.status);
  });

  it.skipIf(!built).each(combinedCases)('$tz #$n, stdout and stderr on one pipe: $args', (fx) => {
    const t = combined(['systemd-analyze', 'calendar'], fx.tz, fx.args);
    const r = combined([svcctl, 'analyze', 'calendar'], fx.tz, fx.args);
    expect(maskFromNow(r.stdout)).toBe(maskFromNow(t.stdout));
    expect(r.status).toBe(t.status);
  });

  it.skipIf(!built).each([
    ['Europe/Berlin', ['--iterations=3', '--base-time=2024-03-30 12:00:00 UTC', 'daily', '2020-01-01', '*:0/20']],
    ['America/New_York', ['--base-time=2024-11-02 12:00:00 UTC', 'hourly']],
  ])('colours as systemd does (%s %j)', async (tz, args) => {
    const env = { ...baseEnv, TZ: tz, SYSTEMD_COLORS: '1' };
    const t = spawnSync('systemd-analyze', ['calendar', ...args], { env, encoding: 'utf8' });
    const r = spawnSync(svcctl, ['analyze', 'calendar', ...args], { env, encoding: 'utf8' });
    expect(t.stdout).toContain('\x1b[');
    expect(r.stdout).toBe(t.stdout);
  });
});
