// For the record-*.mjs scripts that ask real systemd 252 from inside its namespace: boots systemd-ns
// on a scratch directory holding `units`, runs `script --inside` there (the script prints JSON), and
// writes what it printed, with the systemd version, to `out`; systemd is stopped whatever happens.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';

const tools = process.env.SYSTEMD_NS_DIR ?? '/work/shared/tools/systemd-ns';

/** `shape(printed)`: the fixture's content besides recordedFrom. */
export function recordInside({ units, target, script, out, shape = (printed) => printed }) {
  const dir = mkdtempSync(join(tmpdir(), 'oracle-units-'));
  for (const [name, text] of Object.entries(units)) writeFileSync(join(dir, name), text);
  const pid = execFileSync(join(tools, 'systemd-ns.sh'), ['--console', 'null', dir, target], { encoding: 'utf8' }).trim();
  try {
    const r = spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, process.execPath, script, '--inside'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const version = spawnSync(join(tools, 'systemd-ns-exec.sh'), [pid, 'systemctl', 'show', '-p', 'Version', '--value'], { encoding: 'utf8' }).stdout.trim();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ recordedFrom: `systemd ${version}`, ...shape(JSON.parse(r.stdout)) }, null, 1)}\n`);
    process.stderr.write(`wrote ${out}\n`);
  } finally {
    spawnSync(join(tools, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(dir, { recursive: true, force: true });
  }
}
