// svcd's supervisord generator: supervisord's INI dialect read on top of `ini` (configparser's
// comments, continuations and `:`), its %-expansions, its value checks (a bad value a warning at
// file:line, the rest loading), and the units its programs and groups become — checked by svcd's
// own loader and, where systemd-analyze is installed, accepted by systemd 252's verify too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSupervisorIni } from '../../src/unit/supervisor/ini-dialect.js';
import { expand } from '../../src/unit/supervisor/expand.js';
import { keyValuePairs, shlexSplit } from '../../src/unit/supervisor/programs.js';
import { runSupervisorGenerator } from '../../src/unit/supervisor-generator.js';
import { buildUnitFileMap } from '../../src/unit/unit-file-map.js';
import { loadUnit } from '../../src/unit/load.js';

const work = mkdtempSync(join(tmpdir(), 'svcd-supervisor-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

/** Writes the files of a config tree and runs the generator on its supervisord.conf. */
function generate(files: Record<string, string>, env: Record<string, string> = {}): { dir: string; out: string; warnings: string[]; status: number } {
  const dir = join(work, String(n++));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const out = join(dir, 'out');
  const warnings: string[] = [];
  const status = runSupervisorGenerator({
    dest: out,
    env: { PATH: '/usr/bin:/bin', SVCD_SUPERVISORD_CONF: join(dir, 'supervisord.conf'), ...env },
    log: (level, text) => (level === 'warning' ? warnings.push(text) : undefined),
  });
  return { dir, out, warnings, status };
}
const unit = (out: string, name: string) => readFileSync(join(out, name), 'utf8');
const lines = (text: string, key: string) => text.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));

describe('the INI dialect', () => {
  const read = (text: string) => readSupervisorIni(text, 'f.conf');
  const get = (text: string, section: string, key: string) => read(text).sections.get(section)?.get(key)?.value;

  it('cuts a comment only where ; or # follows whitespace, as configparser does', () => {
    const t = '[program:a]\ncommand=curl http://x/#frag ; a comment\nurl=a;b#c\n; whole line\n# another\n';
    expect(get(t, 'program:a', 'command')).toBe('curl http://x/#frag');
    expect(get(t, 'program:a', 'url')).toBe('a;b#c');
  });

  it('continues a value on deeper-indented lines, keeping inner empty lines, dropping trailing ones', () => {
    const t = '[program:a]\nenvironment=A="1",\n    B="2"\n\n    C="3"\n\nnext=x\n';
    expect(get(t, 'program:a', 'environment')).toBe('A="1",\nB="2"\n\nC="3"');
    expect(get(t, 'program:a', 'next')).toBe('x');
  });

  it('takes key: value, lowercases keys, keeps quotes and the words true/false as text, keeps dotted section names', () => {
    const t = '[program:a.b]\nCommand: "/bin/x" \'y\'\nautostart=true\nflag=null\n';
    expect(get(t, 'program:a.b', 'command')).toBe('"/bin/x" \'y\'');
    expect(get(t, 'program:a.b', 'autostart')).toBe('true');
    expect(get(t, 'program:a.b', 'flag')).toBe('null');
  });

  it('merges a repeated section and lets a repeated key\'s last value win, remembering its line', () => {
    const r = read('[a]\nk=1\n[b]\nk=2\n[a]\nk=3\nj=4\n');
    expect(r.sections.get('a')?.get('k')).toEqual({ value: '3', at: { file: 'f.conf', line: 6 } });
    expect(r.sections.get('a')?.get('j')?.value).toBe('4');
    expect(r.sections.get('b')?.get('k')?.value).toBe('2');
  });

  it('names the line of what it cannot read', () => {
    expect(read('k=1\n[a]\nnot an assignment\n').problems.map((p) => p.at.line)).toEqual([1, 3]);
  });
});

describe('expansions, split commands and environment pairs', () => {
  const m = new Map<string, string | number>([['program_name', 'w'], ['process_num', 3], ['ENV_HOME', '/root']]);
  it('formats as Python\'s % with a mapping', () => {
    expect(expand('%(program_name)s_%(process_num)02d %(ENV_HOME)s 100%%', m)).toEqual({ ok: true, value: 'w_03 /root 100%' });
    expect(expand('%(process_num)x|%(process_num)-3d|%(process_num)+d', m)).toEqual({ ok: true, value: '3|3  |+3' });
  });
  it('refuses what Python refuses', () => {
    expect(expand('%(nope)s', m).ok).toBe(false);
    expect(expand('%(ENV_HOME)d', m).ok).toBe(false);
    expect(expand('50% off', m).ok).toBe(false);
  });
  it('splits a command as shlex.split does', () => {
    expect(shlexSplit(`/bin/sh -c 'echo "$X" a\\ b' "q\\"x" c\\d`)).toEqual({ ok: true, value: ['/bin/sh', '-c', 'echo "$X" a\\ b', 'q"x', 'cd'] });
    expect(shlexSplit('a "b').ok).toBe(false);
  });
  it('reads KEY="v",K2=v2 pairs', () => {
    expect(keyValuePairs('A="x, y",B=2,\nC=\'q\'')).toEqual({ ok: true, value: [['A', 'x, y'], ['B', '2'], ['C', 'q']] });
    expect(keyValuePairs('A=').ok).toBe(false);
  });
});

describe('programs and groups become units', () => {
  const conf = `[supervisord]
nodaemon=true

[include]
files = conf.d/*.conf

[program:web]
command=sh -c 'echo "$GREETING"; exec sleep 100' ; started by sh
directory=%(here)s
environment=GREETING="hello %(program_name)s",PCT="50%%"
priority=10
autorestart=true
stdout_logfile=/var/log/web.log
redirect_stderr=true
umask=027
user=www-data
`;
  const workers = `[program:worker]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=2
numprocs_start=1
priority=20
exitcodes=0,3
stopsignal=INT
stopwaitsecs=5
killasgroup=true
startsecs=2
startretries=1

[program:once]
command=/bin/true
autostart=false
autorestart=false
exitcodes=2
stopasgroup=true
startsecs=0

[group:pool]
programs=worker,once
`;
  const g = generate({ 'supervisord.conf': conf, 'conf.d/workers.conf': workers });

  it('writes a service per process, named as supervisord names them, and a target per group', () => {
    expect(g.status).toBe(0);
    expect(g.warnings).toEqual([]);
    expect(readdirSync(g.out).sort()).toEqual(['multi-user.target.wants', 'once.service', 'pool.target', 'web.service', 'worker_01.service', 'worker_02.service']);
    expect(readdirSync(join(g.out, 'multi-user.target.wants')).sort()).toEqual(['pool.target', 'web.service']);
    expect(readlinkSync(join(g.out, 'multi-user.target.wants', 'web.service'))).toBe('../web.service');
    const target = unit(g.out, 'pool.target');
    expect(lines(target, 'Wants')).toEqual(['worker_01.service', 'worker_02.service']);
    expect(lines(unit(g.out, 'once.service'), 'PartOf')).toEqual(['pool.target']);
  });

  it('maps command, environment, directory, user, umask, restart and logging', () => {
    const web = unit(g.out, 'web.service');
    expect(lines(web, 'ExecStart')[0]).toMatch(/^".*\/libexec\/svcd-supervisor-log" "-o" "\/var\/log\/web\.log" "-r" "--" "\/(usr\/)?bin\/sh" "-c" "echo \\"\$\$GREETING\\"; exec sleep 100"$/);
    expect(lines(web, 'Environment')).toEqual(['"SUPERVISOR_ENABLED=1"', '"SUPERVISOR_PROCESS_NAME=web"', '"SUPERVISOR_GROUP_NAME=web"', '"GREETING=hello web"', '"PCT=50%%"']);
    expect(lines(web, 'WorkingDirectory')).toEqual([g.dir]);
    expect(lines(web, 'User')).toEqual(['www-data']);
    expect(lines(web, 'UMask')).toEqual(['0027']);
    expect(lines(web, 'Restart')).toEqual(['always']);
    expect(lines(web, 'RestartForceExitStatus')).toEqual([]);
    expect(lines(web, 'StandardError')).toEqual(['inherit']);
    expect(lines(web, 'KillMode')).toEqual(['process']);
  });

  it('maps exit codes, signals, group killing, start retries and priorities', () => {
    const w = unit(g.out, 'worker_02.service');
    expect(lines(w, 'After')).toEqual(['web.service']);
    expect(lines(w, 'Restart')).toEqual(['on-failure']);
    expect(lines(w, 'SuccessExitStatus')).toEqual(['3']);
    expect(lines(w, 'RestartForceExitStatus')).toEqual(['SIGHUP SIGINT SIGTERM SIGPIPE']);
    expect(lines(w, 'KillSignal')).toEqual(['SIGINT']);
    expect(lines(w, 'TimeoutStopSec')).toEqual(['5']);
    expect(lines(w, 'KillMode')).toEqual(['mixed']);
    expect(lines(w, 'StartLimitBurst')).toEqual(['2']);
    expect(lines(w, 'StartLimitIntervalSec')).toEqual(['6']);
    expect(lines(w, 'Environment')).toContain('"SUPERVISOR_GROUP_NAME=pool"');
    const once = unit(g.out, 'once.service');
    expect(lines(once, 'Restart')).toEqual(['no']);
    expect(lines(once, 'KillMode')).toEqual(['control-group']);
    expect(lines(once, 'StartLimitIntervalSec')).toEqual(['0']);
  });

  it('writes units svcd loads without a complaint, with the values meant', () => {
    const map = buildUnitFileMap([g.out]);
    const web = loadUnit(map, 'web.service');
    expect(web.loadState).toBe('loaded');
    expect(web.diagnostics.map((d) => d.message)).toEqual([]);
    const w = loadUnit(map, 'worker_01.service');
    expect(w.loadState).toBe('loaded');
    expect(w.diagnostics.map((d) => d.message)).toEqual([]);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('writes units systemd 252 verifies without a complaint', () => {
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...['web.service', 'worker_01.service', 'once.service', 'pool.target'].map((u) => join(g.out, u))], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => l.includes(g.out) && !/not found|Unit .* not found|multi-user/.test(l))).toEqual([]);
  });
});

describe('bad input: a warning with file and line, the rest loads', () => {
  it('warns about an unknown key and a bad numprocs, and loads the others', () => {
    const g = generate({
      'supervisord.conf': '[program:a]\ncommand=/bin/true\nbogus=1\n\n[program:b]\ncommand=/bin/true\nnumprocs=two\n\n[program:c]\ncommand=/bin/true\nnumprocs=2\n\n[program:d]\ncommand=/bin/true\nautorestart=sometimes\n',
    });
    const f = join(g.dir, 'supervisord.conf');
    expect(g.warnings).toEqual([
      `${f}:3: unknown key "bogus" in [program:a]; ignored`,
      `${f}:7: [program:b] numprocs: not an integer: two; program "b" not loaded`,
      `${f}:11: [program:c] %(process_num) must be present within process_name when numprocs > 1; program "c" not loaded`,
      `${f}:15: [program:d] autorestart: invalid 'autorestart' value sometimes; program "d" not loaded`,
    ]);
    expect(readdirSync(g.out).sort()).toEqual(['a.service', 'multi-user.target.wants']);
  });

  it('warns about unsupported sections, a group naming no program, and an unexpandable name', () => {
    const g = generate({
      'supervisord.conf': '[eventlistener:x]\ncommand=/bin/true\n[group:g]\nprograms=missing\n[program:e]\ncommand=/bin/echo %(ENV_NOPE)s\n',
    });
    const f = join(g.dir, 'supervisord.conf');
    expect(g.warnings).toEqual([
      `${f}:1: [eventlistener:x] is not supported by svcd (only [program:x] and [group:x] run); ignored`,
      `${f}:4: [group:g] names no [program:missing] section; group not loaded`,
      `${f}:6: [program:e] command: format string "/bin/echo %(ENV_NOPE)s" for "command" contains names ('ENV_NOPE') which cannot be expanded; program "e" not loaded`,
    ]);
  });

  it('writes nothing without a supervisord.conf', () => {
    const g = generate({ 'other.conf': '' });
    expect(g.status).toBe(0);
    expect(g.warnings).toEqual([`${join(g.dir, 'supervisord.conf')}: no such file; no supervisord programs`]);
    expect(existsSync(g.out)).toBe(false);
  });
});
