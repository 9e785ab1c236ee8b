// The real systemctl's verbs, run in this order against a manager booted on UNITS: recorded from
// systemd 252 (scripts/record-systemctl-answers.mjs → test/fixtures/dbus/systemctl-answers.json) and
// replayed against svcd by test/e2e/dbus-systemctl-differential.test.ts. Each case is a command line;
// the answers compared are its exit code, stdout and stderr, with the unit directory's path as <unitdir>.
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
