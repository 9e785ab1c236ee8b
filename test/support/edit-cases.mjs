// `edit` through systemctl 252 and svcctl: the unit tree every case starts from (fresh each time), the
// cases, and how one is run and its outcome recorded. Shared by scripts/record-edit-fixtures.mjs
// (real systemctl against systemd 252 as PID 1, the tree mounted over its unit directories), by
// test/unit/edit-differential.test.ts (svcctl --root TREE) and by test/e2e/dbus-edit.test.ts (the real
// systemctl and svcctl against svcd as PID 1). The outcome of a case: exit status, stdout, stderr (both
// on terminals of their own: systemctl edit refuses to run without one), what the editor was given
// (test/fixtures/edit/editor.sh's log) and every file and link under /etc/systemd/system and
// /run/systemd/system afterwards. Paths are shown as on the running system: a --root prefix is cut,
// and the random tail of a temporary file's name is written XXXXXXXXXXXXXXXX.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildTree } from './tree.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const EDITOR = join(here, '../fixtures/edit/editor.sh');
export const PTY_RUN = join(here, 'pty-run.py');

const LIB = 'usr/lib/systemd/system';
const ETC = 'etc/systemd/system';
const RUN = 'run/systemd/system';
const svc = (d) => `[Unit]\nDescription=${d}\n\n[Service]\nExecStart=/bin/sleep 600\n`;

export const TREE = {
  files: {
    [`${LIB}/a.service`]: svc('Vendor a'),
    [`${LIB}/a.service.d/10-vendor.conf`]: '[Service]\nEnvironment=VENDOR=1\n',
    [`${ETC}/e.service`]: svc('Local e'),
    [`${LIB}/o.service`]: svc('Vendor o'),
    [`${ETC}/o.service.d/override.conf`]: '[Service]\nEnvironment=OLD=1\n',
    [`${LIB}/t@.service`]: svc('Template t %i'),
    [`${LIB}/n.service`]: '[Unit]\nDescription=No newline at the end\n[Service]\nExecStart=/bin/true',
  },
  links: {
    // A merged-/usr image, as Debian 12 is: systemd then names vendor fragments by /lib.
    lib: 'usr/lib',
    [`${ETC}/m.service`]: '/dev/null',
    [`${ETC}/al.service`]: `/${LIB}/a.service`,
  },
};

/** Each case: args after `systemctl`, the editor's action, and how the editor is named (SYSTEMD_EDITOR by default). */
export const CASES = [
  { args: ['edit', 'a.service'] },
  { args: ['edit', 'o.service'] },
  { args: ['edit', 'n.service'] },
  { args: ['edit', '--full', 'a.service'], action: 'append' },
  { args: ['edit', '--full', 'e.service'], action: 'append' },
  { args: ['edit', '--full', 'n.service'], action: 'keep' },
  { args: ['edit', '--full', 'o.service'], action: 'write' },
  { args: ['edit', 'nope.service'] },
  { args: ['edit', '--force', 'nope.service'], action: 'write' },
  { args: ['edit', '--force', '--full', 'new.service'], action: 'write' },
  { args: ['edit', '--force', '--full', 'new2.service'], action: 'keep' },
  { args: ['edit', 'm.service'] },
  { args: ['edit', '--runtime', 'a.service'] },
  { args: ['edit', '--runtime', 'o.service'] },
  { args: ['edit', '--runtime', '--full', 'a.service'], action: 'append' },
  { args: ['edit', 'a.service'], action: 'keep' },
  { args: ['edit', 'o.service'], action: 'empty' },
  { args: ['edit', 'a.service'], action: 'empty' },
  { args: ['edit', 'a.service'], action: 'fail' },
  { args: ['edit', 'a.service', 'e.service'] },
  { args: ['edit', 'a.service', 'nope.service'] },
  { args: ['edit', 't@x.service'] },
  { args: ['edit', '--full', 't@x.service'], action: 'append' },
  { args: ['edit', 'al.service'] },
  { args: ['edit', 'a'] },
  { args: ['edit', 'a.service', 'a.service'] },
  { args: ['edit'] },
  { args: ['edit', 'a.service'], editor: 'EDITOR' },
  { args: ['edit', 'a.service'], editor: 'VISUAL' },
  { args: ['edit', 'a.service'], editor: 'split' },
  { args: ['edit', 'a.service'], tty: false },
];

/** The random tail of a temporary file's name (".#override.conf" and 16 hex digits). */
const TEMP_TAIL = /(\/?\.#[^/\s"]*?)[0-9a-f]{16}(?=["\s:]|$)/gm;

export const caseName = (c) => `${c.args.join(' ')}${c.action ? ` [${c.action}]` : ''}${c.editor ? ` (${c.editor})` : ''}${c.tty === false ? ' (no tty)' : ''}`;

/** The environment a case's command gets: the editor named as the case says, a fixed locale, no colours or pager. */
export function caseEnv(c, base, log) {
  const env = { ...base, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', LANG: 'C.UTF-8', EDIT_LOG: log, EDIT_ACTION: c.action ?? 'insert' };
  for (const k of ['SYSTEMD_EDITOR', 'EDITOR', 'VISUAL', 'LC_ALL', 'LC_CTYPE']) delete env[k];
  const editor = c.editor ?? 'SYSTEMD_EDITOR';
  if (editor === 'split') env.SYSTEMD_EDITOR = `/bin/sh ${EDITOR}`;
  else if (editor === 'missing') env.SYSTEMD_EDITOR = '/nonexistent/editor';
  else env[editor] = EDITOR;
  return env;
}

/** Files and links under the config directories of `root`, path → content or "-> target"; empty directories as "dir/". */
export function configFiles(root) {
  const out = {};
  const walk = (rel) => {
    const abs = join(root, rel);
    const names = readdirSync(abs).sort();
    if (names.length === 0) out[`${rel}/`] = '';
    for (const n of names) {
      const r = `${rel}/${n}`.replace(TEMP_TAIL, '$1XXXXXXXXXXXXXXXX');
      const abs = join(root, rel, n);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) walk(`${rel}/${n}`);
      else out[r] = readFileSync(abs, 'utf8');
    }
  };
  for (const d of [ETC, RUN]) if (existsSync(join(root, d))) walk(d);
  return out;
}

/**
 * A tree for a case: TREE built under root, with the config dirs present. The unit directories are
 * emptied in place, not replaced, so that a manager with them mounted over its own sees the new tree.
 */
export function buildEditTree(root) {
  for (const d of [ETC, RUN, LIB]) {
    mkdirSync(join(root, d), { recursive: true });
    for (const n of readdirSync(join(root, d))) rmSync(join(root, d, n), { recursive: true, force: true });
  }
  rmSync(join(root, 'lib'), { force: true });
  buildTree(root, TREE);
}

/**
 * Runs one case with `argv0` (e.g. ['systemctl'] or [svcctl, '--root', root]) via `wrap` (what enters
 * the manager's namespaces, or nothing), on the tree at `root` (already built), and returns its outcome.
 */
export function runEditCase(c, { argv0, wrap = [], root, prefix = '', logPath, env = {} }) {
  writeFileSync(logPath, '');
  const cmd = [...wrap, ...(c.tty === false ? [] : [PTY_RUN]), ...argv0, ...c.args];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', env: caseEnv(c, { ...process.env, ...env }, logPath), timeout: 60_000 });
  if (c.tty !== false && r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}${r.error ?? ''}`);
  const res = c.tty === false ? { stdout: r.stdout, stderr: r.stderr, status: r.status } : JSON.parse(r.stdout);
  const norm = (t) => (prefix ? t.replaceAll(prefix, '') : t).replace(TEMP_TAIL, '$1XXXXXXXXXXXXXXXX');
  const log = readFileSync(logPath, 'utf8').replace(/^editor [^:]*:/gm, 'editor:');
  return { args: c.args, action: c.action ?? 'insert', editor: c.editor ?? 'SYSTEMD_EDITOR', status: res.status, stdout: norm(res.stdout), stderr: norm(res.stderr), editorLog: norm(log), files: configFiles(root) };
}
