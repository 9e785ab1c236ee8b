#!/usr/bin/env node
// record-edit-fixtures.mjs — records what the real `systemctl edit` (systemd 252) does for every case of
// test/support/edit-cases.mjs into test/fixtures/edit/recorded.json. Root; the development machine's
// systemd-ns harness must boot ($SYSTEMD_NS, default ../shared/tools/systemd-ns beside the repository).
//
// systemctl 252 refuses `edit` with --root ("Verb 'edit' cannot be used with --root= or --image="), so
// the oracle is a booted systemd: one systemd 252 runs as PID 1 of a private namespace set (--layout
// etc, the stock search path), and for each case a fresh tree's directories are mounted, inside that
// namespace only, over /etc/systemd/system, /run/systemd/system and (an overlay above the base units
// the manager needs) /usr/lib/systemd/system; then daemon-reload, the case, and the tree is read back.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { buildEditTree, CASES, runEditCase } from '../test/support/edit-cases.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ns = process.env.SYSTEMD_NS ?? join(repo, '../shared/tools/systemd-ns');
const out = process.argv[2] ?? join(repo, 'test/fixtures/edit/recorded.json');
// The namespace has a private /tmp: the trees are staged where it sees the host's files.
const work = mkdtempSync(join(process.env.RECORD_TMPDIR ?? '/var/tmp', 'svcd-edit-rec.'));
const empty = join(work, 'empty');
execFileSync('mkdir', ['-p', empty]);
const boot = spawnSync(join(ns, 'systemd-ns.sh'), ['--console', 'null', '--layout', 'etc', empty], { encoding: 'utf8' });
const pid = boot.stdout.trim();
const inns = (...cmd) => execFileSync(join(ns, 'systemd-ns-exec.sh'), [pid, ...cmd], { encoding: 'utf8' });
try {
  if (!/^\d+$/.test(pid)) throw new Error(`systemd-ns did not boot: ${boot.stderr}`);
  const base = join(/base units and log in (\S+)/.exec(boot.stderr)[1], 'base');
  const version = inns('systemctl', 'show', '-p', 'Version', '--value').trim();
  const tree = join(work, 'tree');
  const cases = [];
  for (const c of CASES) {
    buildEditTree(tree);
    inns('sh', '-c', [
      `mount --bind '${tree}/etc/systemd/system' /etc/systemd/system`,
      `mount --bind '${tree}/run/systemd/system' /run/systemd/system`,
      `mount -t overlay overlay -o 'lowerdir=${tree}/usr/lib/systemd/system:${base}' /usr/lib/systemd/system`,
      'systemctl daemon-reload',
    ].join(' && '));
    try {
      cases.push(runEditCase(c, { argv0: ['systemctl'], wrap: [join(ns, 'systemd-ns-exec.sh'), pid], root: tree, logPath: join(work, 'editor.log') }));
    } finally {
      inns('sh', '-c', 'umount -l /usr/lib/systemd/system /run/systemd/system /etc/systemd/system');
    }
  }
  writeFileSync(out, `${JSON.stringify({ systemd: `systemd ${version}`, cases }, null, 1)}\n`);
  process.stderr.write(`recorded ${cases.length} edit cases from systemd ${version}\n`);
} finally {
  if (/^\d+$/.test(pid)) spawnSync(join(ns, 'systemd-ns.sh'), ['--stop', pid]);
  rmSync(work, { recursive: true, force: true });
}
