// tmpfiles.d applied at boot by svcd as PID 1 of a PID + mount namespace, as
// systemd-tmpfiles-setup.service applies it: a package's line (memcached's /run/memcached) exists
// with its mode and owner before the service that needs it starts, a file with its content and a
// link are made, an admin's /etc file linked to /dev/null masks the vendor's, and bad lines are
// warned about at file:line while the rest applies. Once with svcd's own svcd-tmpfiles (the host's
// systemd-tmpfiles hidden, as in an image without systemd), once with the real one where installed.
// The same boots run commands named without a path, as systemd's own units name them: found on
// systemd's fixed search path — in the second boot, Debian's own systemd-tmpfiles-setup.service
// (taken from the host, where installed) runs its `ExecStart=systemd-tmpfiles …` and ends active.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootScript, until, type ScriptBoot } from '../support/ns-boot.js';

const repo = join(__dirname, '../..');
const usable = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', 'true']).status === 0;
const hasReal = existsSync('/usr/bin/systemd-tmpfiles');

const VENDOR: Record<string, string> = {
  'memcached.conf': 'd /run/memcached 0755 daemon adm -\n',
  'app.conf': '# an application\'s files\nf /run/app/config 0640 - - - port=11211\\n\nY /run/app/unknown-type\nd /run/app/badmode 0799\nL /run/app/current - - - - /run/app/config\n',
  'masked.conf': 'd /run/masked\n',
};
const CACHE = `[Unit]
Description=a cache that needs /run/memcached
[Service]
ExecStart=/bin/sh -c 'test -d /run/memcached && echo "pid dir there, config $(cat /run/app/config)" && exec sleep 1000'
[Install]
WantedBy=multi-user.target
`;

const BARE = `[Unit]
Description=commands by name
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=sh -c 'echo "found $0 by name"' sh
ExecStart=-no-such-command-anywhere
[Install]
WantedBy=multi-user.target
`;
const SYSTEMD_SETUP = '/lib/systemd/system/systemd-tmpfiles-setup.service';

function boot(mode: 'own' | 'real') {
  const work = mkdtempSync(join(tmpdir(), `svcd-tmpfiles-boot-${mode}-`));
  let ns: ScriptBoot | undefined;
  beforeAll(async () => {
    if (!usable) return;
    for (const d of ['usr-lib-tmpfiles.d', 'etc-tmpfiles.d', 'units/multi-user.target.wants', 'no-generators']) mkdirSync(join(work, d), { recursive: true });
    for (const [n, t] of Object.entries(VENDOR)) writeFileSync(join(work, 'usr-lib-tmpfiles.d', n), t);
    symlinkSync('/dev/null', join(work, 'etc-tmpfiles.d', 'masked.conf'));
    writeFileSync(join(work, 'units', 'cache.service'), CACHE);
    writeFileSync(join(work, 'units', 'bare.service'), BARE);
    for (const u of ['cache.service', 'bare.service']) symlinkSync(`../${u}`, join(work, 'units/multi-user.target.wants', u));
    if (mode === 'real' && existsSync(SYSTEMD_SETUP)) {
      writeFileSync(join(work, 'units', 'systemd-tmpfiles-setup.service'), readFileSync(SYSTEMD_SETUP));
      symlinkSync('../systemd-tmpfiles-setup.service', join(work, 'units/multi-user.target.wants/systemd-tmpfiles-setup.service'));
    }
    ns = bootScript(join(repo, 'test/fixtures/tmpfiles-boot/boot-in-namespace.sh'), [work, repo, mode]);
    await until(() => /Reached target multi-user\.target/.test(ns!.output()));
  }, 60000);
  afterAll(() => {
    ns?.kill();
    rmSync(work, { recursive: true, force: true });
  });
  return { ns: () => ns! };
}

for (const mode of ['own', 'real'] as const) {
  describe.skipIf(!usable || (mode === 'real' && !hasReal))(`tmpfiles.d at boot under svcd as PID 1 (${mode === 'own' ? 'svcd\'s own svcd-tmpfiles' : 'the image\'s systemd-tmpfiles'})`, () => {
    const b = boot(mode);
    const svcctl = (...a: string[]) => b.ns().svcctl(...a);
    it('applies the vendor\'s lines before the units start: the directory, its mode and owner; a file; a link', () => {
      const dir = lstatSync(b.ns().runFile('memcached'));
      expect([dir.isDirectory(), (dir.mode & 0o7777).toString(8), dir.uid, dir.gid]).toEqual([true, '755', 1, 4]);
      const config = b.ns().runFile('app/config');
      expect(readFileSync(config, 'utf8')).toBe('port=11211\n');
      expect((lstatSync(config).mode & 0o7777).toString(8)).toBe('640');
      expect(readlinkSync(b.ns().runFile('app/current'))).toBe('/run/app/config');
    });
    it('the service that needs them runs', async () => {
      expect(await until(() => /pid dir there, config port=11211/.test(svcctl('logs', '--no-pager', '-o', 'cat', '-u', 'cache').stdout), 10000)).toBe(true);
      expect(svcctl('is-active', 'cache').stdout.trim()).toBe('active');
    });
    it('an /etc file linked to /dev/null masks the vendor\'s file of the same name', () => {
      expect(existsSync(b.ns().runFile('masked'))).toBe(false);
    });
    it('warns about bad lines at their file and line, and applies the rest', () => {
      expect(b.ns().output()).toContain("/usr/lib/tmpfiles.d/app.conf:3: Unknown command type 'Y'.");
      expect(b.ns().output()).toContain("/usr/lib/tmpfiles.d/app.conf:4: Invalid mode '0799'.");
      expect(existsSync(b.ns().runFile('app/badmode'))).toBe(false);
    });
    it('runs a command named without a path from systemd\'s search path; a missing one with "-" does not fail the unit', () => {
      expect(svcctl('show', '-p', 'ActiveState', '-p', 'Result', 'bare').stdout).toBe('Result=success\nActiveState=active\n');
      expect(svcctl('logs', '--no-pager', '-o', 'cat', '-u', 'bare').stdout).toContain('found sh by name\n');
    });
    if (mode === 'real') {
      it.runIf(existsSync(SYSTEMD_SETUP))('Debian\'s systemd-tmpfiles-setup.service runs its bare `systemd-tmpfiles` and ends active', () => {
        expect(svcctl('show', '-p', 'ActiveState', '-p', 'Result', 'systemd-tmpfiles-setup').stdout).toBe('Result=success\nActiveState=active\n');
      });
    }
    it('ran the program it should, and says it failed as systemd-tmpfiles-setup.service would (65: a line was refused)', () => {
      const want = mode === 'own' ? join(repo, 'libexec/svcd-tmpfiles') : '/usr/bin/systemd-tmpfiles';
      expect(svcctl('logs', '--no-pager', '-o', 'cat').stdout).toContain(`${want} --create --remove --boot --exclude-prefix=/dev failed with exit status 65.`);
    });
  });
}
