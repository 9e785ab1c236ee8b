// Value parsers against the examples and rules in systemd's man pages (sections cited per block).
import { describe, expect, it } from 'vitest';
import {
  parseBoolean,
  makeEnumParser,
  parseServiceRestart,
  parseProtectSystem,
  parseLogLevel,
  parseTimespanValue,
  parseSecFix0,
  parseRlimit,
  formatRlimit,
  RLIM_INFINITY,
  parseExec,
  parseExecDetailed,
  parseEnvironment,
  parseStringList,
  parseSignal,
  parseExitStatusSet,
  parseMode,
  parseNice,
  parseOomScoreAdjust,
  parseBytes,
  parseSize,
  pathIsAbsolute,
  pathIsNormalized,
  pathSimplify,
  parseAbsolutePath,
  splitWords,
  parseCInteger,
  USEC_INFINITY,
} from '../../src/unit/values/index.js';
import type { Result } from '../../src/shared/result.js';

function value<T>(r: Result<T, unknown>): T {
  if (!r.ok) throw new Error(`expected ok, got error: ${JSON.stringify(r.error)}`);
  return r.value;
}
const fails = (r: Result<unknown, unknown>): boolean => !r.ok;

describe('boolean (systemd.syntax(7): "1, yes, true, and on … 0, no, false, and off")', () => {
  it.each(['1', 'yes', 'y', 'true', 't', 'on', 'YES', 'True', 'On', 'Y'])('%s is true', (s) => {
    expect(value(parseBoolean(s))).toBe(true);
  });
  it.each(['0', 'no', 'n', 'false', 'f', 'off', 'NO', 'False', 'OFF'])('%s is false', (s) => {
    expect(value(parseBoolean(s))).toBe(false);
  });
  it.each(['', '2', 'yess', ' yes', 'enable', 'oui', '01'])('%j is rejected', (s) => {
    expect(fails(parseBoolean(s))).toBe(true);
  });
});

describe('enums (systemd.service(5) Restart=, systemd.exec(5) ProtectSystem=)', () => {
  it('accepts the documented words exactly and case-sensitively', () => {
    expect(value(parseServiceRestart('on-failure'))).toBe('on-failure');
    expect(fails(parseServiceRestart('On-Failure'))).toBe(true);
    expect(fails(parseServiceRestart('sometimes'))).toBe(true);
  });
  it('makeEnumParser names the allowed words in its error', () => {
    const p = makeEnumParser(['a', 'b'] as const);
    const r = p('c');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('a, b');
    expect(p.values).toEqual(['a', 'b']);
  });
  it('boolean-or-word enums map booleans first', () => {
    expect(value(parseProtectSystem('true'))).toBe('yes');
    expect(value(parseProtectSystem('off'))).toBe('no');
    expect(value(parseProtectSystem('strict'))).toBe('strict');
    expect(fails(parseProtectSystem('STRICT'))).toBe(true);
  });
  it('log levels take names or syslog numbers', () => {
    expect(value(parseLogLevel('warning'))).toBe('warning');
    expect(value(parseLogLevel('7'))).toBe('debug');
    expect(fails(parseLogLevel('8'))).toBe(true);
  });
});

describe('time spans (systemd.time(7), "Parsing Time Spans")', () => {
  it('parses the man page examples', () => {
    // "2 h", "2hours", "48hr", "1y 12month", "55s500ms", "300ms20s 5day"
    expect(value(parseTimespanValue('2 h'))).toBe(7_200_000_000n);
    expect(value(parseTimespanValue('2hours'))).toBe(7_200_000_000n);
    expect(value(parseTimespanValue('48hr'))).toBe(172_800_000_000n);
    expect(value(parseTimespanValue('1y 12month'))).toBe(2n * 31_557_600_000_000n);
    expect(value(parseTimespanValue('55s500ms'))).toBe(55_500_000n);
    expect(value(parseTimespanValue('300ms20s 5day'))).toBe(300_000n + 20_000_000n + 5n * 86_400_000_000n);
  });
  it('uses the default unit for bare numbers', () => {
    expect(value(parseTimespanValue('5'))).toBe(5_000_000n);
    expect(value(parseTimespanValue('5', { defaultUnit: 1n }))).toBe(5n);
    expect(value(parseTimespanValue('5', { defaultUnit: 1000n }))).toBe(5000n);
  });
  it('handles infinity, zero-means-infinity and empty-means-infinity', () => {
    expect(value(parseTimespanValue('infinity'))).toBe(USEC_INFINITY);
    expect(value(parseSecFix0('0'))).toBe(USEC_INFINITY);
    expect(value(parseSecFix0('1s'))).toBe(1_000_000n);
    expect(value(parseTimespanValue('', { emptyIsInfinity: true }))).toBe(USEC_INFINITY);
    expect(fails(parseTimespanValue(''))).toBe(true);
  });
});

describe('rlimits (systemd.exec(5), "LimitCPU=, LimitFSIZE=, …" and Table 1)', () => {
  it('takes one value for both, or soft:hard', () => {
    expect(value(parseRlimit('NOFILE', '65535'))).toEqual({ soft: 65535n, hard: 65535n });
    expect(value(parseRlimit('NOFILE', '1024:4096'))).toEqual({ soft: 1024n, hard: 4096n });
    expect(value(parseRlimit('NOFILE', 'infinity'))).toEqual({ soft: RLIM_INFINITY, hard: RLIM_INFINITY });
    expect(value(parseRlimit('NOFILE', '1024:infinity'))).toEqual({ soft: 1024n, hard: RLIM_INFINITY });
  });
  it('refuses soft above hard, extra fields, empty parts and suffixes on counts', () => {
    expect(parseRlimit('NOFILE', '4096:1024')).toEqual({ ok: false, error: 'Soft resource limit chosen higher than hard limit' });
    expect(fails(parseRlimit('NOFILE', '1:2:3'))).toBe(true);
    expect(fails(parseRlimit('NOFILE', '1024:'))).toBe(true);
    expect(fails(parseRlimit('NOFILE', ':1024'))).toBe(true);
    expect(fails(parseRlimit('NOFILE', '1K'))).toBe(true);
    expect(fails(parseRlimit('NOFILE', '-1'))).toBe(true);
    expect(fails(parseRlimit('NOFILE', ''))).toBe(true);
  });
  it('byte limits take IEC suffixes ("the usual suffixes K, M, G, T, P and E … to the base of 1024")', () => {
    expect(value(parseRlimit('CORE', '1M'))).toEqual({ soft: 1048576n, hard: 1048576n });
    expect(value(parseRlimit('AS', '1G:2G'))).toEqual({ soft: 1n << 30n, hard: 2n << 30n });
    expect(value(parseRlimit('MEMLOCK', '64K'))).toEqual({ soft: 65536n, hard: 65536n });
  });
  it('LimitCPU= is seconds (rounded up), LimitRTTIME= microseconds', () => {
    expect(value(parseRlimit('CPU', '1min'))).toEqual({ soft: 60n, hard: 60n });
    expect(value(parseRlimit('CPU', '1500ms'))).toEqual({ soft: 2n, hard: 2n });
    expect(value(parseRlimit('CPU', '30'))).toEqual({ soft: 30n, hard: 30n });
    expect(value(parseRlimit('RTTIME', '5'))).toEqual({ soft: 5n, hard: 5n });
    expect(value(parseRlimit('RTTIME', '1s'))).toEqual({ soft: 1_000_000n, hard: 1_000_000n });
  });
  it('LimitNICE= takes "+N"/"-N" nice levels or raw 0..40', () => {
    expect(value(parseRlimit('NICE', '-20'))).toEqual({ soft: 40n, hard: 40n });
    expect(value(parseRlimit('NICE', '+19'))).toEqual({ soft: 1n, hard: 1n });
    expect(value(parseRlimit('NICE', '0'))).toEqual({ soft: 0n, hard: 0n });
    expect(value(parseRlimit('NICE', '40'))).toEqual({ soft: 40n, hard: 40n });
    expect(fails(parseRlimit('NICE', '41'))).toBe(true);
    expect(fails(parseRlimit('NICE', '+20'))).toBe(true);
    expect(fails(parseRlimit('NICE', '-21'))).toBe(true);
  });
  it('formats as rlimit_format does', () => {
    expect(formatRlimit({ soft: 1024n, hard: 4096n })).toBe('1024:4096');
    expect(formatRlimit({ soft: 5n, hard: 5n })).toBe('5');
    expect(formatRlimit({ soft: RLIM_INFINITY, hard: RLIM_INFINITY })).toBe('infinity');
    expect(formatRlimit({ soft: 3n, hard: RLIM_INFINITY })).toBe('3:infinity');
  });
});

describe('exec command lines (systemd.service(5), "Command lines")', () => {
  const flagsOf = (s: string): string => {
    const c = value(parseExec(s))[0]!;
    return Object.entries(c.flags).filter(([, v]) => v).map(([k]) => k).join(',');
  };
  it('splits words with quotes and C escapes', () => {
    // From the man page: ExecStart=/bin/echo one ; /bin/echo "two two"
    const cmds = value(parseExec('/bin/echo one ; /bin/echo "two two"'));
    expect(cmds.map((c) => c.argv)).toEqual([['/bin/echo', 'one'], ['/bin/echo', 'two two']]);
    expect(value(parseExec("/bin/sh -c 'echo $X; exit 3'"))[0]!.argv).toEqual(['/bin/sh', '-c', 'echo $X; exit 3']);
    expect(value(parseExec('/bin/echo a\\tb "c\\"d" \\x41'))[0]!.argv).toEqual(['/bin/echo', 'a\tb', 'c"d', 'A']);
    expect(value(parseExec('/bin/echo "a"b\'c d\''))[0]!.argv).toEqual(['/bin/echo', 'abc d']);
  });
  it('treats \\; as a literal semicolon and quoted ";" as an argument', () => {
    // Man page: ExecStart=/bin/find /tmp -name '*~' -delete \; (no, it is -exec … \;)
    expect(value(parseExec('/usr/bin/find /tmp -exec rm {} \\;'))[0]!.argv).toEqual(['/usr/bin/find', '/tmp', '-exec', 'rm', '{}', ';']);
    expect(value(parseExec('/bin/echo ";" x')).length).toBe(1);
    expect(value(parseExec('/bin/echo a;b')).length).toBe(1);
    expect(value(parseExec('/bin/echo a;b'))[0]!.argv).toEqual(['/bin/echo', 'a;b']);
  });
  it('reads prefixes in any order, each once', () => {
    expect(flagsOf('-/bin/true')).toBe('ignoreFailure');
    expect(flagsOf('-@:/bin/true x')).toBe('ignoreFailure,separateArgv0,noEnvExpand');
    expect(flagsOf(':-/bin/true')).toBe('ignoreFailure,noEnvExpand');
    expect(flagsOf('+/bin/true')).toBe('fullyPrivileged');
    expect(flagsOf('!/bin/true')).toBe('noSetuid');
    expect(flagsOf('!!/bin/true')).toBe('ambientMagic');
    expect(flagsOf('-!!/bin/true')).toBe('ignoreFailure,ambientMagic');
    // A prefix repeated or combined beyond the rules ends the prefix run, leaving a bad path.
    expect(fails(parseExec('--/bin/true'))).toBe(true);
    expect(fails(parseExec('+!/bin/true'))).toBe(true);
    expect(fails(parseExec('!!!/bin/true'))).toBe(true);
  });
  it('"@" makes the second word argv[0]', () => {
    const c = value(parseExec('@/bin/sh mysh -c true'))[0]!;
    expect(c.path).toBe('/bin/sh');
    expect(c.argv).toEqual(['mysh', '-c', 'true']);
    expect(fails(parseExec('@/bin/sh'))).toBe(true);
  });
  it('accepts bare executable names (looked up in PATH), not relative paths', () => {
    expect(value(parseExec('sleep 5'))[0]!.path).toBe('sleep');
    expect(fails(parseExec('bin/sleep 5'))).toBe(true);
    expect(fails(parseExec('/usr/bin/'))).toBe(true);
    expect(fails(parseExec('-'))).toBe(true);
  });
  it('simplifies the path but keeps argv[0] as written', () => {
    const c = value(parseExec('/usr//bin/./true'))[0]!;
    expect(c.path).toBe('/usr/bin/true');
    expect(c.argv[0]).toBe('/usr//bin/./true');
  });
  it('the empty value resets (no commands) and "-" makes errors ignorable', () => {
    expect(value(parseExec(''))).toEqual([]);
    const r = parseExecDetailed('-bin/x');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ reason: 'Neither a valid executable name nor an absolute path, ignoring: bin/x', ignorable: true });
    const r2 = parseExecDetailed('/bin/echo "unterminated');
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.ignorable).toBe(false);
  });
  // As systemd 252 (systemd-analyze verify): the argument is taken again with the escape kept, and warned about.
  it('keeps an argument with an unknown escape, backslash and all, and warns', () => {
    const warnings: string[] = [];
    const r = parseExecDetailed('/bin/echo \\q "a\\,b"', undefined, undefined, (w) => warnings.push(w));
    expect(r.ok && r.value[0]!.argv).toEqual(['/bin/echo', '\\q', 'a\\,b']);
    expect(warnings).toEqual(['Ignoring unknown escape sequences: "\\q"', 'Ignoring unknown escape sequences: "a\\,b"']);
  });

  it('ignores a command whose first word has unbalanced quotes, saying so (the unit is not failed for it)', () => {
    const warnings: string[] = [];
    expect(parseExecDetailed(`/bin/"sh -c 'x'`, undefined, undefined, (w) => warnings.push(w))).toEqual({ ok: true, value: [] });
    expect(warnings).toEqual([`Unbalanced quoting, ignoring: "/bin/"sh -c 'x'"`]);
  });

  it('refuses unbalanced quotes with the whole value, as systemd words it', () => {
    const r = parseExecDetailed('/bin/echo "abc');
    expect(r.ok ? undefined : r.error.reason).toBe('Unbalanced quoting, ignoring: "/bin/echo "abc"');
  });
});

describe('Environment= (systemd.exec(5), "Environment=")', () => {
  it('parses the man page example', () => {
    // Environment="VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"
    const r = value(parseEnvironment('"VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"'));
    expect(r.assignments).toEqual(['VAR1=word1 word2', 'VAR2=word3', 'VAR3=$word 5 6']);
    expect(r.warnings).toEqual([]);
  });
  it('later assignments replace earlier ones; invalid ones are skipped with a warning', () => {
    const r = value(parseEnvironment('A=1 B=2 A=3 1X=4 NOEQ'));
    expect(r.assignments).toEqual(['A=3', 'B=2']);
    expect(r.warnings).toEqual(['Invalid environment assignment, ignoring: 1X=4', 'Invalid environment assignment, ignoring: NOEQ']);
  });
  it('empty resets; a syntax error keeps what came before', () => {
    expect(value(parseEnvironment('')).assignments).toBeNull();
    const r = value(parseEnvironment('A=1 "B=2'));
    expect(r.assignments).toEqual(['A=1']);
    expect(r.warnings[0]).toMatch(/^Invalid syntax, ignoring/);
  });
  it('allows empty values and escapes', () => {
    expect(value(parseEnvironment('A= B=x\\ty')).assignments).toEqual(['A=', 'B=x\ty']);
  });
});

describe('string lists (systemd.syntax(7), "Quoting")', () => {
  it('splits on whitespace with quotes', () => {
    expect(value(parseStringList('a "b c" \'d e\' f'))).toEqual(['a', 'b c', 'd e', 'f']);
    expect(value(parseStringList('  '))).toBeNull();
    expect(fails(parseStringList('"a'))).toBe(true);
  });
  it('extract rules: trailing backslash fails, relax keeps it', () => {
    expect(fails(splitWords('a\\'))).toBe(true);
    expect(value(splitWords('a\\', { unescapeRelax: true }))).toEqual(['a\\']);
    expect(value(splitWords('a\\ b', {}))).toEqual(['a b']);
    expect(value(splitWords('\\xc3\\xa9', { cunescape: true }))).toEqual(['é']);
    expect(value(splitWords('\\u00e9\\101', { cunescape: true }))).toEqual(['éA']);
    expect(fails(splitWords('\\x00', { cunescape: true }))).toBe(true);
  });
});

describe('KillSignal= (systemd.kill(5)); the table itself: signal.test.ts', () => {
  it('takes what signal_from_string() takes and words a refusal as systemd does', () => {
    expect(value(parseSignal('SIGRTMIN+3'))).toBe(37);
    expect(parseSignal('SIGFOO')).toEqual({ ok: false, error: 'Failed to parse signal name: Invalid argument' });
  });
});

describe('exit status lists (systemd.service(5), "SuccessExitStatus=")', () => {
  it('parses the man page example "TEMPFAIL 250 SIGKILL"', () => {
    const r = value(parseExitStatusSet('TEMPFAIL 250 SIGKILL'));
    expect(r.set).toEqual({ statuses: [75, 250], signals: [9] });
  });
  it('numbers are statuses, not signals; bad words warn; empty resets', () => {
    expect(value(parseExitStatusSet('9 KILL')).set).toEqual({ statuses: [9], signals: [9] });
    const r = value(parseExitStatusSet('1 256 NOPE'));
    expect(r.set).toEqual({ statuses: [1], signals: [] });
    expect(r.warnings).toEqual(['Failed to parse value, ignoring: 256', 'Failed to parse value, ignoring: NOPE']);
    expect(value(parseExitStatusSet('')).set).toBeNull();
  });
  it('names are the exit-status table\'s: APPARMOR is 231, BPF 244, EXCEPTION 255', () => {
    expect(value(parseExitStatusSet('APPARMOR BPF EXCEPTION')).set).toEqual({ statuses: [231, 244, 255], signals: [] });
    expect(value(parseExitStatusSet('APPARMOR_PROFILE')).warnings).toEqual(['Failed to parse value, ignoring: APPARMOR_PROFILE']);
  });
});

describe('numbers: modes, nice, OOM score, sizes (systemd.exec(5))', () => {
  it('modes are octal without sign, at most 07777 (UMask=)', () => {
    expect(value(parseMode('0022'))).toBe(0o22);
    expect(value(parseMode('755'))).toBe(0o755);
    expect(fails(parseMode('0800'))).toBe(true);
    expect(fails(parseMode('+022'))).toBe(true);
    expect(fails(parseMode('17777'))).toBe(true);
  });
  it('Nice= is -20..19, OOMScoreAdjust= -1000..1000', () => {
    expect(value(parseNice('-20'))).toBe(-20);
    expect(value(parseNice('19'))).toBe(19);
    expect(fails(parseNice('20'))).toBe(true);
    expect(fails(parseNice('x'))).toBe(true);
    expect(value(parseOomScoreAdjust('-1000'))).toBe(-1000);
    expect(fails(parseOomScoreAdjust('1001'))).toBe(true);
  });
  it('C integer rules: hex, leading-zero octal, no trailing garbage', () => {
    expect(value(parseCInteger('0x10', { signed: false, bits: 32 }))).toBe(16n);
    expect(value(parseCInteger('010', { signed: false, bits: 32 }))).toBe(8n);
    expect(value(parseCInteger('0b101', { signed: false, bits: 32 }))).toBe(5n);
    expect(fails(parseCInteger('12 ', { signed: false, bits: 32 }))).toBe(true);
    expect(fails(parseCInteger('256', { signed: false, bits: 8 }))).toBe(true);
    expect(fails(parseCInteger('-1', { signed: false, bits: 32 }))).toBe(true);
  });
  it('byte sizes take IEC suffixes and combinations', () => {
    expect(value(parseBytes('1K'))).toBe(1024n);
    expect(value(parseBytes('1.5K'))).toBe(1536n);
    expect(value(parseBytes('1G 512M'))).toBe((1n << 30n) + (512n << 20n));
    expect(value(parseBytes('100'))).toBe(100n);
    expect(value(parseSize('1K', 1000))).toBe(1000n);
    expect(fails(parseBytes('1M 1G'))).toBe(true);
    expect(fails(parseBytes('1KiB'))).toBe(true);
    expect(fails(parseBytes('-1K'))).toBe(true);
    expect(fails(parseBytes('16E'))).toBe(true);
  });
});

describe('paths (systemd.unit(5) paths must be absolute; path_is_normalized rules)', () => {
  it('absolute means a leading slash', () => {
    expect(pathIsAbsolute('/a')).toBe(true);
    expect(pathIsAbsolute('a/b')).toBe(false);
  });
  it('normalized forbids ., .., and //', () => {
    expect(pathIsNormalized('/a/b')).toBe(true);
    expect(pathIsNormalized('a/b/')).toBe(true);
    expect(pathIsNormalized('/a/../b')).toBe(false);
    expect(pathIsNormalized('/a/./b')).toBe(false);
    expect(pathIsNormalized('./a')).toBe(false);
    expect(pathIsNormalized('/a//b')).toBe(false);
    expect(pathIsNormalized('')).toBe(false);
    expect(pathIsNormalized('/' + 'x'.repeat(256))).toBe(false);
  });
  it('simplifies and checks', () => {
    expect(pathSimplify('//a/./b//')).toBe('/a/b');
    expect(value(parseAbsolutePath('/run/x.pid'))).toBe('/run/x.pid');
    expect(fails(parseAbsolutePath('run/x.pid'))).toBe(true);
  });
});
