// svcctl enable/disable/is-enabled on names that have an /etc/init.d script, as systemctl handles
// them (enable_sysv_units): a script without a unit file is redirected to systemd-sysv-install, one
// beside a unit file is synchronized with it, is-enabled asks the script only when there is no unit.
// Differential: the real systemctl and svcctl run the same commands on the same tree (/etc overlaid
// in a mount namespace, so the host's rc links stay untouched), and must print the same and leave
// the same rc links; then svcd's own helper (libexec/, for images without systemd) must leave the
// same links as systemd's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(__dirname, '../..');
const live = existsSync('/usr/bin/systemctl') && existsSync('/lib/systemd/systemd-sysv-install') && existsSync('/usr/sbin/update-rc.d');
const work = mkdtempSync(join(tmpdir(), 'svcd-sysv-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          NAME
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: a test script
### END INIT INFO
exit 0
`;

/**
 * Runs `commands` (each "TOOL VERB NAME") in a fresh mount namespace whose /etc is an overlay with
 * three scripts: only-script (no unit), both (with a unit file in /etc/systemd/system) and dangling
 * (with a vendor unit link to nothing, in an overlaid /usr/lib/systemd/system). Each
 * command's stdout, stderr (update-rc.d's complaints about the missing bus dropped) and exit status
 * are printed, then the rc links. `hideSystemdHelper` makes systemd's helper unusable.
 */
function run(tag: string, tool: string, commands: string[], hideSystemdHelper = false): string {
  const dir = join(work, tag);
  const unit = '[Unit]\\nDescription=both\\n[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n';
  const script = `set -e
mkdir -p ${dir}/upper ${dir}/work
mount -t overlay overlay -o lowerdir=/etc,upperdir=${dir}/upper,workdir=${dir}/work /etc
mkdir -p ${dir}/lib-upper ${dir}/lib-work
mount -t overlay overlay -o lowerdir=/usr/lib/systemd/system,upperdir=${dir}/lib-upper,workdir=${dir}/lib-work /usr/lib/systemd/system
${hideSystemdHelper ? 'mount --bind /dev/null /lib/systemd/systemd-sysv-install' : ''}
for n in only-script both dangling; do printf '%s' '${SCRIPT.replace(/'/g, "'\\''")}' | sed "s/NAME/$n/" > /etc/init.d/$n; chmod +x /etc/init.d/$n; done
printf '${unit}' > /etc/systemd/system/both.service
# A vendor link to nothing is no unit (outside /etc and /run links are followed): the script is redirected.
ln -s /nonexistent/dangling.service /usr/lib/systemd/system/dangling.service
set +e
${commands.map((c) => `echo "== ${c}"; ${c.replace(/^svcctl /, `${process.execPath} ${repo}/dist/cli/svcctl.js `).replace(/^systemctl /, `${tool} `)} 2>${dir}/err; echo "rc=$?"; grep -v 'Failed to connect to bus' ${dir}/err | sed "s#${repo}/libexec/systemd-sysv-install#/lib/systemd/systemd-sysv-install#"`).join('\n')}
echo "== links"; ls /etc/rc2.d /etc/rc5.d /etc/rc0.d | grep -E 'only-script|both|dangling' | sort
ls /etc/systemd/system/multi-user.target.wants 2>/dev/null | grep both || true
`;
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, SYSTEMCTL_SKIP_REDIRECT: '1' } });
  return r.stdout + r.stderr;
}

// --root=/: this machine's /run/systemd/system makes systemctl believe systemd runs and ask a bus
// that is not there; with --root it works on the files only (the helper is given --root=/ too).
const COMMANDS = [
  'is-enabled only-script', 'enable only-script', 'is-enabled only-script', 'enable both', 'is-enabled both',
  'disable only-script', 'is-enabled only-script', 'disable both', 'is-enabled -q only-script',
  'is-enabled dangling', 'enable dangling', 'is-enabled dangling',
].map((c) => `systemctl --root=/ ${c}`);

describe.skipIf(!live)('enable/disable/is-enabled of names with an init script', () => {
  it('prints, answers and links exactly as systemctl', () => {
    const theirs = run('systemctl', '/usr/bin/systemctl', COMMANDS);
    const ours = run('svcctl', `${process.execPath} ${join(repo, 'dist/cli/svcctl.js')}`, COMMANDS);
    expect(theirs).toContain('only-script.service is not a native service, redirecting to systemd-sysv-install.');
    expect(theirs).toContain('Synchronizing state of both.service with SysV service script with /lib/systemd/systemd-sysv-install.');
    expect(theirs).toContain('dangling.service is not a native service, redirecting to systemd-sysv-install.');
    expect(ours).toBe(theirs);
  });

  it('svcd\'s own helper (an image without systemd) leaves the same links as systemd\'s', () => {
    const withSystemd = run('helper-systemd', `${process.execPath} ${join(repo, 'dist/cli/svcctl.js')}`, COMMANDS);
    const withOurs = run('helper-svcd', `${process.execPath} ${join(repo, 'dist/cli/svcctl.js')}`, COMMANDS, true);
    expect(withOurs).toBe(withSystemd);
  });
});
