// The real systemctl's verbs, run in this order against a manager booted on UNITS: recorded from
// systemd 252 (scripts/record-systemctl-answers.mjs → test/fixtures/dbus/systemctl-answers.json) and
// replayed against svcd by test/e2e/dbus-systemctl-differential.test.ts. Each case is a command line;
// the answers compared are its exit code, stdout and stderr, with the unit directory's path as <unitdir>.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { buildTree } from './tree.mjs';
export const UNITS = {
  'web.service': '[Unit]\nDescription=A web server\n[Service]\nExecStart=/bin/sleep 600\n',
  'rel.service': '[Unit]\nDescription=Reloadable\n[Service]\nExecStart=/bin/sleep 600\nExecReload=/bin/true\n',
  'once.service': '[Unit]\nDescription=One shot\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'fails.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n',
  'x.target': '[Unit]\nDescription=The test target\nWants=web.service rel.service\n',
};
export const TARGET = 'x.target';

export const CASES = [
  ['is-active', 'web.service'],
  ['is-active', 'once.service'],
  ['is-active', 'nope.service'],
  ['is-failed', 'web.service'],
  ['status', 'nope.service'],
  ['start', 'nope.service'],
  ['start', 'fails.service'],
  ['is-failed', 'fails.service'],
  ['show', 'fails.service', '-p', 'Result,ActiveState,SubState,ExecMainStatus'],
  ['reset-failed', 'fails.service'],
  ['is-failed', 'fails.service'],
  ['start', 'once.service'],
  ['show', 'once.service', '-p', 'Result,ActiveState,SubState,ExecMainStatus'],
  ['reload', 'web.service'],
  ['reload', 'rel.service'],
  ['try-restart', 'once.service'],
  ['restart', 'web.service'],
  ['reload-or-restart', 'web.service'],
  ['isolate', 'web.service'],
  ['stop', 'web.service'],
  ['is-active', 'web.service'],
  ['show', 'web.service', '-p', 'ActiveState,SubState,Result,Description'],
  ['start', 'web.service'],
  ['is-active', 'web.service', 'rel.service', 'once.service'],
  ['list-jobs'],
  ['is-system-running'],
  ['kill', 'nope.service'],
  ['reset-failed', 'nope.service'],
  ['kill', 'once.service'],
  // (Wants= not compared: systemd lists a set in its hash order.)
  ['show', 'x.target', '-p', 'ActiveState,Description,CanIsolate'],
];

/**
 * The verbs' smaller answers (scripts/record-systemctl-answers.mjs verbs →
 * test/fixtures/dbus/systemctl-verb-answers.json), replayed with both the real systemctl and svcctl by
 * test/e2e/svcctl-verbs-differential.test.ts: the warning after stopping a unit that a socket can
 * still activate, and names that systemctl mangles (escaped, given a suffix, templates, globs).
 */
export const VERBS = {
  units: {
    't.socket': '[Socket]\nListenStream=/run/t.sock\n',
    't.service': '[Service]\nExecStart=/bin/sleep 600\n',
    'a@.service': '[Service]\nExecStart=/bin/sleep 600\n',
    'x.target': '[Unit]\nWants=t.socket\n',
  },
  target: 'x.target',
  cases: [
    ['start', 't.service'],
    ['stop', 't.service'],
    // Printed again: the socket is still active, whether the service ran or not.
    ['stop', 't.service'],
    ['stop', '-q', 't.service'],
    ['start', 't.service'],
    // Not when the stop is not waited for.
    ['stop', '--no-block', 't.service'],
    ['stop', 't.service', 't.socket'],
    ['stop', 't.service'],
    ['start', 't.socket'],
    ['is-active', 't'],
    ['start', 'foo bar'],
    ['show', '-p', 'Id', 'foo bar'],
    ['is-active', 'a@/x/y'],
    ['status', 'foo@'],
    ['show', '-p', 'Id', 'foo@'],
    ['start', 'foo@'],
    ['stop', 'a@'],
    // Looked up name by name: the state of the first, then the refusal.
    ['is-active', 't.socket', 'a@'],
    ['kill', 'a@'],
    ['reset-failed', 'a@'],
    ['start', 'zz*'],
    ['stop', 'zz*'],
    ['start', 'a@x'],
    ['stop', 'a@x'],
    // isolate: start's notices and glob warning, .target for a name without a type.
    ['isolate', 'foo bar'],
    ['isolate', '-q', 'foo bar'],
    ['isolate', 'zz*'],
  ],
};

/**
 * The answers of the real systemctl, run with `run(args)` for each case in order, with `unitDir`'s
 * path written <unitdir>: {args, rc, stdout, stderr}[].
 */
export function answer(run, unitDir, cases = CASES) {
  const norm = (t) => t.replaceAll(unitDir, '<unitdir>');
  return cases.map((args) => {
    const r = run(args);
    return { args, rc: r.status ?? -1, stdout: norm(r.stdout), stderr: norm(r.stderr) };
  });
}

export const SYSTEMCTL_ENV = { SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LANG: 'C.UTF-8' };

/**
 * Boots systemd 252 with systemd-ns (TOOLS) on a fresh copy of the scenario's units (default: UNITS),
 * answers every case, stops it.
 */
export function answersOfSystemd(tools, makeDir, scenario = { units: UNITS, target: TARGET, cases: CASES }) {
  const dir = makeDir();
  buildTree(dir, { files: scenario.units });
  const pid = execFileSync(join(tools, 'systemd-ns.sh'), [dir, scenario.target], { encoding: 'utf8' }).trim();
  try {
    const env = { ...process.env, ...SYSTEMCTL_ENV };
    const run = (args) => spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', '--no-pager', ...args], { encoding: 'utf8', env });
    return { answers: answer(run, dir, scenario.cases), version: run(['show', '-p', 'Version', '--value']).stdout.trim() };
  } finally {
    spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The real systemctl run inside the namespaces of svcd (PID `hostPid` on the host), as root: it finds /run/systemd/private there. */
export function systemctlInNamespace(hostPid) {
  return (args) => spawnSync('nsenter', ['-t', String(hostPid), '-m', '-p', '/usr/bin/systemctl', '--no-pager', ...args], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...SYSTEMCTL_ENV, SYSTEMD_IGNORE_CHROOT: '1' },
  });
}
