// Whether the differential tests can ask real systemd 252 again here (root, systemctl, the
// systemd-ns tool next to the repository), unless SVCD_LIVE_ORACLE=0 says not to.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = join(__dirname, '../..');

export const liveOracle: boolean =
  process.env.SVCD_LIVE_ORACLE !== '0' && process.getuid?.() === 0 && existsSync(resolve(repo, '../shared/tools/systemd-ns/systemd-ns.sh')) && spawnSync('systemctl', ['--version']).status === 0;
