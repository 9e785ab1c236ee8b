// Path units with svcd as PID 1 of a PID namespace: each kind of PathXxx= line starts its service
// when its condition holds, as systemd.path(5) says — PathExists= when the file appears,
// PathExistsGlob= on a match, DirectoryNotEmpty= on a file in a directory MakeDirectory= made
// with DirectoryMode=, PathChanged= only once a writer closes the file, PathModified= at the first
// write already, a watch on a path whose directory appears only later, and TriggerLimitBurst=
// failing a path unit whose condition never stops holding (Result=trigger-limit-hit).
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';
import { runCount, until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-paths-'));
const out = join(dir, 'out');
const w = join(dir, 'w');
/** A oneshot service that notes its run in out/NAME, then runs `then`. */
const noting = (name: string, then = 'true') => `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran >> ${out}/${name}; ${then}'\n`;
buildTree(dir, {
  files: {
    'units/exists.path': `[Path]\nPathExists=${w}/flag\n`,
    'units/exists.service': noting('exists', `rm -f ${w}/flag`),
    'units/glob.path': `[Path]\nPathExistsGlob=${w}/in/*.job\nUnit=worker.service\n`,
    'units/worker.service': noting('worker', `rm -f ${w}/in/*.job`),
    'units/spool.path': `[Path]\nDirectoryNotEmpty=${w}/spool\nMakeDirectory=yes\nDirectoryMode=0700\n`,
    'units/spool.service': noting('spool', `rm -f ${w}/spool/*`),
    'units/changed.path': `[Path]\nPathChanged=${w}/later/sub/file\n`,
    'units/changed.service': noting('changed'),
    'units/modified.path': `[Path]\nPathModified=${w}/data\n`,
    'units/modified.service': noting('modified'),
    'units/closed.path': `[Path]\nPathChanged=${w}/data\n`,
    'units/closed.service': noting('closed'),
    'units/always.path': `[Path]\nPathExists=${w}/always\nTriggerLimitBurst=3\nTriggerLimitIntervalSec=1min\n`,
    'units/always.service': noting('always'),
    'units/x.target': '[Unit]\nWants=exists.path glob.path spool.path changed.path modified.path closed.path always.path\n',
    'out/.keep': '',
    'w/data': 'initial\n',
    'w/always': '',
    'w/in/.keep': '',
  },
});

let svcd: SvcdInNamespace;
const runs = (name: string) => runCount(out, name);
/** [ActiveState, SubState, Result]. */
const state = async (unit: string) => {
  const props = Object.fromEntries((await svcd.svcctl('show', '-p', 'ActiveState,SubState,Result', unit)).stdout.trim().split('\n').map((l) => l.split('=')));
  return [props.ActiveState, props.SubState, props.Result];
};

beforeAll(async () => {
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
}, 30_000);
afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('path units with svcd as PID 1', () => {
  it('wait, watching, for conditions that do not hold yet', async () => {
    for (const u of ['exists.path', 'glob.path', 'spool.path', 'changed.path', 'modified.path', 'closed.path']) {
      expect(await state(u), u).toEqual(['active', 'waiting', 'success']);
    }
    expect(runs('exists') + runs('worker') + runs('spool') + runs('changed') + runs('modified') + runs('closed')).toBe(0);
  });

  it('PathExists= starts its service when the file appears', async () => {
    writeFileSync(join(w, 'flag'), '');
    expect(await until(() => runs('exists') === 1), svcd.console()).toBe(true);
    expect(await until(() => !existsSync(join(w, 'flag')))).toBe(true);
    expect(await until(async () => (await state('exists.path'))[1] === 'waiting')).toBe(true);
  });

  it('PathExistsGlob= starts Unit= on a matching file, not on one that does not match', async () => {
    writeFileSync(join(w, 'in/a.txt'), '');
    await sleep(500);
    expect(runs('worker')).toBe(0);
    writeFileSync(join(w, 'in/b.job'), '');
    expect(await until(() => runs('worker') === 1), svcd.console()).toBe(true);
  });

  it('DirectoryNotEmpty= watches the directory MakeDirectory= made with DirectoryMode=', async () => {
    expect(statSync(join(w, 'spool')).mode & 0o7777).toBe(0o700);
    writeFileSync(join(w, 'spool/.hidden'), '');
    await sleep(500);
    expect(runs('spool')).toBe(0);
    writeFileSync(join(w, 'spool/job1'), '');
    expect(await until(() => runs('spool') === 1), svcd.console()).toBe(true);
  });

  it('PathModified= fires at the first write, PathChanged= only once the writer closes the file', async () => {
    const fd = openSync(join(w, 'data'), 'a');
    try {
      writeSync(fd, 'more\n');
      expect(await until(() => runs('modified') >= 1), svcd.console()).toBe(true);
      await sleep(500);
      expect(runs('closed')).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(await until(() => runs('closed') === 1), svcd.console()).toBe(true);
  });

  it('PathChanged= under a directory that appears later: watched once it is there', async () => {
    mkdirSync(join(w, 'later'));
    mkdirSync(join(w, 'later/sub'));
    await sleep(300);
    expect(runs('changed')).toBe(0);
    writeFileSync(join(w, 'later/sub/file'), 'x');
    expect(await until(() => runs('changed') >= 1), svcd.console()).toBe(true);
    const before = runs('changed');
    expect(await until(async () => (await state('changed.path'))[1] === 'waiting')).toBe(true);
    writeFileSync(join(w, 'later/sub/file'), 'y');
    expect(await until(() => runs('changed') > before), svcd.console()).toBe(true);
  });

  it('TriggerLimitBurst= fails a path unit whose condition keeps holding, as systemd does', async () => {
    expect(await until(async () => (await state('always.path'))[0] === 'failed'), svcd.console()).toBe(true);
    expect(await state('always.path')).toEqual(['failed', 'failed', 'trigger-limit-hit']);
    expect(runs('always')).toBe(3);
  });

  // As systemd 252 shows them (checked on systemd-ns): Paths= newest line first, "PATH (TYPE)".
  it('shows the Path interface as systemctl does', async () => {
    const r = await svcd.svcctl('show', '-p', 'Unit,Paths,MakeDirectory,DirectoryMode,Result,TriggerLimitIntervalUSec,TriggerLimitBurst', 'spool.path', 'always.path', 'glob.path');
    expect(r.stdout).toBe([
      'Unit=spool.service', `Paths=${w}/spool (DirectoryNotEmpty)`, 'MakeDirectory=yes', 'DirectoryMode=0700', 'Result=success', 'TriggerLimitIntervalUSec=2s', 'TriggerLimitBurst=200', '',
      'Unit=always.service', `Paths=${w}/always (PathExists)`, 'MakeDirectory=no', 'DirectoryMode=0755', 'Result=trigger-limit-hit', 'TriggerLimitIntervalUSec=1min', 'TriggerLimitBurst=3', '',
      'Unit=worker.service', `Paths=${w}/in/*.job (PathExistsGlob)`, 'MakeDirectory=no', 'DirectoryMode=0755', 'Result=success', 'TriggerLimitIntervalUSec=2s', 'TriggerLimitBurst=200', '',
    ].join('\n'));
  });
});
