#!/usr/bin/env node
// Records what the real systemctl 252 prints for `show --all` (the manager and each unit) and
// `status UNIT`, with real systemd booted as PID 1 of a namespace (../shared/tools/systemd-ns) on
// the units of test/support/show-oracle.mjs, into test/fixtures/show/recorded.json: the oracle of
// test/e2e/show-differential.test.ts. Re-run on purpose only (new units, a new systemd).
//
// Debian's unit files are extracted from their packages (apt-get download; nothing is installed)
// into /var/cache/svcd-show-units, never into the repository; the recording keeps each file's
// SHA-256 so the test uses exactly the file recorded.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { availableUnits, BASE_UNITS, buildUnitDir, collectSystemd, DEBIAN, DEBIAN_UNIT_CACHE, repo, sha256 } from '../test/support/show-oracle.mjs';

mkdirSync(DEBIAN_UNIT_CACHE, { recursive: true });
const missing = Object.entries(DEBIAN).filter(([, unit]) => !existsSync(join(DEBIAN_UNIT_CACHE, unit)));
if (missing.length > 0) {
  const debs = mkdtempSync(join(tmpdir(), 'show-debs-'));
  execFileSync('apt-get', ['download', ...missing.map(([pkg]) => pkg)], { cwd: debs, stdio: 'inherit' });
  for (const [pkg, unit] of missing) {
    const x = join(debs, pkg);
    execFileSync('sh', ['-c', `dpkg-deb -x "$1"_*.deb "$2"`, 'sh', join(debs, pkg), x]);
    copyFileSync(join(x, 'lib/systemd/system', unit), join(DEBIAN_UNIT_CACHE, unit));
  }
  rmSync(debs, { recursive: true, force: true });
}

const units = availableUnits();
const dir = mkdtempSync(join(tmpdir(), 'show-units-'));
try {
  buildUnitDir(dir, units);
  const names = Object.keys(units).sort();
  const got = collectSystemd(dir, [...names, ...BASE_UNITS]);
  const out = {
    systemd: got.version,
    unitDir: dir,
    baseDir: got.baseDir,
    hashes: Object.fromEntries(names.map((u) => [u, sha256(units[u])])),
    manager: got.manager,
    units: got.units,
  };
  writeFileSync(join(repo, 'test/fixtures/show/recorded.json'), JSON.stringify(out, null, 1) + '\n');
  process.stdout.write(`recorded ${names.length} units: ${names.join(' ')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
