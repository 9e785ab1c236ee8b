// Whether the differential tests can ask real systemd 252 again here (root, systemctl, the
// systemd-ns tool next to the repository), unless SVCD_LIVE_ORACLE=0 says not to.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = join(__dirname, '../..');

export const liveOracle: boolean =
  process.env.SVCD_LIVE_ORACLE !== '0' && process.getuid?.() === 0 && existsSync(resolve(repo, '../shared/tools/systemd-ns/systemd-ns.sh')) && spawnSync('systemctl', ['--version']).status === 0;

/** Records systemd's answers again with scripts/SCRIPT into a fresh directory, hands it to `check`, then removes it. */
export function withLiveRecording(script: string, check: (dir: string) => void): void {
  const out = mkdtempSync(join(tmpdir(), 'svcd-live-oracle-'));
  try {
    const r = spawnSync('sh', [join(repo, 'scripts', script), out], { encoding: 'utf8', timeout: 90_000 });
    if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
    check(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
