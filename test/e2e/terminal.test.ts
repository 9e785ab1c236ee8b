// svcctl driven like a person at a real terminal (node-pty), against svcd as PID 1 of a PID
// namespace: colours only on a terminal (systemctl's ● in green/red, journalctl's priorities),
// long output through less (LESS=FRSXMK: short output is just printed, long output waits for
// the user, `q` leaves), `logs -f` showing a new line within moments and ending on Ctrl-C, and the
// "changed on disk" warning after a unit file is edited.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as ptySpawn, type IPty } from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'svcd-tty-'));
let svcd: SvcdInNamespace;

interface Session { readonly pty: IPty; output(): string; exited: Promise<number> }

/** svcctl in a 100x30 terminal, as a user would start it from a shell. */
function terminal(...args: string[]): Session {
  let out = '';
  const pty = ptySpawn(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', svcd.run, ...args], {
    name: 'xterm-256color', cols: 100, rows: 30, cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', LANG: 'C.UTF-8', HOME: dir },
  });
  pty.onData((d) => (out += d));
  const exited = new Promise<number>((r) => pty.onExit((e) => r(e.exitCode)));
  return { pty, output: () => out, exited };
}
const until = async (pred: () => boolean, ms = 10000) => {
  for (let t = 0; t < ms && !pred(); t += 20) await sleep(20);
  return pred();
};
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').replace(/\r/g, '');

beforeAll(async () => {
  const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`m${i}.service`, '[Service]\nExecStart=/bin/sleep 600\n']));
  buildTree(join(dir, 'units'), {
    files: {
      'web.service': "[Unit]\nDescription=Web\n[Service]\nExecStart=/bin/sh -c 'echo ready; exec sleep 600'\n",
      'broken.service': '[Unit]\nDescription=Broken\n[Service]\nExecStart=/bin/false\n',
      'talker.service': "[Service]\nExecStart=/bin/sh -c 'while read l; do echo \"$l\"; done < /dev/null; exec sleep 600'\n",
      ...many,
      'x.target': `[Unit]\nWants=web.service broken.service ${Object.keys(many).join(' ')}\n`,
    },
  });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
}, 30000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('svcctl at a terminal', () => {
  it('status paints the dot green for a running unit and red for a failed one; piped output has no colour', async () => {
    const ok = terminal('status', 'web.service');
    expect(await ok.exited).toBe(0);
    expect(ok.output()).toContain('\x1b[0;1;32m●\x1b[0m web.service - Web');
    expect(plain(ok.output())).toMatch(/Active: active \(running\) since /);
    const bad = terminal('status', 'broken.service');
    expect(await bad.exited).toBe(3);
    // eslint-disable-next-line no-control-regex
    expect(bad.output()).toMatch(/\x1b\[0;1;31m×\x1b\[0m broken\.service - Broken/);
    const piped = await svcd.svcctl('status', 'web.service');
    expect(piped.stdout).toMatch(/^● web\.service - Web\n/);
    expect(piped.stdout).not.toContain('\x1b[');
  });

  it('pages long output through less: it waits for the user, and q leaves', async () => {
    const s = terminal('list-units', '--all');
    expect(await until(() => plain(s.output()).includes('m1.service'))).toBe(true);
    // 60 services do not fit in 30 rows: less holds the rest and shows its prompt.
    await sleep(300);
    expect(plain(s.output())).not.toMatch(/loaded units listed/);
    s.pty.write('G');
    expect(await until(() => /loaded units listed/.test(plain(s.output())))).toBe(true);
    s.pty.write('q');
    expect(await s.exited).toBe(0);
  });

  it('prints short output without waiting (less -F), and --no-pager never pages', async () => {
    const short = terminal('is-active', 'web.service');
    expect(await short.exited).toBe(0);
    const s = terminal('list-units', '--all', '--no-pager');
    expect(await s.exited).toBe(0);
    expect(plain(s.output())).toMatch(/\d+ loaded units listed\./);
  });

  it('logs -f shows a new line within moments and ends on Ctrl-C', async () => {
    const f = terminal('logs', '-D', join(dir, 'journal'), '-u', 'web.service', '-f');
    expect(await until(() => plain(f.output()).includes('ready'))).toBe(true);
    await svcd.svcctl('restart', 'web.service');
    expect(await until(() => (plain(f.output()).match(/ready/g) ?? []).length >= 2, 5000)).toBe(true);
    f.pty.write('\x03');
    expect(await f.exited).toBe(0);
  });

  it('status warns when the unit file changed on disk, until daemon-reload', async () => {
    await sleep(1100);
    writeFileSync(join(dir, 'units', 'web.service'), "[Unit]\nDescription=Web, edited\n[Service]\nExecStart=/bin/sh -c 'echo ready; exec sleep 600'\n");
    const warned = (await svcd.svcctl('status', 'web.service')).stderr;
    expect(warned).toBe("Warning: The unit file, source configuration file or drop-ins of web.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n");
    expect((await svcd.svcctl('daemon-reload')).rc).toBe(0);
    const reloaded = await svcd.svcctl('status', 'web.service');
    expect(reloaded.stderr).toBe('');
    const after = reloaded.stdout;
    expect(after).toMatch(/^● web\.service - Web, edited\n/);
  });
});
