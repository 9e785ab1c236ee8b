// svcctl edit beyond what the systemd 252 recording covers: --drop-in=NAME (systemd 253's option, which
// systemctl 252 refuses), and the editors tried when none is named (editor, nano, vim, vi: the first on
// $PATH), or none at all. Run on terminals (pty-run.py), as edit refuses to run without one.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEditTree, PTY_RUN } from '../support/edit-cases.mjs';
import { PACKAGE_ROOT } from '../../src/shared/package-root.js';

const work = mkdtempSync(join(tmpdir(), 'svcd-edit-opts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// node by its own path: $PATH holds only the fake editors (the host's own editor must never be found).
const svcctl = [process.execPath, join(PACKAGE_ROOT, 'dist/cli/svcctl.js')];

function edit(root: string, args: string[], env: Record<string, string>): { stdout: string; stderr: string; status: number } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['SYSTEMD_EDITOR', 'EDITOR', 'VISUAL'].includes(k))) as Record<string, string>;
  const r = spawnSync(PTY_RUN, [...svcctl, '--root', root, 'edit', ...args], { encoding: 'utf8', env: { ...base, ...env } });
  return JSON.parse(r.stdout) as { stdout: string; stderr: string; status: number };
}

/** A directory holding one fake editor named `name` that writes a drop-in line into each file. */
function pathWith(name: string): string {
  const bin = mkdtempSync(join(work, 'bin-'));
  writeFileSync(join(bin, name), `#!/bin/sh\nfor f; do printf '[Service]\\nEnvironment=BY=${name}\\n' >"$f"; done\n`);
  chmodSync(join(bin, name), 0o755);
  return bin;
}

describe('svcctl edit: --drop-in and the editors tried', () => {
  it('--drop-in=NAME writes UNIT.d/NAME.conf (.conf added) instead of override.conf', () => {
    const root = join(work, 'dropin');
    buildEditTree(root);
    const r = edit(root, ['--drop-in=50-local', 'a.service'], { PATH: pathWith('nano') });
    expect(r).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(readFileSync(join(root, 'etc/systemd/system/a.service.d/50-local.conf'), 'utf8')).toBe('[Service]\nEnvironment=BY=nano');
    expect(existsSync(join(root, 'etc/systemd/system/a.service.d/override.conf'))).toBe(false);
  });
  it('--drop-in with a slash is refused, nothing written', () => {
    const root = join(work, 'dropin-bad');
    buildEditTree(root);
    const r = edit(root, ['--drop-in=../x', 'a.service'], { PATH: pathWith('nano') });
    expect(r).toEqual({ stdout: '', stderr: "Invalid drop-in file name '../x.conf'.\r\n", status: 1 });
    expect(existsSync(join(root, 'etc/systemd/system/a.service.d'))).toBe(false);
  });
  it('with no editor named, the first of editor, nano, vim, vi on $PATH; a named one that cannot run falls back too', () => {
    const root = join(work, 'fallback');
    buildEditTree(root);
    const r = edit(root, ['a.service'], { SYSTEMD_EDITOR: '/nonexistent/editor', PATH: `${pathWith('vim')}:${pathWith('vi')}` });
    expect(r.status).toBe(0);
    expect(readFileSync(join(root, 'etc/systemd/system/a.service.d/override.conf'), 'utf8')).toBe('[Service]\nEnvironment=BY=vim');
  });
  it('with no editor at all: systemctl\'s words, nothing written', () => {
    const root = join(work, 'none');
    buildEditTree(root);
    const r = edit(root, ['a.service'], { PATH: join(work, 'empty-path') });
    expect(r.stderr).toBe('Cannot edit unit(s), no editor available. Please set either $SYSTEMD_EDITOR, $EDITOR or $VISUAL.\r\n(editor) failed with exit status 1.\r\n');
    expect(existsSync(join(root, 'etc/systemd/system/a.service.d'))).toBe(false);
  });
});
