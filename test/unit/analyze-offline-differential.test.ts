// svcctl analyze's verbs that need no manager and no clock — capability, unit-paths, condition,
// cat-config —
// against systemd-analyze 252, byte for byte: stdout, stderr and exit status of each case of
// test/fixtures/analyze-offline/cases.json, as recorded (scripts/record-analyze-offline-fixtures.mjs)
// and, where systemd-analyze is installed, as it answers now.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');
interface Answer { readonly args: readonly string[]; readonly stdout: string; readonly stderr: string; readonly status: number | null }
const recorded = JSON.parse(readFileSync(join(repo, 'test/fixtures/analyze-offline/recorded.json'), 'utf8')) as { answers: Answer[] };
const env: Record<string, string | undefined> = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' };
delete env.SYSTEMD_UNIT_PATH;
const live = spawnSync('systemd-analyze', ['--version']).status === 0;

function run(cmd: string, args: readonly string[]): Omit<Answer, 'args'> {
  // latin1: bytes as they are (cat-config prints files that are not UTF-8); the checkout's path as
  // the recorder writes it.
  const r = spawnSync(cmd, args, { cwd: repo, env, encoding: 'latin1' });
  const placeholder = (t: string) => t.replaceAll(repo, '@REPO@');
  return { stdout: placeholder(r.stdout), stderr: placeholder(r.stderr), status: r.status };
}

/** svcctl takes its global options before `analyze`, as systemd-analyze takes them before the verb. */
function svcctl(args: readonly string[]): Omit<Answer, 'args'> {
  const globals = args.filter((a) => a.startsWith('--root='));
  return run(process.execPath, [join(repo, 'dist/cli/svcctl.js'), ...globals, 'analyze', ...args.filter((a) => !globals.includes(a))]);
}

describe('svcctl analyze capability, unit-paths, condition, cat-config against systemd-analyze 252', () => {
  it.each(recorded.answers.map((a) => [a.args.join(' '), a] as const))('%s', (_name, a) => {
    const { args, ...want } = a;
    expect(svcctl(args)).toEqual(want);
  });

  it.runIf(live).each(recorded.answers.map((a) => [a.args.join(' '), a] as const))('live: %s', (_name, a) => {
    expect(svcctl(a.args)).toEqual(run('systemd-analyze', a.args));
  });

  // This machine's own configuration: no fixture can hold it, so only where the tool is here.
  it.runIf(live).each(['tmpfiles.d', 'systemd/journald.conf', 'systemd/system.conf', 'udev/rules.d', 'sysctl.d', 'environment.d', 'systemd/system-preset'])(
    'live, this machine: cat-config %s',
    (name) => {
      expect(svcctl(['cat-config', name])).toEqual(run('systemd-analyze', ['cat-config', name]));
    },
  );
});
