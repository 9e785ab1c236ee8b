// Who may name a service's main process, with real processes under svcd as PID 1: a service run as
// nobody that names another unit's process — by MAINPID= or in a PID file it can write — is
// refused with systemd's message, keeps its own main PID, and stopping it leaves the other unit's
// process alone; root's word (MAINPID= from a root sender) is still taken, as systemd takes it.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const NOBODY = 65534;
// Outside /tmp: nobody must reach the notify socket and the files below through it.
const dir = mkdtempSync('/dev/shm/svcd-mainpid-');
chmodSync(dir, 0o755);
const piddir = join(dir, 'piddir');
mkdirSync(piddir);
chownSync(piddir, NOBODY, NOBODY);

/** A root daemon that writes its pid where the spoofers read it. */
const victim = (name: string) => [
  '[Service]', `ExecStart=/bin/sh -c 'echo $$$$ > ${join(dir, name)}.pid; exec sleep infinity'`, '',
].join('\n');
/** Waits for a victim's pid file, then runs `then` with $v set to the victim's pid. */
const afterVictim = (name: string, then: string) =>
  `/bin/sh -c 'while [ ! -s ${join(dir, name)}.pid ]; do sleep 0.05; done; v=$$(cat ${join(dir, name)}.pid); ${then}'`;

/**
 * The main process itself sends READY=1 and MAINPID= of the pid in the file named (as a daemon
 * with sd_notify() would), then stays: the sender is the main process, so NotifyAccess=main hears it.
 */
const notifier = join(dir, 'notify-mainpid.py');
writeFileSync(notifier, [
  '#!/usr/bin/python3',
  'import os, socket, sys, time',
  'def content():',
  '    try:',
  '        return open(sys.argv[1]).read().strip()',
  '    except OSError:',
  "        return ''",
  'while not content():',
  '    time.sleep(0.05)',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  "s.sendto(('READY=1\\nMAINPID=' + content()).encode(), os.environ['NOTIFY_SOCKET'])",
  'time.sleep(1000000)', '',
].join('\n'), { mode: 0o755 });

let svcd: SvcdInNamespace;
const show = async (unit: string, prop: string) => (await svcd.svcctl('show', '-p', prop, '--value', unit)).stdout.trim();

beforeAll(async () => {
  buildTree(join(dir, 'units'), { files: {
    'victim.service': victim('victim'),
    'victim2.service': victim('victim2'),
    'spoof.service': [
      '[Unit]', 'After=victim.service', '[Service]', 'Type=notify', 'User=nobody', 'TimeoutStopSec=5', 'TimeoutStartSec=15',
      `ExecStart=${notifier} ${join(dir, 'victim.pid')}`, '',
    ].join('\n'),
    'pidfile.service': [
      '[Unit]', 'After=victim.service', '[Service]', 'Type=forking', 'User=nobody', 'TimeoutStopSec=5', 'TimeoutStartSec=15',
      `PIDFile=${join(piddir, 'daemon.pid')}`,
      `ExecStart=${afterVictim('victim', `echo $$v > ${join(piddir, 'daemon.pid')}`)}`, '',
    ].join('\n'),
    // The victim's own PID file is root's: a link to it from a directory nobody owns proves nothing.
    'pidlink.service': [
      '[Unit]', 'After=victim.service', '[Service]', 'Type=forking', 'User=nobody', 'TimeoutStopSec=5', 'TimeoutStartSec=15',
      `PIDFile=${join(piddir, 'link.pid')}`,
      `ExecStart=${afterVictim('victim', `ln -sf ${join(dir, 'victim.pid')} ${join(piddir, 'link.pid')}`)}`, '',
    ].join('\n'),
    'rootmain.service': [
      '[Unit]', 'After=victim2.service', '[Service]', 'Type=notify', 'TimeoutStopSec=5', 'TimeoutStartSec=15',
      `ExecStart=${notifier} ${join(dir, 'victim2.pid')}`, '',
    ].join('\n'),
    'x.target': '[Unit]\nWants=victim.service victim2.service spoof.service pidfile.service pidlink.service rootmain.service\n',
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('refuses MAINPID= of another unit\'s process from a service run as nobody; stopping it leaves that process alone', async () => {
  const victimPid = await show('victim.service', 'MainPID');
  expect(Number(victimPid)).toBeGreaterThan(1);
  expect(await show('spoof.service', 'ActiveState')).toBe('active');
  const spoofMain = await show('spoof.service', 'MainPID');
  expect(spoofMain, svcd.console()).not.toBe(victimPid);
  expect(Number(spoofMain)).toBeGreaterThan(1);
  expect(svcd.console()).toContain(`New main PID ${victimPid} does not belong to service, refusing.`);
  expect((await svcd.svcctl('stop', 'spoof.service')).rc).toBe(0);
  expect(await show('spoof.service', 'ActiveState')).toBe('inactive');
  expect([await show('victim.service', 'ActiveState'), await show('victim.service', 'MainPID')]).toEqual(['active', victimPid]);
}, 60_000);

it('refuses a PID file nobody could write naming another unit\'s process: the start fails, the process is untouched', async () => {
  const victimPid = await show('victim.service', 'MainPID');
  expect([await show('pidfile.service', 'ActiveState'), await show('pidfile.service', 'Result')], svcd.console()).toEqual(['failed', 'protocol']);
  expect(await show('pidfile.service', 'MainPID')).toBe('0');
  expect(svcd.console()).toContain(`New main PID ${victimPid} does not belong to service, and PID file is not owned by root. Refusing.`);
  await svcd.svcctl('stop', 'pidfile.service');
  expect([await show('victim.service', 'ActiveState'), await show('victim.service', 'MainPID')]).toEqual(['active', victimPid]);
}, 60_000);

it('refuses a root-owned PID file reached through a link nobody planted, when it names another unit\'s process', async () => {
  const victimPid = await show('victim.service', 'MainPID');
  expect([await show('pidlink.service', 'ActiveState'), await show('pidlink.service', 'Result')], svcd.console()).toEqual(['failed', 'protocol']);
  expect(svcd.console()).toContain(`Refusing to accept PID outside of service control group, acquired through unsafe symlink chain: ${join(piddir, 'link.pid')}`);
  expect([await show('victim.service', 'ActiveState'), await show('victim.service', 'MainPID')]).toEqual(['active', victimPid]);
}, 60_000);

it('takes MAINPID= of a process outside the unit from a root sender, as systemd does', async () => {
  const victimPid = await show('victim2.service', 'MainPID');
  expect(Number(victimPid)).toBeGreaterThan(1);
  expect(await show('rootmain.service', 'MainPID'), svcd.console()).toBe(victimPid);
}, 60_000);
