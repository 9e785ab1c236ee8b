// svcd's upstart generator, stanza by stanza: a job in a job directory is run through the
// generator, and the unit it writes is loaded by svcd's own loader, so each test shows what the
// service will do (its typed model), not the text. Scripts are also run as the unit would run
// them, to show upstart's `sh -e` semantics. Bad input gives warnings at file:line and the rest loads.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runUpstartGenerator } from '../../src/unit/upstart-generator.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnit } from '../../src/unit/load.js';
import type { ServiceUnit } from '../../src/unit/model.js';
import { parseUpstartJob } from '../../src/unit/upstart-job.js';
import { conditionOperands } from '../../src/unit/upstart-events.js';
import { upstartLogName } from '../../src/unit/upstart-log.js';
import { unitNameEscape } from '../../src/unit/escape.js';
import { expandArgv } from '../../src/exec/exec-context.js';
import { expandSpecifiers, systemContext } from '../../src/unit/specifiers.js';

const root = mkdtempSync(join(tmpdir(), 'svcd-upstart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

interface Generated { dest: string; warnings: string[]; unit: (name?: string) => ServiceUnit; text: (name: string) => string }

/** Runs the generator on job files (name → text) with no native unit anywhere. */
function generate(files: Record<string, string>, nativeUnits: Record<string, string> = {}): Generated {
  const dir = join(root, String(n++));
  const jobs = join(dir, 'init');
  const dest = join(dir, 'out');
  const units = join(dir, 'units');
  mkdirSync(jobs, { recursive: true });
  mkdirSync(units);
  for (const [f, t] of Object.entries(files)) writeFileSync(join(jobs, f), t);
  for (const [f, t] of Object.entries(nativeUnits)) writeFileSync(join(units, f), t);
  const warnings: string[] = [];
  const status = runUpstartGenerator({ dest, env: { SVCD_UPSTART_PATH: jobs, SYSTEMD_UNIT_PATH: units }, log: (level, text) => level === 'warning' && warnings.push(text) });
  expect(status).toBe(0);
  const first = Object.keys(files).find((f) => f.endsWith('.conf'))!.replace(/\.conf$/, '.service');
  return {
    dest,
    warnings: warnings.map((w) => w.replaceAll(`${jobs}/`, '')),
    unit: (name = first) => {
      const u = loadUnit(buildUnitFileMap([dest]), name);
      expect(u.loadState).toBe('loaded');
      expect(u.diagnostics.filter((d) => d.severity !== 'debug').map((d) => d.message)).toEqual([]);
      return u as ServiceUnit;
    },
    text: (name) => readFileSync(join(dest, name), 'utf8'),
  };
}

/** The argv a unit's commands are spawned with (specifiers, then $VAR and $$, resolved as at spawn; no variables set). */
const argv = (cmds: readonly { argv: readonly string[] }[]) =>
  cmds.map((c) => expandArgv(c.argv.map((w) => { const r = expandSpecifiers(w, { name: 'x.service' }, systemContext()); if (!r.ok) throw new Error(r.error); return r.value; }), new Map()));
/** Runs a command of the unit as svcd would (argv as is), returning status and output. */
const run = (cmd: { argv: readonly string[] }, env: Record<string, string> = {}) =>
  spawnSync(argv([cmd])[0]![0]!, argv([cmd])[0]!.slice(1), { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', ...env } });

/** A job's dependencies from its events: without the log follower every `console log` job wants and follows. */
const events = (deps: readonly string[]) => deps.filter((d) => d !== 'svcd-upstart-log.service');
/** The units whose .wants/ has the job. */
const wantedBy = (g: Generated, name = 'a.service') =>
  ['sysinit.target', 'rescue.target', 'multi-user.target', 'graphical.target', 'b.service'].filter((t) => existsSync(join(g.dest, `${t}.wants`, name)));

describe('processes', () => {
  it('exec without shell characters runs the command directly; with them through sh -e -c "exec …"', () => {
    const plain = generate({ 'a.conf': 'exec /usr/bin/sleep 1000\n' }).unit();
    expect(argv(plain.service.execStart)).toEqual([['/usr/bin/sleep', '1000']]);
    const shell = generate({ 'a.conf': 'exec /bin/echo --x=$HOME "quoted  word" 100%\n' }).unit();
    expect(argv(shell.service.execStart)).toEqual([['/bin/sh', '-e', '-c', 'exec /bin/echo --x=$HOME "quoted  word" 100%']]);
    // The shell, not svcd, expands $HOME; quotes and % reach it as written.
    expect(run(shell.service.execStart[0]!, { HOME: '/h' }).stdout).toBe('--x=/h quoted  word 100%\n');
  });

  it('a script runs under sh -e: the first failing command ends it, with its status', () => {
    const u = generate({ 'a.conf': 'script\n  echo one\n  false\n  echo never\nend script\n' }).unit();
    const r = run(u.service.execStart[0]!);
    expect([r.status, r.stdout]).toEqual([1, 'one\n']);
  });

  it('pre-start, post-start, pre-stop, post-stop become ExecStartPre/StartPost/Stop/StopPost, exec or script', () => {
    const u = generate({
      'a.conf': 'pre-start exec /bin/mkdir -p /run/a\npost-start script\n  echo up\nend script\npre-stop exec /bin/echo going\npost-stop script\n  rm -f /run/a/x\nend script\nexec /usr/bin/sleep 1000\n',
    }).unit();
    expect(argv(u.service.execStartPre)).toEqual([['/bin/mkdir', '-p', '/run/a']]);
    expect(argv(u.service.execStartPost)).toEqual([['/bin/sh', '-e', '-c', '  echo up\n']]);
    expect(argv(u.service.execStop)).toEqual([['/bin/echo', 'going']]);
    expect(argv(u.service.execStopPost)).toEqual([['/bin/sh', '-e', '-c', '  rm -f /run/a/x\n']]);
    expect(u.service.type).toBe('simple');
    expect(u.service.execReload.map((c) => [...c.argv])).toEqual([['/bin/kill', '-HUP', '$MAINPID']]);
  });

  it('a job without a main process is a state: running (remaining) until stopped', () => {
    const u = generate({ 'a.conf': 'pre-start exec /bin/true\npost-stop exec /bin/true\n' }).unit();
    expect([u.service.type, u.service.remainAfterExit]).toEqual(['oneshot', true]);
  });

  it('task is a oneshot; expect fork and daemon are forking', () => {
    expect(generate({ 'a.conf': 'task\nexec /bin/true\n' }).unit().service.type).toBe('oneshot');
    expect(generate({ 'a.conf': 'expect fork\nexec /usr/sbin/d\n' }).unit().service.type).toBe('forking');
    expect(generate({ 'a.conf': 'expect daemon\nexec /usr/sbin/d\n' }).unit().service.type).toBe('forking');
  });

  it('expect stop: started once the main process has stopped itself, which is then continued (before the job\'s post-start)', async () => {
    const u = generate({ 'a.conf': 'expect stop\nexec /usr/sbin/d\npost-start exec /bin/true\n' }).unit();
    expect(u.service.type).toBe('simple');
    expect(u.service.execStartPost).toHaveLength(2);
    expect(argv(u.service.execStartPost.slice(1))).toEqual([['/bin/true']]);
    // A process that stops itself, as an `expect stop` daemon does when ready.
    const daemon = spawn('/bin/sh', ['-c', 'kill -STOP $$; echo continued'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    daemon.stdout.on('data', (d: Buffer) => (output += d.toString()));
    // 'close', not 'exit': the output may still be in the pipe when the exit is reported.
    const ended = new Promise((resolve) => daemon.on('close', resolve));
    const step = u.service.execStartPost[0]!;
    const words = argv([step])[0]!;
    const r = spawnSync(words[0]!, words.slice(1), { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', MAINPID: String(daemon.pid) } });
    expect(r.status).toBe(0);
    await ended;
    expect(output).toBe('continued\n');
    // A main process that is gone fails the step.
    expect(spawnSync(words[0]!, words.slice(1), { env: { PATH: '/usr/bin:/bin', MAINPID: String(daemon.pid) } }).status).toBe(1);
  });
});

describe('respawn and exits', () => {
  it('respawn: always (exit 0 too, as for an upstart service), no delay, upstart\'s default limit of 10 respawns in 5 s', () => {
    const u = generate({ 'a.conf': 'respawn\nexec /usr/bin/sleep 1000\n' }).unit();
    expect([u.service.restart, u.service.restartUSec]).toEqual(['always', 0n]);
    expect([u.unit.startLimitBurst, u.unit.startLimitIntervalUSec]).toEqual([11, 5_000_000n]);
  });

  it('respawn limit COUNT INTERVAL, unlimited, and 0 meaning unlimited', () => {
    const u = generate({ 'a.conf': 'respawn\nrespawn limit 20 5\nexec /usr/bin/sleep 1000\n' }).unit();
    expect([u.unit.startLimitBurst, u.unit.startLimitIntervalUSec]).toEqual([21, 5_000_000n]);
    expect(generate({ 'a.conf': 'respawn\nrespawn limit unlimited\nexec /x\n' }).unit().unit.startLimitIntervalUSec).toBe(0n);
    expect(generate({ 'a.conf': 'respawn\nrespawn limit 0 5\nexec /x\n' }).unit().unit.startLimitIntervalUSec).toBe(0n);
  });

  it('a respawning task restarts on failure only (exit 0 ends it)', () => {
    const u = generate({ 'a.conf': 'task\nrespawn\nexec /bin/true\n' }).unit();
    expect([u.service.type, u.service.restart]).toEqual(['oneshot', 'on-failure']);
  });

  it('normal exit: statuses and signals (TERM or SIGTERM) neither fail nor respawn the job', () => {
    const u = generate({ 'a.conf': 'respawn\nnormal exit 0 1 TERM SIGHUP\nexec /x\n' }).unit();
    expect(u.service.restartPreventExitStatus).toEqual({ status: [0, 1], signal: [1, 15] });
    expect(u.service.successExitStatus).toEqual({ status: [0, 1], signal: [1, 15] });
  });

  it('the kill signal ending a script (a pre-start that stops its own job) is a clean end: the job is not failed', () => {
    expect(generate({ 'a.conf': 'exec /x\n' }).unit().service.successExitStatus).toEqual({ status: [], signal: [15] });
    expect(generate({ 'a.conf': 'kill signal INT\nnormal exit 2\nexec /x\n' }).unit().service.successExitStatus).toEqual({ status: [2], signal: [2] });
  });

  it('kill signal, kill timeout (5 s by default), reload signal', () => {
    const d = generate({ 'a.conf': 'exec /x\n' }).unit();
    expect([d.kill.killSignal, d.service.timeoutStopUSec]).toEqual([15, 5_000_000n]);
    const u = generate({ 'a.conf': 'kill signal INT\nkill timeout 30\nreload signal USR1\nexec /x\n' }).unit();
    expect([u.kill.killSignal, u.service.timeoutStopUSec]).toEqual([2, 30_000_000n]);
    expect(u.service.execReload.map((c) => [...c.argv])).toEqual([['/bin/kill', '-USR1', '$MAINPID']]);
  });
});

describe('the process environment', () => {
  it('env (quoted values, KEY alone passed from init), UPSTART_JOB, chdir, chroot, umask, nice, oom score, limits, setuid, setgid', () => {
    const u = generate({
      'job.conf': 'env A=1\nenv B="two words $X"\nenv PASSED\nchdir /var/run\nchroot /srv/root\numask 027\nnice -5\noom score -500\nlimit nofile 1024 65535\nlimit core unlimited unlimited\nsetuid nova\nsetgid adm\nexec /x\n',
    }).unit();
    expect(u.exec.environment).toEqual(['UPSTART_JOB=job', 'UPSTART_INSTANCE=', 'A=1', 'B=two words $X']);
    expect(u.exec.passEnvironment).toEqual(['PASSED']);
    expect([u.exec.workingDirectory, u.exec.rootDirectory, u.exec.umask, u.exec.nice, u.exec.oomScoreAdjust]).toEqual(['/var/run', '/srv/root', 0o27, -5, -500]);
    expect(u.exec.limits.NOFILE).toEqual({ soft: 1024n, hard: 65535n });
    expect(u.exec.limits.CORE!.soft).toBe(u.exec.limits.CORE!.hard);
    expect(u.exec.limits.CORE!.soft > 1n << 62n).toBe(true);
    expect([u.exec.user, u.exec.group]).toEqual(['nova', 'adm']);
  });

  it('oom score never is the OOM killer\'s -1000', () => {
    expect(generate({ 'a.conf': 'oom score never\nexec /x\n' }).unit().exec.oomScoreAdjust).toBe(-1000);
  });

  it('console log (the default) goes to the journal, output/owner also to the console, none nowhere', () => {
    expect(generate({ 'a.conf': 'exec /x\n' }).unit().exec.standardOutput).toBe('journal');
    expect(generate({ 'a.conf': 'console output\nexec /x\n' }).unit().exec.standardOutput).toBe('journal+console');
    const none = generate({ 'a.conf': 'console none\nexec /x\n' }).unit();
    expect([none.exec.standardInput, none.exec.standardOutput, none.exec.standardError]).toEqual(['null', 'null', 'null']);
  });

  it('console log also means /var/log/upstart/JOB.log: the log follower (svcd-upstart-log.service) copies the jobs it lists there, and stops after them', () => {
    const g = generate({ 'a.conf': 'exec /x\n', 'tty.conf': 'instance $TTY\nexec /sbin/getty $TTY\n', 'quiet.conf': 'console none\nexec /x\n', 'loud.conf': 'console output\nexec /x\n' });
    for (const job of ['a.service', 'tty@1.service']) {
      const u = g.unit(job).unit;
      expect(u.dependencies.Wants, job).toContain('svcd-upstart-log.service');
      expect(u.dependencies.After, job).toContain('svcd-upstart-log.service');
    }
    for (const job of ['quiet.service', 'loud.service']) expect(g.unit(job).unit.dependencies.Wants, job).not.toContain('svcd-upstart-log.service');
    const follower = g.unit('svcd-upstart-log.service');
    expect(argv(follower.service.execStart)[0]!.slice(1)).toEqual(['--log-dir', '/var/log/upstart', '--state', '/var/lib/svcd-upstart-log/cursor', 'a', 'tty@']);
    expect(follower.unit.defaultDependencies).toBe(false);
    expect(follower.unit.ignoreOnIsolate).toBe(true);
    expect(follower.unit.dependencies.Conflicts).toEqual(['shutdown.target']);
  });

  it('the log file of a job, of an instance (its variable\'s value, "/" made "_" as upstart does), and of a unit that is no job', () => {
    const jobs = new Set(['a', 'tty@']);
    expect(upstartLogName('a.service', jobs)).toBe('a.log');
    expect(upstartLogName('tty@7.service', jobs)).toBe('tty-7.log');
    expect(upstartLogName(`tty@${unitNameEscape('dev/ttyS0 x')}.service`, jobs)).toBe('tty-dev_ttyS0 x.log');
    expect(upstartLogName('b.service', jobs)).toBeUndefined();
    expect(upstartLogName('a@1.service', jobs)).toBeUndefined();
    expect(upstartLogName('tty.service', jobs)).toBeUndefined();
    expect(upstartLogName('a.socket', jobs)).toBeUndefined();
  });

  it('instance $VAR makes a template: the instance name is VAR\'s value', () => {
    const g = generate({ 'tty.conf': 'instance $TTY\nstart on runlevel [2345]\nexec /sbin/getty $TTY\n' });
    expect(existsSync(join(g.dest, 'tty@.service'))).toBe(true);
    const u = loadUnit(buildUnitFileMap([g.dest]), 'tty@tty1.service') as ServiceUnit;
    expect(u.exec.environment).toEqual(['UPSTART_JOB=tty', 'UPSTART_INSTANCE=tty1', 'TTY=tty1']);
    expect(g.warnings.join('\n')).toMatch(/instance job is started by hand/);
  });

  it('description; author, version, usage kept as comments', () => {
    const g = generate({ 'a.conf': 'description "Nova compute worker"\nauthor "Soren <s@x>"\nversion "1.0"\nusage "a FOO=x"\nexec /x\n' });
    expect(g.unit().unit.description).toBe('Nova compute worker');
    expect(g.text('a.service')).toMatch(/^# upstart author: Soren <s@x>\n# upstart version: 1\.0\n# upstart usage: a FOO=x$/m);
  });
});

describe('start on and stop on', () => {
  it('runlevel [2345] is wanted by the targets of those runlevels; [!2345] stops at shutdown (default dependencies)', () => {
    const g = generate({ 'a.conf': 'start on runlevel [2345]\nstop on runlevel [!2345]\nexec /x\n' });
    expect(wantedBy(g)).toEqual(['multi-user.target', 'graphical.target']);
    expect(readlinkSync(join(g.dest, 'multi-user.target.wants/a.service'))).toBe('../a.service');
    expect(g.unit().unit.defaultDependencies).toBe(true);
    expect(g.warnings).toEqual([]);
  });

  it('runlevel S or 1: rescue.target; Ubuntu\'s "stopped rc RUNLEVEL=[2345]" as the runlevel', () => {
    expect(wantedBy(generate({ 'a.conf': 'start on runlevel S\nexec /x\n' }))).toEqual(['rescue.target']);
    expect(wantedBy(generate({ 'a.conf': 'start on stopped rc RUNLEVEL=[2345]\nexec /x\n' }))).toEqual(['multi-user.target', 'graphical.target']);
  });

  it('startup: sysinit.target; filesystem, net-device-up: ordering after them, at boot', () => {
    expect(wantedBy(generate({ 'a.conf': 'start on startup\nexec /x\n' }))).toEqual(['sysinit.target']);
    const g = generate({ 'a.conf': 'start on (local-filesystems and net-device-up IFACE!=lo)\nexec /x\n' });
    expect(wantedBy(g)).toEqual(['multi-user.target']);
    const u = g.unit();
    expect(events(u.unit.dependencies.After)).toEqual(['local-fs.target', 'network-online.target']);
    expect(events(u.unit.dependencies.Wants)).toEqual(['network-online.target']);
  });

  it('started JOB / starting JOB: wanted by that job, after or before it; stopping JOB: part of it', () => {
    const g = generate({ 'a.conf': 'start on started b\nstop on stopping b\nexec /x\n', 'c.conf': 'start on starting b\nexec /x\n' });
    expect(wantedBy(g)).toEqual(['b.service']);
    expect(events(g.unit().unit.dependencies.After)).toEqual(['b.service']);
    expect(g.unit().unit.dependencies.PartOf).toEqual(['b.service']);
    expect(g.unit('c.service').unit.dependencies.Before).toEqual(['b.service']);
  });

  it('stopped TASK: a task has stopped once its start has finished, so the job is wanted by it and after it', () => {
    const g = generate({ 'a.conf': 'start on stopped b\nexec /x\n', 'b.conf': 'task\nexec /bin/true\n' });
    expect(g.warnings).toEqual([]);
    expect(wantedBy(g)).toEqual(['b.service']);
    expect(events(g.unit().unit.dependencies.After)).toEqual(['b.service']);
  });

  it('a condition over several lines in brackets, with and/or', () => {
    const g = generate({ 'a.conf': 'start on (filesystem\n          and started b\n          or runlevel [2])\nexec /x\n' });
    expect(wantedBy(g)).toEqual(['multi-user.target', 'b.service']);
    expect(g.warnings).toEqual([]);
  });

  it('an event a program emits is a target: the job is wanted by it (start on) or conflicts with it (stop on); stopped JOB in start on is a warning', () => {
    const g = generate({ 'a.conf': 'start on custom-event or stopped b\nstop on other-event or started b\nexec /x\n' });
    expect(g.warnings).toEqual([
      'a.conf: start on: "stopped b" (starting when another job ends) has no systemd counterpart unless b is a task: not mapped',
      'a.conf: stop on: "started b" (stopping when another job starts) has no systemd counterpart: not mapped',
    ]);
    expect(existsSync(join(g.dest, 'upstart-event-custom-event.target.wants', 'a.service'))).toBe(true);
    expect(g.unit().unit.dependencies.Conflicts).toEqual(['upstart-event-other-event.target']);
    expect(g.unit().unit.dependencies.Before).toEqual(['upstart-event-other-event.target']);
    // Both targets exist, and load.
    for (const t of ['upstart-event-custom-event.target', 'upstart-event-other-event.target']) {
      const u = loadUnit(buildUnitFileMap([g.dest]), t);
      expect([u.loadState, u.unit.description]).toEqual(['loaded', `upstart event ${t.slice('upstart-event-'.length, -'.target'.length)}`]);
    }
  });

  it('manual: not started at boot', () => {
    expect(wantedBy(generate({ 'a.conf': 'start on runlevel [2345]\nmanual\nexec /x\n' }))).toEqual([]);
  });

  it('the operand grammar refuses an operator without operands', () => {
    expect(conditionOperands('a and').error).toBe('the condition ends with an operator');
    expect(conditionOperands('(a or b) c').error).toBe('an operator is missing before "c"');
    expect(conditionOperands('runlevel [2345] and (started x or stopped y)').operands.map((o) => o.event)).toEqual(['runlevel', 'started', 'stopped']);
  });
});

describe('overrides, native units and bad input', () => {
  it('NAME.override: its stanzas win, env adds; manual there disables the boot start', () => {
    const g = generate({ 'a.conf': 'start on runlevel [2345]\nenv A=1\nexec /bin/one\n', 'a.override': 'manual\nenv B=2\nexec /bin/two\n' });
    const u = g.unit();
    expect(argv(u.service.execStart)).toEqual([['/bin/two']]);
    expect(u.exec.environment).toContain('B=2');
    expect(u.exec.environment).toContain('A=1');
    expect(wantedBy(g)).toEqual([]);
  });

  it('an override with errors is ignored whole; an override without its .conf is ignored', () => {
    const g = generate({ 'a.conf': 'exec /bin/one\n', 'a.override': 'exec /bin/two\nbogus stanza\n', 'lonely.override': 'exec /bin/x\n' });
    expect(argv(g.unit().service.execStart)).toEqual([['/bin/one']]);
    expect(g.warnings).toEqual(['a.override:2: unknown stanza "bogus", ignored', 'a.override:0: the override has errors and is ignored']);
    expect(existsSync(join(g.dest, 'lonely.service'))).toBe(false);
  });

  it('a job whose name has a unit file is left to that unit', () => {
    const g = generate({ 'a.conf': 'exec /x\n', 'b.conf': 'exec /y\n' }, { 'a.service': '[Service]\nExecStart=/z\n' });
    expect([existsSync(join(g.dest, 'a.service')), existsSync(join(g.dest, 'b.service'))]).toEqual([false, true]);
  });

  it('an unknown stanza and an unterminated script: warnings at file:line, the rest of the job loads', () => {
    const g = generate({ 'a.conf': 'description "kept"\napparmor load /etc/apparmor.d/x\nrespawn\nexec /usr/bin/sleep 1\npost-stop script\n  echo never ends\n' });
    expect(g.warnings).toEqual([
      'a.conf:2: unknown stanza "apparmor", ignored',
      'a.conf:5: post-stop script has no "end script": the rest of the file is the script\'s, and the script is ignored',
    ]);
    const u = g.unit();
    expect([u.unit.description, u.service.restart, u.service.execStopPost.length]).toEqual(['kept', 'always', 0]);
  });

  it('bad arguments name the stanza and line', () => {
    const { diagnostics } = parseUpstartJob('respawn limit x 5\nnice 99\numask 9\nkill signal NOPE\nlimit files 1 2\nconsole loud\n', '/etc/init/x.conf');
    expect(diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([
      '1: respawn: expected COUNT INTERVAL or unlimited, ignored',
      '2: nice: expected a number from -20 to 19, ignored',
      '3: umask: expected an octal mask, ignored',
      '4: kill: expected "signal SIGNAL" or "timeout SECONDS", ignored',
      '5: limit: expected RESOURCE SOFT HARD, ignored',
      '6: console: expected log, output, owner or none, ignored',
    ]);
  });

  it('comments, quotes across lines and backslash continuations', () => {
    const { job, diagnostics } = parseUpstartJob('# c\ndescription "two\nlines" # trailing\nexec /bin/echo a \\\n  b\n', 'x');
    expect(diagnostics).toEqual([]);
    expect(job.description).toBe('two\nlines');
    expect(job.processes.main).toMatchObject({ kind: 'exec', command: '/bin/echo a \n  b' });
  });
});

describe('the seed job', () => {
  it('/etc/init/nova-compute.conf as written: pre-start script, chdir, env, the start-stop-daemon exec, runlevels', () => {
    const seed = readFileSync(join(__dirname, '../fixtures/nova/nova-compute.conf'), 'utf8');
    const g = generate({ 'nova-compute.conf': seed });
    expect(g.warnings).toEqual([]);
    const u = g.unit();
    expect(u.unit.description).toBe('Nova compute worker');
    expect(u.exec.workingDirectory).toBe('/var/run');
    expect(u.exec.environment).toContain('MAX_STATUS_CHECK_RETRIES=20');
    expect(argv(u.service.execStart)).toEqual([['/bin/sh', '-e', '-c', 'exec start-stop-daemon --start --chuid nova --exec /usr/bin/nova-compute -- --config-file=/etc/nova/nova.conf --config-file=/etc/nova/nova-compute.conf']]);
    expect(argv(u.service.execStartPre)[0]![3]).toBe(seed.slice(seed.indexOf('pre-start script\n') + 17, seed.indexOf('end script')));
    expect(wantedBy(g, 'nova-compute.service')).toEqual(['multi-user.target', 'graphical.target']);
  });
});
