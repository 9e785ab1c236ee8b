// Path units with svcd as PID 1 of a PID namespace, against real systemd 252 on the same scenario
// (test/support/path-scenario.mjs: files created, written, closed, directories appearing), recorded by
// scripts/record-path-fixtures.mjs (re-run live where systemd-ns can run; SVCD_LIVE_ORACLE=0 skips):
// after each step every path unit is in systemd's state and every service has run as often —
// PathExists=, PathExistsGlob= (not on a file that does not match), DirectoryNotEmpty= (not on a hidden
// file) in a directory MakeDirectory= made, PathModified= at a write while PathChanged= waits for the
// close, PathChanged= under directories that appear later, TriggerLimitBurst= failing a path unit whose
// condition keeps holding (Result=trigger-limit-hit), and after daemon-reload the paths a rewritten
// unit names now, not those it named before.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveOracle } from '../support/oracle.js';
import { runPathScenario, writePathTree, type PathLook } from '../support/path-scenario.mjs';
import { bootInNamespace, type SvcdInNamespace } from '../support/svcd-ns.js';

const repo = join(__dirname, '../..');
const fixture = join(repo, 'test/fixtures/paths/looks.json');
const root = mkdtempSync(join(tmpdir(), 'svcd-paths-diff-'));
let svcd: SvcdInNamespace | undefined;
afterAll(async () => {
  await svcd?.stop();
  rmSync(root, { recursive: true, force: true });
});

const recorded = (file: string): PathLook[] => JSON.parse(readFileSync(file, 'utf8')) as PathLook[];

describe('path units under svcd, step by step against systemd 252', () => {
  let looks: PathLook[] = [];
  it('runs the scenario', async () => {
    writePathTree(root, join(root, 'units'), symlinkSync);
    svcd = await bootInNamespace(root, join(root, 'units'), 'multi-user.target');
    looks = await runPathScenario(root, async (units) => (await svcd!.svcctl('show', '-p', 'Id,ActiveState,SubState,Result', '--', ...units)).stdout,
      join(root, 'units'), async () => {
        const r = await svcd!.svcctl('daemon-reload');
        if (r.rc !== 0) throw new Error(`daemon-reload: ${r.stderr}`);
      });
    expect(looks.map((l) => l.step)).toEqual(recorded(fixture).map((l) => l.step));
  }, 240_000);

  it.each(recorded(fixture).map((l, i) => [l.step, i] as const))('after "%s": the states and runs systemd had', (_step, i) => {
    expect(looks[i]).toEqual(recorded(fixture)[i]);
  });

  it('made the DirectoryNotEmpty= directory with DirectoryMode=', () => {
    expect(statSync(join(root, 'w/spool')).mode & 0o7777).toBe(0o700);
  });

  // As systemd 252 shows them (checked on systemd-ns): Paths= newest line first, "PATH (TYPE)".
  it('shows the Path interface as systemctl does', async () => {
    const w = join(root, 'w');
    const r = await svcd!.svcctl('show', '-p', 'Unit,Paths,MakeDirectory,DirectoryMode,Result,TriggerLimitIntervalUSec,TriggerLimitBurst', 'spool.path', 'always.path', 'glob.path');
    expect(r.stdout).toBe([
      'Unit=spool.service', `Paths=${w}/spool (DirectoryNotEmpty)`, 'MakeDirectory=yes', 'DirectoryMode=0700', 'Result=success', 'TriggerLimitIntervalUSec=2s', 'TriggerLimitBurst=200', '',
      'Unit=always.service', `Paths=${w}/always (PathExists)`, 'MakeDirectory=no', 'DirectoryMode=0755', 'Result=trigger-limit-hit', 'TriggerLimitIntervalUSec=1min', 'TriggerLimitBurst=3', '',
      'Unit=worker.service', `Paths=${w}/in/*.job (PathExistsGlob)`, 'MakeDirectory=no', 'DirectoryMode=0755', 'Result=success', 'TriggerLimitIntervalUSec=2s', 'TriggerLimitBurst=200', '',
    ].join('\n'));
  });
});

describe.runIf(liveOracle)('the recording against a live systemd', () => {
  it('is what systemd answers today', () => {
    const out = join(root, 'live.json');
    const r = spawnSync(process.execPath, [join(repo, 'scripts/record-path-fixtures.mjs'), out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(recorded(out)).toEqual(recorded(fixture));
  }, 240_000);
});
