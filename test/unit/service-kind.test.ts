// The service kind's state machine (src/engine/kinds/service/) driven through the Engine with a fake
// system and clock: each test follows one path of systemd's service.c and checks the sub-states,
// Result=, the processes signalled and the environment handed to commands.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { FakeSystem, type ProgramBehaviour } from '../support/fake-system.js';
import { fakeLookup, fakeUnit, standardUnits, type FakeServiceInput } from '../support/fake-units.js';
import { DEFAULT_MANAGER_DEFAULTS } from '../../src/engine/unit-kind.js';

function world(service: FakeServiceInput, programs: Record<string, ProgramBehaviour | 'fail-to-spawn' | 'no-resources'> = {}) {
  const sys = new FakeSystem((req) => programs[req.argv[0]!] ?? {});
  const states: string[] = [];
  const logs: string[] = [];
  const engine = new Engine({
    system: sys,
    lookup: fakeLookup([...standardUnits([]), fakeUnit('s.service', { defaultDependencies: false, service })]),
    defaults: { ...DEFAULT_MANAGER_DEFAULTS, notifySocket: '/run/svcd/notify' },
    observer: {
      stateChanged: (id, _from, _to, sub) => id === 's.service' && states.push(sub),
      unitLog: (_id, text) => logs.push(text),
    },
  });
  const u = () => engine.unit('s.service');
  const envOf = (argv0: string) => [...sys.processes.values()].find((p) => p.req.argv[0] === argv0)?.req.extraEnv;
  return { sys, engine, u, states, logs, envOf };
}

describe('the service kind', () => {
  it('runs ExecStartPre, ExecStart, ExecStartPost in order and is running; ExecStartPost gets MAINPID', () => {
    const w = world({ execStartPre: [['/bin/pre']], execStart: [['/bin/daemon']], execStartPost: [['/bin/post']] }, { '/bin/pre': { exitAfterMs: 10 }, '/bin/post': { exitAfterMs: 10 } });
    w.engine.start('s.service');
    w.sys.runUntilIdle(1000);
    // Type=simple never shows "start": systemd spawns ExecStart= and goes on to start-post at once.
    expect(w.states).toEqual(['start-pre', 'start-post', 'running']);
    const main = w.u().mainPid;
    expect(main).toBeGreaterThan(0);
    expect(w.u().execMain.pid).toBe(main);
    const post = [...w.sys.processes.values()].find((p) => p.req.argv[0] === '/bin/post');
    expect(post).toBeUndefined(); // exited and gone
    expect(w.sys.events.filter((e) => e.what === 'spawn').map((e) => e.argv![0])).toEqual(['/bin/pre', '/bin/daemon', '/bin/post']);
  });

  it('hands NOTIFY_SOCKET to a notify service and becomes running only on READY=1; STATUS= is kept', () => {
    const w = world({ type: 'notify', execStart: [['/bin/n']] });
    w.engine.start('s.service');
    w.sys.advance(100);
    expect(w.u().subState).toBe('start');
    expect(w.envOf('/bin/n')?.NOTIFY_SOCKET).toBe('/run/svcd/notify');
    w.sys.sendNotify(w.u().mainPid, 'STATUS=warming up\nREADY=1');
    expect(w.u().subState).toBe('running');
    expect(w.u().statusText).toBe('warming up');
  });

  it('ignores sd_notify from a process NotifyAccess= does not allow', () => {
    const w = world({ type: 'notify', execStart: [['/bin/n']] });
    w.engine.start('s.service');
    w.sys.sendNotify(9999, 'READY=1');
    expect(w.u().subState).toBe('start');
  });

  it('fails a notify service that does not say READY=1 within TimeoutStartSec= with Result=timeout', () => {
    const w = world({ type: 'notify', execStart: [['/bin/n']], timeoutStartMs: 1000, timeoutStopMs: 500 });
    w.engine.start('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.u().activeState).toBe('failed');
    expect(w.u().result).toBe('timeout');
    expect(w.u().execMain).toMatchObject({ code: 2, status: 15 });
  });

  it('takes a forking daemon\'s main PID from PIDFile= after the parent exits', () => {
    const w = world({ type: 'forking', pidFile: '/run/d.pid', execStart: [['/bin/forker']] }, { '/bin/forker': { exitAfterMs: 20 } });
    w.engine.start('s.service');
    const daemon = w.sys.adopt('s.service', ['/bin/daemon']);
    w.sys.pidFiles.set('/run/d.pid', daemon);
    w.sys.runUntilIdle(1000);
    expect(w.u().subState).toBe('running');
    expect(w.u().mainPid).toBe(daemon);
  });

  it('restarts on failure after RestartSec= and counts NRestarts; a stop ends the loop', () => {
    const w = world({ execStart: [['/bin/crash']], restart: 'on-failure', restartMs: 100 }, { '/bin/crash': { exitAfterMs: 50, exitCode: 1 } });
    w.engine.start('s.service');
    w.sys.advance(50);
    expect(w.u().subState).toBe('auto-restart');
    w.sys.advance(400);
    expect(w.u().nRestarts).toBeGreaterThanOrEqual(2);
    w.engine.stop('s.service');
    w.sys.runUntilIdle(1000);
    expect(['dead', 'failed']).toContain(w.u().subState);
    const n = w.u().nRestarts;
    w.sys.advance(1000);
    expect(w.u().nRestarts).toBe(n);
  });

  // systemd's service_enter_*() "fail:" paths: no process, so no exit status; result 'resources'.
  it('fails a start svcd cannot make a process for with result resources, not 203/EXEC, and says so', () => {
    const w = world({ execStart: [['/bin/daemon']] }, { '/bin/daemon': 'no-resources' });
    w.engine.start('s.service');
    w.sys.runUntilIdle(1000);
    expect(w.u()).toMatchObject({ subState: 'failed', result: 'resources' });
    expect(w.u().execMain.status).toBe(0);
    expect(w.logs).toContain("Failed to run 'start' task: Too many open files");
    expect(w.logs.join('\n')).not.toMatch(/203|Main process exited/);
  });

  it.each([
    ['ExecStartPre', { execStartPre: [['/bin/x']], execStart: [['/bin/daemon']] }, 'start-pre', 'failed'],
    ['ExecCondition', { execCondition: [['/bin/x']], execStart: [['/bin/daemon']] }, 'exec-condition', 'failed'],
  ] as const)('fails a %s svcd cannot make a process for with result resources', (_key, service, task, sub) => {
    const w = world(service, { '/bin/x': 'no-resources' });
    w.engine.start('s.service');
    w.sys.runUntilIdle(1000);
    expect(w.u()).toMatchObject({ subState: sub, result: 'resources' });
    expect(w.logs).toContain(`Failed to run '${task}' task: Too many open files`);
    expect(w.sys.events.some((e) => e.what === 'spawn' && e.argv?.[0] === '/bin/daemon')).toBe(false);
  });

  it('a reload svcd cannot make a process for fails the reload; the service keeps running', () => {
    const w = world({ execStart: [['/bin/daemon']], execReload: [['/bin/reload']] }, { '/bin/reload': 'no-resources' });
    w.engine.start('s.service');
    w.sys.advance(10);
    w.engine.request({ unit: 's.service', type: 'reload', mode: 'replace' });
    w.sys.advance(10);
    expect(w.u().subState).toBe('running');
    expect(w.logs).toContain("Failed to run 'reload' task: Too many open files");
  });

  it('says "Failed with result" before the start job fails, as systemd orders them', () => {
    const sys = new FakeSystem(() => ({ exitAfterMs: 10, exitCode: 1 }));
    const said: string[] = [];
    const engine = new Engine({
      system: sys,
      lookup: fakeLookup([...standardUnits([]), fakeUnit('s.service', { defaultDependencies: false, service: { execStartPre: [['/bin/pre']], execStart: [['/bin/d']] } })]),
      observer: { log: (l) => said.push(l), jobFinished: (j, r) => said.push(`job ${j.unit} ${r}`) },
    });
    engine.start('s.service');
    sys.runUntilIdle(1000);
    expect(said.filter((l) => /Failed with result|^job s\.service/.test(l))).toEqual(["s.service: Failed with result 'exit-code'.", 'job s.service failed']);
  });

  it('says "Failed with result" for a failed run also when Restart= restarts it', () => {
    const w = world({ execStart: [['/bin/crash']], restart: 'always', restartMs: 100 }, { '/bin/crash': { exitAfterMs: 50, exitCode: 1 } });
    w.engine.start('s.service');
    w.sys.advance(60);
    expect(w.u().subState).toBe('auto-restart');
    expect(w.logs).toContain("Failed with result 'exit-code'.");
  });

  it('does not restart on a clean exit with Restart=on-failure, and ends dead', () => {
    const w = world({ execStart: [['/bin/ok']], restart: 'on-failure' }, { '/bin/ok': { exitAfterMs: 10 } });
    w.engine.start('s.service');
    w.sys.runUntilIdle(1000);
    expect(w.u().subState).toBe('dead');
    expect(w.u().result).toBe('success');
    expect(w.u().nRestarts).toBe(0);
  });

  it('RestartPreventExitStatus= stops the loop, RestartForceExitStatus= restarts even with Restart=no', () => {
    const a = world({ execStart: [['/bin/x']], restart: 'always', restartPreventExitStatus: [42] }, { '/bin/x': { exitAfterMs: 10, exitCode: 42 } });
    a.engine.start('s.service');
    a.sys.runUntilIdle(1000);
    expect(a.u().subState).toBe('failed');
    const b = world({ execStart: [['/bin/x']], restart: 'no', restartForceExitStatus: [42], startLimitBurst: 3, startLimitIntervalMs: 10_000 }, { '/bin/x': { exitAfterMs: 10, exitCode: 42 } });
    b.engine.start('s.service');
    b.sys.runUntilIdle(5000);
    expect(b.u().nRestarts).toBe(3);
  });

  it('hits the start limit: a clean loop ends start-limit-hit, a failing one keeps exit-code (as systemd 252)', () => {
    const clean = world({ execStart: [['/bin/ok']], restart: 'always', restartMs: 10, startLimitBurst: 3, startLimitIntervalMs: 10_000 }, { '/bin/ok': { exitAfterMs: 10 } });
    clean.engine.start('s.service');
    clean.sys.runUntilIdle(5000);
    expect([clean.u().activeState, clean.u().result, clean.u().nRestarts]).toEqual(['failed', 'start-limit-hit', 3]);
    expect(clean.logs).toContain('Start request repeated too quickly.');
    const failing = world({ execStart: [['/bin/bad']], restart: 'always', restartMs: 10, startLimitBurst: 3, startLimitIntervalMs: 10_000 }, { '/bin/bad': { exitAfterMs: 10, exitCode: 1 } });
    failing.engine.start('s.service');
    failing.sys.runUntilIdle(5000);
    expect([failing.u().activeState, failing.u().result]).toEqual(['failed', 'exit-code']);
  });

  it('stops with ExecStop= (MAINPID, SERVICE_RESULT), then SIGTERM, then SIGKILL after TimeoutStopSec=', () => {
    const w = world({ execStart: [['/bin/stubborn']], execStop: [['/bin/stopper']], timeoutStopMs: 1000 }, { '/bin/stubborn': { onSigterm: 'ignore' }, '/bin/stopper': { exitAfterMs: 10 } });
    w.engine.start('s.service');
    w.sys.advance(10);
    const main = w.u().mainPid;
    w.engine.stop('s.service');
    expect(w.envOf('/bin/stopper')).toMatchObject({ MAINPID: String(main), SERVICE_RESULT: 'success' });
    w.sys.runUntilIdle(10_000);
    const kills = w.sys.events.filter((e) => e.what === 'kill' && e.pid === main).map((e) => e.signal);
    expect(kills).toEqual(['SIGTERM', 'SIGKILL']);
    expect([w.u().activeState, w.u().result]).toEqual(['failed', 'timeout']);
    expect(w.states).toContain('stop-sigkill');
  });

  it('KillMode=none signals nothing; a dead process group ends the stop at once', () => {
    const w = world({ execStart: [['/bin/d']], killMode: 'none' });
    w.engine.start('s.service');
    w.engine.stop('s.service');
    expect(w.sys.events.filter((e) => e.what === 'kill')).toEqual([]);
    expect(w.u().subState).toBe('dead');
  });

  it('runs every ExecStart= of a oneshot in turn; RemainAfterExit= keeps it active (exited)', () => {
    const w = world({ type: 'oneshot', remainAfterExit: true, execStart: [['/bin/a'], ['/bin/b']] }, { '/bin/a': { exitAfterMs: 10 }, '/bin/b': { exitAfterMs: 10 } });
    w.engine.start('s.service');
    w.sys.runUntilIdle(1000);
    expect(w.u().subState).toBe('exited');
    expect(w.u().commands.ExecStart!.map((c) => c.run?.code)).toEqual([1, 1]);
  });

  it('a "-" ExecStartPre= may fail; without "-" the unit fails with exit-code and no main process', () => {
    const ok = world({ execStartPre: [['-/bin/false']], execStart: [['/bin/d']] }, { '/bin/false': { exitAfterMs: 5, exitCode: 1 } });
    ok.engine.start('s.service');
    ok.sys.runUntilIdle(100);
    expect(ok.u().subState).toBe('running');
    const bad = world({ execStartPre: [['/bin/false']], execStart: [['/bin/d']] }, { '/bin/false': { exitAfterMs: 5, exitCode: 1 } });
    bad.engine.start('s.service');
    bad.sys.runUntilIdle(100);
    expect([bad.u().activeState, bad.u().result, bad.u().execMain.code]).toEqual(['failed', 'exit-code', 0]);
  });

  it('ExecCondition= exiting 1 skips the unit without failing it', () => {
    const w = world({ execCondition: [['/bin/cond']], execStart: [['/bin/d']] }, { '/bin/cond': { exitAfterMs: 5, exitCode: 1 } });
    w.engine.start('s.service');
    w.sys.runUntilIdle(100);
    expect([w.u().activeState, w.u().subState, w.u().result]).toEqual(['inactive', 'dead', 'exec-condition']);
    expect(w.sys.events.some((e) => e.what === 'spawn' && e.argv![0] === '/bin/d')).toBe(false);
  });

  it('a main process killed by a signal is Result=signal with ExecMainCode=2 (killed)', () => {
    const w = world({ execStart: [['/bin/d']] });
    w.engine.start('s.service');
    w.sys.exitNow(w.u().mainPid, 0, 11);
    w.sys.runUntilIdle(1000);
    expect([w.u().result, w.u().execMain.code, w.u().execMain.status]).toEqual(['signal', 2, 11]);
  });

  it('reset-failed forgets the failure and the restart counter', () => {
    const w = world({ execStart: [['/bin/x']] }, { '/bin/x': { exitAfterMs: 5, exitCode: 3 } });
    w.engine.start('s.service');
    w.sys.runUntilIdle(100);
    expect(w.u().activeState).toBe('failed');
    w.engine.resetFailed('s.service');
    expect([w.u().activeState, w.u().result]).toEqual(['inactive', 'success']);
  });
});

// WatchdogSec=, sd_notify's WATCHDOG=1/trigger/WATCHDOG_USEC=, WatchdogSignal=, TimeoutAbortSec= and
// Timeout{Start,Stop}FailureMode=, as systemd 252's service_dispatch_timer/_watchdog handle them.
describe('the service watchdog and timeout failure modes', () => {
  const signals = (w: ReturnType<typeof world>) => w.sys.events.filter((e) => e.what === 'kill').map((e) => `${e.at} ${e.signal}`);

  it('fails a service that does not ping within WatchdogSec=: stop-watchdog, SIGABRT, Result=watchdog', () => {
    const w = world({ execStart: [['/bin/d']], watchdogMs: 1000 });
    w.engine.start('s.service');
    w.sys.advance(999);
    expect(w.u().subState).toBe('running');
    w.sys.runUntilIdle(10_000);
    expect(w.states).toEqual(['running', 'stop-watchdog', 'failed']);
    expect(signals(w)).toEqual(['1000 SIGABRT']);
    expect([w.u().result, w.u().execMain.code, w.u().execMain.status]).toEqual(['watchdog', 2, 6]);
    expect(w.logs).toContain('Watchdog timeout (limit 1s)!');
  });

  it('WATCHDOG=1 starts a new period; the service fails one period after its last ping', () => {
    const w = world({ type: 'notify', execStart: [['/bin/d']], watchdogMs: 1000 });
    w.engine.start('s.service');
    w.sys.sendNotify(w.u().mainPid, 'READY=1');
    for (let i = 0; i < 5; i++) {
      w.sys.advance(600);
      w.sys.sendNotify(w.u().mainPid, 'WATCHDOG=1');
    }
    expect(w.u().subState).toBe('running');
    w.sys.runUntilIdle(10_000);
    expect(signals(w)).toEqual([`${5 * 600 + 1000} SIGABRT`]);
    expect(w.u().result).toBe('watchdog');
  });

  it('the watchdog runs from start-post on, not while a notify service has not said READY=1', () => {
    const w = world({ type: 'notify', execStart: [['/bin/d']], watchdogMs: 500, timeoutStartMs: 5000 });
    w.engine.start('s.service');
    w.sys.advance(2000);
    expect(w.u().subState).toBe('start');
    w.sys.sendNotify(w.u().mainPid, 'READY=1');
    w.sys.advance(499);
    expect(w.u().subState).toBe('running');
    w.sys.advance(1);
    expect(w.u().subState).not.toBe('running');
    expect(w.u().result).toBe('watchdog');
  });

  it('WATCHDOG=trigger fails the service at once; WatchdogSignal= picks the signal', () => {
    const w = world({ type: 'notify', execStart: [['/bin/d']], watchdogSignal: 3 });
    w.engine.start('s.service');
    w.sys.sendNotify(w.u().mainPid, 'READY=1\nSTATUS=stuck');
    w.sys.advance(100);
    w.sys.sendNotify(w.u().mainPid, 'WATCHDOG=trigger');
    w.sys.runUntilIdle(1000);
    expect(signals(w)).toEqual(['100 SIGQUIT']);
    expect([w.u().activeState, w.u().result, w.u().execMain.status]).toEqual(['failed', 'watchdog', 3]);
    expect(w.logs).toContain('Watchdog request (last status: stuck)!');
  });

  it('WATCHDOG_USEC= enables a watchdog without WatchdogSec= (and overrides it until the next start)', () => {
    const w = world({ type: 'notify', execStart: [['/bin/d']], restart: 'on-watchdog', restartMs: 100 });
    w.engine.start('s.service');
    w.sys.advance(10);
    w.sys.sendNotify(w.u().mainPid, 'READY=1\nWATCHDOG_USEC=250000');
    w.sys.advance(249);
    expect(w.u().subState).toBe('running');
    w.sys.advance(1);
    expect(signals(w)).toEqual(['260 SIGABRT']);
    w.sys.advance(200); // Restart=on-watchdog: back in start, the override forgotten
    expect([w.u().subState, w.u().nRestarts]).toEqual(['start', 1]);
    w.sys.sendNotify(w.u().mainPid, 'READY=1');
    w.sys.advance(5000);
    expect(w.u().subState).toBe('running');
  });

  it('a process ignoring the watchdog signal is SIGKILLed after TimeoutAbortSec= (not TimeoutStopSec=)', () => {
    const w = world({ execStart: [['/bin/d']], watchdogMs: 1000, timeoutAbortMs: 300, timeoutStopMs: 5000 }, { '/bin/d': { ignores: ['SIGABRT'] } });
    w.engine.start('s.service');
    w.sys.runUntilIdle(10_000);
    expect(signals(w)).toEqual(['1000 SIGABRT', '1300 SIGKILL']);
    expect(w.states).toEqual(['running', 'stop-watchdog', 'stop-sigkill', 'failed']);
    expect([w.u().result, w.u().execMain.status]).toEqual(['watchdog', 9]);
  });

  it('TimeoutStartFailureMode=abort sends SIGABRT on a start timeout (Result=timeout, status 6)', () => {
    const w = world({ type: 'notify', execStart: [['/bin/d']], timeoutStartMs: 1000, timeoutStartFailureMode: 'abort' });
    w.engine.start('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.states).toEqual(['start', 'stop-watchdog', 'failed']);
    expect(signals(w)).toEqual(['1000 SIGABRT']);
    expect([w.u().result, w.u().execMain.code, w.u().execMain.status]).toEqual(['timeout', 2, 6]);
    expect(w.logs).toContain('start operation timed out. Aborting.');
  });

  it('TimeoutStartFailureMode=kill sends SIGKILL at once; with SendSIGKILL=no it skips to stop-post', () => {
    const w = world({ type: 'notify', execStart: [['/bin/d']], timeoutStartMs: 1000, timeoutStartFailureMode: 'kill' });
    w.engine.start('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.states).toEqual(['start', 'stop-sigkill', 'failed']);
    expect([w.u().result, w.u().execMain.status]).toEqual(['timeout', 9]);
    const n = world({ type: 'notify', execStart: [['/bin/d']], timeoutStartMs: 1000, timeoutStartFailureMode: 'kill', sendSIGKILL: false, execStopPost: [['/bin/post']] }, { '/bin/post': { exitAfterMs: 5 } });
    n.engine.start('s.service');
    n.sys.advance(1000);
    expect(n.u().subState).toBe('stop-post');
    expect(n.logs).toContain('start operation timed out. Skipping SIGKILL.');
  });

  it('TimeoutStopFailureMode=abort: a process ignoring SIGTERM gets SIGABRT after TimeoutStopSec=', () => {
    const w = world({ execStart: [['/bin/d']], timeoutStopMs: 1000, timeoutStopFailureMode: 'abort' }, { '/bin/d': { onSigterm: 'ignore' } });
    w.engine.start('s.service');
    w.sys.advance(100);
    w.engine.stop('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.states).toEqual(['running', 'stop-sigterm', 'stop-watchdog', 'failed']);
    expect(signals(w)).toEqual(['100 SIGTERM', '1100 SIGABRT']);
    expect([w.u().result, w.u().execMain.status]).toEqual(['timeout', 6]);
    expect(w.logs).toContain("State 'stop-sigterm' timed out. Aborting.");
  });

  it('TimeoutStopFailureMode=abort on a hanging ExecStopPost= goes through final-watchdog', () => {
    const w = world({ execStart: [['/bin/d']], execStopPost: [['/bin/post']], timeoutStopMs: 1000, timeoutStopFailureMode: 'abort' });
    w.engine.start('s.service');
    w.sys.advance(100);
    w.engine.stop('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.states).toEqual(['running', 'stop-sigterm', 'stop-post', 'final-watchdog', 'failed']);
    expect(signals(w).slice(1)).toEqual(['1100 SIGABRT']);
    expect(w.u().result).toBe('timeout');
    expect(w.logs).toContain("State 'stop-post' timed out. Aborting.");
  });

  it('TimeoutStopFailureMode=kill skips SIGTERM after a hanging ExecStop=', () => {
    const w = world({ execStart: [['/bin/d']], execStop: [['/bin/stop']], timeoutStopMs: 1000, timeoutStopFailureMode: 'kill' });
    w.engine.start('s.service');
    w.engine.stop('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.states).toEqual(['running', 'stop', 'stop-sigkill', 'failed']);
    expect(signals(w).map((l) => l.split(' ')[1])).toEqual(['SIGKILL', 'SIGKILL']);
    expect(w.logs).toContain('Stopping timed out. Killing.');
  });
});

describe('RuntimeMaxSec=', () => {
  it('stops a service active for longer (Result=timeout); a reload does not restart the count', () => {
    const w = world({ execStart: [['/bin/d']], execReload: [['/bin/reload']], runtimeMaxMs: 1000 }, { '/bin/reload': { exitAfterMs: 10 } });
    w.engine.start('s.service');
    w.sys.advance(600);
    w.engine.request({ unit: 's.service', type: 'reload', mode: 'replace' });
    w.sys.advance(20);
    expect(w.states.filter((s) => s === 'reload')).toHaveLength(1);
    w.sys.advance(379);
    expect(w.u().subState).toBe('running');
    w.sys.runUntilIdle(10_000);
    expect(w.sys.events.filter((e) => e.what === 'kill').map((e) => `${e.at} ${e.signal}`)).toEqual(['1000 SIGTERM']);
    expect([w.u().activeState, w.u().result]).toEqual(['failed', 'timeout']);
    expect(w.logs).toContain('Service reached runtime time limit. Stopping.');
  });
});

describe('which unit an exit or a notify message is for', () => {
  it('follows the main PID that MAINPID= moved: the old pid exiting is an orphan, the new one ends the service', () => {
    const sys = new FakeSystem();
    const orphans: number[] = [];
    const engine = new Engine({
      system: sys,
      lookup: fakeLookup([...standardUnits([]), fakeUnit('s.service', { defaultDependencies: false, service: { type: 'notify', notifyAccess: 'all', execStart: [['/bin/n']] } })]),
      observer: { orphanExited: (e) => orphans.push(e.pid) },
    });
    engine.start('s.service');
    const first = engine.unit('s.service').mainPid;
    const daemon = sys.adopt('s.service', ['/bin/daemon']);
    sys.sendNotify(first, `MAINPID=${daemon}`);
    sys.sendNotify(daemon, 'READY=1');
    expect(engine.unit('s.service').subState).toBe('running');
    sys.exitNow(first, 0);
    expect(orphans).toEqual([first]);
    expect(engine.unit('s.service').subState).toBe('running');
    sys.exitNow(daemon, 1);
    sys.runUntilIdle(10_000);
    expect([engine.unit('s.service').activeState, engine.unit('s.service').result]).toEqual(['failed', 'exit-code']);
    expect(orphans).toEqual([first]);
  });
});

describe('a main PID the service names itself (MAINPID=, PIDFile=)', () => {
  const NOBODY = 65534;

  it('refuses MAINPID= of another unit\'s process from an unprivileged sender, and stop leaves that process alone', () => {
    const w = world({ type: 'notify', execStart: [['/bin/n']] });
    w.engine.start('s.service');
    const main = w.u().mainPid;
    const victim = w.sys.adopt('victim.service', ['/bin/victim']);
    w.sys.sendNotify(main, `READY=1\nMAINPID=${victim}`, NOBODY);
    expect(w.u().subState).toBe('running');
    expect(w.u().mainPid).toBe(main);
    expect(w.logs).toContain(`New main PID ${victim} does not belong to service, refusing.`);
    w.engine.stop('s.service');
    w.sys.runUntilIdle(10_000);
    expect(w.sys.events.filter((e) => e.what === 'kill' && e.pid === victim)).toEqual([]);
  });

  it('takes MAINPID= of the unit\'s own process from an unprivileged sender, and another unit\'s from root', () => {
    const w = world({ type: 'notify', execStart: [['/bin/n']] });
    w.engine.start('s.service');
    const own = w.sys.adopt('s.service', ['/bin/child']);
    w.sys.sendNotify(w.u().mainPid, `READY=1\nMAINPID=${own}`, NOBODY);
    expect(w.u().mainPid).toBe(own);
    const other = w.sys.adopt('other.service', ['/bin/other']);
    w.sys.sendNotify(own, `MAINPID=${other}`, 0);
    expect(w.u().mainPid).toBe(other);
  });

  it('never takes the manager, the control process or a pid that is no process, whoever asks', () => {
    const w = world({ type: 'notify', execStart: [['/bin/n']] });
    w.engine.start('s.service');
    const main = w.u().mainPid;
    w.sys.sendNotify(main, 'READY=1\nMAINPID=1', 0);
    expect(w.u().mainPid).toBe(main);
    expect(w.logs).toContain('New main PID 1 is the manager, refusing.');
    w.sys.sendNotify(main, 'MAINPID=4242', 0);
    expect(w.u().mainPid).toBe(main);
    expect(w.logs).toContain('New main PID 4242 does not exist or is a zombie.');
  });

  it('refuses a stale PID file, even root\'s: the start fails instead of waiting on a pid that is gone', () => {
    const w = world({ type: 'forking', pidFile: '/run/d.pid', execStart: [['/bin/forker']] }, { '/bin/forker': { exitAfterMs: 20 } });
    w.sys.pidFiles.set('/run/d.pid', 4242);
    w.engine.start('s.service');
    w.sys.runUntilIdle(10_000);
    expect([w.u().activeState, w.u().result, w.u().mainPid]).toEqual(['failed', 'protocol', 0]);
    expect(w.logs).toContain('New main PID 4242 does not exist or is a zombie.');
  });

  /** A forking service whose PID file, as `file` describes it, names another unit's process. */
  function forkingNaming(file: { ownerUid: number; unsafeSymlinkChain: boolean }) {
    const w = world({ type: 'forking', pidFile: '/run/d/d.pid', execStart: [['/bin/forker']] }, { '/bin/forker': { exitAfterMs: 20 } });
    const victim = w.sys.adopt('victim.service', ['/bin/victim']);
    w.sys.pidFiles.set('/run/d/d.pid', { pid: victim, ...file });
    w.engine.start('s.service');
    w.sys.runUntilIdle(10_000);
    return { w, victim };
  }

  it('refuses a PID file that is not root\'s naming another unit\'s process: nothing of the unit is left, so the start fails', () => {
    const { w, victim } = forkingNaming({ ownerUid: NOBODY, unsafeSymlinkChain: false });
    expect([w.u().activeState, w.u().result, w.u().mainPid]).toEqual(['failed', 'protocol', 0]);
    expect(w.logs).toContain(`New main PID ${victim} does not belong to service, and PID file is not owned by root. Refusing.`);
    expect(w.sys.events.filter((e) => e.what === 'kill' && e.pid === victim)).toEqual([]);
  });

  it('refuses a root-owned PID file reached through a symlink another user could plant, when it names a process outside the unit', () => {
    const { w } = forkingNaming({ ownerUid: 0, unsafeSymlinkChain: true });
    expect([w.u().activeState, w.u().result, w.u().mainPid]).toEqual(['failed', 'protocol', 0]);
    expect(w.logs).toContain('Refusing to accept PID outside of service control group, acquired through unsafe symlink chain: /run/d/d.pid');
  });

  it('believes a PID file root owns naming a process outside the unit', () => {
    const { w, victim } = forkingNaming({ ownerUid: 0, unsafeSymlinkChain: false });
    expect([w.u().subState, w.u().mainPid]).toEqual(['running', victim]);
  });

  it('believes a PID file naming the unit\'s own process whoever owns it', () => {
    const w = world({ type: 'forking', pidFile: '/run/d.pid', execStart: [['/bin/forker']] }, { '/bin/forker': { exitAfterMs: 20 } });
    w.engine.start('s.service');
    const daemon = w.sys.adopt('s.service', ['/bin/daemon']);
    w.sys.pidFiles.set('/run/d.pid', { pid: daemon, ownerUid: NOBODY, unsafeSymlinkChain: false });
    w.sys.runUntilIdle(1000);
    expect([w.u().subState, w.u().mainPid]).toEqual(['running', daemon]);
  });
});
