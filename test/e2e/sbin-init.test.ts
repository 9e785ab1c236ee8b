// svcd linked as an image's /sbin/init and started as PID 1 the way a runtime or the kernel starts
// init: through a link named init, with words after the options (`quiet 3`). It boots the target the
// runlevel names, as systemd does, instead of refusing the words and ending the container.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(__dirname, '../..');
const usable = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'svcd-sbin-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const until = async (pred: () => boolean, ms = 20000) => {
  for (let t = 0; t < ms && !pred(); t += 100) await new Promise((r) => setTimeout(r, 100));
  return pred();
};

describe.skipIf(!usable)('svcd as /sbin/init', () => {
  it('boots the runlevel\'s target from the words init is given, ignoring the others', async () => {
    symlinkSync(join(repo, 'bin/svcd'), join(work, 'init'));
    mkdirSync(join(work, 'units'));
    let out = '';
    const p = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', join(work, 'init'),
      '--unit-path', `${join(work, 'units')}:${join(repo, 'units')}`, '--runtime-dir', join(work, 'run'),
      '--journal-dir', join(work, 'journal'), '--config', '/nonexistent', 'quiet', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => p.on('exit', r));
    try {
      expect(await until(() => /Reached target multi-user\.target/.test(out)), out).toBe(true);
      expect(out).toMatch(/svcd \S+ \(pid 1\): starting multi-user\.target/);
      spawnSync(process.execPath, [join(repo, 'dist/cli/svcctl.js'), '--runtime-dir', join(work, 'run'), 'exit']);
      expect(await exited).toBe(0);
    } finally {
      p.kill('SIGKILL');
    }
  });
});
