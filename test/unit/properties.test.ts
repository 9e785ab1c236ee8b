// How `svcctl show` prints D-Bus values: the cases systemctl 252 was seen printing (the full
// comparison is test/e2e/show-differential.test.ts).
import { describe, expect, it } from 'vitest';
import { printValue, shellMaybeQuote } from '../../src/control/properties.js';
import { USEC_INFINITY } from '../../src/shared/timespan.js';

const NEVER = { realtimeUs: 0n, monotonicUs: 0n };

describe('printValue (systemctl show)', () => {
  it('prints …USec= time spans exactly, with a fraction of a second', () => {
    expect(printValue('RestartUSec', { sig: 't', v: 1_500_000n })).toEqual(['1.500000s']);
    expect(printValue('TimeoutStopUSec', { sig: 't', v: 90_250_000n })).toEqual(['1min 30.250000s']);
    expect(printValue('RestartUSec', { sig: 't', v: 100_000n })).toEqual(['100ms']);
    expect(printValue('RuntimeMaxUSec', { sig: 't', v: USEC_INFINITY })).toEqual(['infinity']);
  });
  it('prints UMask= in octal, unset ids and exit statuses as [not set], a limit of RLIM_INFINITY as infinity', () => {
    expect(printValue('UMask', { sig: 'u', v: 0o027 })).toEqual(['0027']);
    expect(printValue('UID', { sig: 'u', v: 0xffff_ffff })).toEqual(['[not set]']);
    expect(printValue('FailureActionExitStatus', { sig: 'i', v: -1 })).toEqual(['[not set]']);
    expect(printValue('LimitNOFILE', { sig: 't', v: USEC_INFINITY })).toEqual(['infinity']);
    expect(printValue('ExecMainStartTimestampMonotonic', { sig: 't', v: 0n })).toEqual(['0']);
    expect(printValue('ExecMainStartTimestamp', { sig: 't', v: 0n })).toEqual(['']);
  });
  it('quotes list words as the shell would need them', () => {
    expect(printValue('Documentation', { sig: 'as', v: ['man:sshd(8)', 'man:sshd_config(5)'] })).toEqual(['"man:sshd(8)" "man:sshd_config(5)"']);
    expect(printValue('Environment', { sig: 'as', v: ['A=b c', 'D=e'] })).toEqual(['"A=b c" D=e']);
    expect(shellMaybeQuote('a"$b')).toBe('"a\\"\\$b"');
  });
  it('prints a line per Exec*= command and per EnvironmentFile=, none when there is none', () => {
    const run = { pid: 0, start: NEVER, exit: NEVER, code: 0 as const, status: 0 };
    const cmds = [{ path: '/bin/kill', argv: ['/bin/kill', '-HUP', '$MAINPID'], ignoreErrors: true, flags: ['ignore-failure'], run }, { path: '/bin/true', argv: ['/bin/true'], ignoreErrors: false, flags: [], run: { ...run, pid: 10, code: 1 as const, status: 203 } }];
    expect(printValue('ExecReload', { sig: 'a(sasbttttuii)', v: cmds })).toEqual([
      '{ path=/bin/kill ; argv[]=/bin/kill -HUP $MAINPID ; ignore_errors=yes ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }',
      '{ path=/bin/true ; argv[]=/bin/true ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=10 ; code=exited ; status=203 }',
    ]);
    expect(printValue('ExecReloadEx', { sig: 'a(sasasttttuii)', v: cmds.slice(0, 1) })).toEqual([
      '{ path=/bin/kill ; argv[]=/bin/kill -HUP $MAINPID ; flags=ignore-failure ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }',
    ]);
    expect(printValue('EnvironmentFiles', { sig: 'a(sb)', v: [['/etc/default/ssh', true], ['/etc/y', false]] })).toEqual(['/etc/default/ssh (ignore_errors=yes)', '/etc/y (ignore_errors=no)']);
    expect(printValue('ExecStartPost', { sig: 'a(sasbttttuii)', v: [] })).toEqual([]);
  });
});
