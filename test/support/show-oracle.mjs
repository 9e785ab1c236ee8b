// The units `show`/`status` are compared on, and the real systemd's answers about them: shared by
// scripts/record-show-fixtures.mjs (which records) and test/e2e/show-differential.test.ts (which
// re-checks live where systemd-ns can run).
//
// Units: the project's own (test/fixtures/show/units: property formats, a running process, a program that cannot run),
// the seed's nova-compute (test/fixtures/nova), and Debian's unmodified package units. Debian's files
// are never committed (they are fetched): the record script extracts them from the packages
// into DEBIAN_UNIT_CACHE, and the test uses them from there, or from /lib/systemd/system where the
// package is installed and the file is the one recorded (same SHA-256).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NS = resolve(repo, '../shared/tools/systemd-ns');
export const DEBIAN_UNIT_CACHE = '/var/cache/svcd-show-units';
/**
 * Debian package → its unit, as the issue names them. postgresql's is its meta unit: the clusters'
 * postgresql@VERSION-CLUSTER.service instances are a generator's job and run the host's databases.
 */
export const DEBIAN = { 'nginx-common': 'nginx.service', 'redis-server': 'redis-server.service', 'openssh-server': 'ssh.service', cron: 'cron.service', memcached: 'memcached.service', 'postgresql-common': 'postgresql.service', 'dbus-system-bus-common': 'dbus.socket' };

export const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The unit files available here, by unit name: path of each. */
export function availableUnits(recordedHashes = undefined) {
  const out = {};
  for (const f of readdirSync(join(repo, 'test/fixtures/show/units'))) out[f] = join(repo, 'test/fixtures/show/units', f);
  out['nova-compute.service'] = join(repo, 'test/fixtures/nova/nova-compute.service');
  for (const unit of Object.values(DEBIAN)) {
    for (const dir of [DEBIAN_UNIT_CACHE, '/lib/systemd/system']) {
      const p = join(dir, unit);
      if (existsSync(p) && (!recordedHashes || recordedHashes[unit] === sha256(p))) {
        out[unit] = p;
        break;
      }
    }
  }
  return out;
}

/** Copies the units into DIR, each enabled in multi-user.target (as the packages' postinst does). */
export function buildUnitDir(dir, units) {
  mkdirSync(join(dir, 'multi-user.target.wants'), { recursive: true });
  for (const [name, path] of Object.entries(units)) {
    copyFileSync(path, join(dir, name));
    symlinkSync(`../${name}`, join(dir, 'multi-user.target.wants', name));
  }
}

/** systemctl's environment: no colours, no pager, a fixed locale. */
export const CLIENT_ENV = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '', PAGER: 'cat', LANG: 'C.UTF-8', TZ: 'UTC' };

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Waits until `ctl(...args)` says no job is queued and no unit is activating or waiting to be
 * restarted, twice 500 ms apart (Restart= loops end in start-limit-hit within a few seconds).
 */
export function settle(ctl) {
  let quiet = 0;
  for (let t = 0; t < 120 && quiet < 2; t++) {
    const jobs = ctl('list-jobs', '--no-legend').stdout.trim();
    const busy = ctl('list-units', '--all', '--no-legend', '--state=activating,deactivating,auto-restart').stdout.trim();
    quiet = jobs === '' && busy === '' ? quiet + 1 : 0;
    pause(500);
  }
}

/** Every object's answers: `show --all` of the manager, `show --all` and `status` of each unit. */
export function collect(ctl, unitNames) {
  settle(ctl);
  const units = {};
  for (const u of unitNames) {
    const show = ctl('show', '--all', u);
    const status = ctl('status', '--no-pager', '--lines=0', u);
    // Whether each program the unit runs exists: a unit whose programs are installed on one host
    // and not on another ends differently, and is not comparable with the recording there.
    const programs = Object.fromEntries([...show.stdout.matchAll(/^Exec\w+=\{ path=(\S+) /gm)].map((m) => [m[1], existsSync(m[1])]));
    units[u] = { show: show.stdout, status: status.stdout, statusRc: status.status, programs };
  }
  return { manager: ctl('show', '--all').stdout, units };
}

export const systemdNsUsable = () => existsSync(join(NS, 'systemd-ns.sh')) && existsSync('/usr/lib/systemd/systemd');

/**
 * Units compared besides the unit files: a target and a slice of each manager's own base units, and
 * a name no file defines (LoadState=not-found).
 */
export const BASE_UNITS = ['multi-user.target', 'system.slice', 'no-such-unit.service', 'no-such-unit.socket'];

/**
 * Boots systemd 252 on DIR (multi-user.target), collects, stops it. `baseDir`: where systemd-ns
 * put the base units (targets, slices) it boots with, svcd's own units/ being its counterpart.
 */
export function collectSystemd(dir, unitNames) {
  const boot = spawnSync(join(NS, 'systemd-ns.sh'), ['--console', 'null', dir], { encoding: 'utf8' });
  const pid = boot.stdout.trim();
  const work = /base units and log in (\S+)/.exec(boot.stderr)?.[1];
  if (boot.status !== 0 || !/^\d+$/.test(pid) || !work) throw new Error(`systemd-ns failed: ${boot.stderr}`);
  try {
    const ctl = (...args) => spawnSync(join(NS, 'systemd-ns-exec.sh'), [pid, 'systemctl', ...args], { encoding: 'utf8', env: CLIENT_ENV });
    return { ...collect(ctl, unitNames), version: ctl('--version').stdout.split('\n')[0], baseDir: join(work, 'base') };
  } finally {
    spawnSync(join(NS, 'systemd-ns.sh'), ['--stop', pid]);
    rmSync(work, { recursive: true, force: true });
  }
}
