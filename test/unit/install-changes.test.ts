// The install verbs return the changes they made as data (systemd's InstallChange), and svcctl words
// them: the installer itself says nothing about glyphs or locales.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Installer } from '../../src/unit/install.js';
import { wordInstallChanges } from '../../src/cli/svcctl/verbs/install-changes.js';

function root(): string {
  const r = mkdtempSync(join(tmpdir(), 'svcd-install-changes-'));
  const lib = join(r, 'usr/lib/systemd/system');
  mkdirSync(lib, { recursive: true });
  writeFileSync(join(lib, 'a.service'), '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nAlias=b.service\nAlso=gone.service\n');
  writeFileSync(join(lib, 'multi-user.target'), '[Unit]\nDescription=x\n');
  writeFileSync(join(lib, 'static.service'), '[Service]\nExecStart=/bin/true\n');
  return r;
}

describe('Installer returns typed changes', () => {
  it('enable: the links made and what it found, in order', () => {
    const r = root();
    const res = new Installer(r).enable(['a.service']);
    const etc = join(r, 'etc/systemd/system');
    expect(res.status).toBe(0);
    expect(res.changes).toEqual([
      { type: 'symlink', path: join(etc, 'b.service'), source: '/usr/lib/systemd/system/a.service' },
      { type: 'symlink', path: join(etc, 'multi-user.target.wants/a.service'), source: '/usr/lib/systemd/system/a.service' },
      { type: 'auxiliary-failed', name: 'gone.service' },
    ]);
    expect(readlinkSync(join(etc, 'b.service'))).toBe('/usr/lib/systemd/system/a.service');
  });

  it('disable and mask/unmask report unlinks and the /dev/null link', () => {
    const r = root();
    const etc = join(r, 'etc/systemd/system');
    new Installer(r).enable(['a.service']);
    expect(new Installer(r).disable(['a.service']).changes.map((c) => c.type)).toEqual(['unlink', 'unlink']);
    expect(new Installer(r).mask(['static.service']).changes).toEqual([{ type: 'symlink', path: join(etc, 'static.service'), source: '/dev/null' }]);
    expect(new Installer(r).unmask(['static.service']).changes).toEqual([{ type: 'unlink', path: join(etc, 'static.service') }]);
  });

  it('enable of a unit without [Install] says so as a change, not as text', () => {
    expect(new Installer(root()).enable(['static.service']).changes).toEqual([{ type: 'no-install-config' }]);
  });
});

describe('svcctl words the changes as systemctl does', () => {
  const changes = [
    { type: 'unlink', path: '/r/etc/systemd/system/x.service' },
    { type: 'symlink', path: '/r/etc/systemd/system/x.service', source: '/dev/null' },
    { type: 'is-masked', path: '/r/etc/systemd/system/y.service' },
    { type: 'destination-not-present', path: '/r/usr/lib/systemd/system/z.service', target: 'nope.target' },
    { type: 'message', text: 'Failed to enable unit, unit w.service does not exist.' },
  ] as const;

  it('with the arrow in a UTF-8 locale and its ASCII form in C', () => {
    const tail = [
      'Unit /r/etc/systemd/system/y.service is masked, ignoring.',
      'Unit /r/usr/lib/systemd/system/z.service is added as a dependency to a non-existent unit nope.target.',
      'Failed to enable unit, unit w.service does not exist.',
    ];
    expect(wordInstallChanges(changes, { LANG: 'C.UTF-8' }).split('\n')).toEqual([
      'Removed "/r/etc/systemd/system/x.service".', 'Created symlink /r/etc/systemd/system/x.service \u2192 /dev/null.', ...tail, '',
    ]);
    expect(wordInstallChanges(changes, { LANG: 'C' }).split('\n')[1]).toBe('Created symlink /r/etc/systemd/system/x.service -> /dev/null.');
  });

  it('the no-install-config explanation takes the locale\'s bullet', () => {
    expect(wordInstallChanges([{ type: 'no-install-config' }], { LANG: 'C' })).toMatch(/^The unit files have no installation config[^]*\n\* A unit may be statically enabled/);
    expect(wordInstallChanges([{ type: 'no-install-config' }], {})).toMatch(/\n\u2022 A unit may be statically enabled/);
  });
});
