// journald.conf's size limits as journald computes them (journald.conf(5)), from the file system
// that holds the journal: a journal directory that does not exist yet is sized by the nearest
// existing ancestor's file system, not by `/` (issue 18 item 9: /run/log/journal on a small tmpfs).
import { spawnSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultJournalSettings } from '../../src/config/system-conf.js';
import { computeLimits, fileSystemSize, journalLimits } from '../../src/journal/limits.js';

const MIB = 1024 * 1024;
const journal = defaultJournalSettings();

describe('journal size limits', () => {
  it('MaxUse= 10% and KeepFree= 15% of the file system, MaxFileSize= an eighth of MaxUse=, caps at 4 GiB and 128 MiB', () => {
    expect(computeLimits(journal, true, 20 * 1024 * MIB)).toMatchObject({ maxUse: 2048 * MIB, keepFree: 3072 * MIB, maxFileSize: 128 * MIB });
    expect(computeLimits(journal, true, 200 * 1024 * MIB)).toMatchObject({ maxUse: 4096 * MIB, keepFree: 4096 * MIB, maxFileSize: 128 * MIB });
  });

  it('on a 5 MiB file system: files of journald\'s minimum 512 KiB, MaxUse= two of them', () => {
    expect(computeLimits(journal, false, 5 * MIB)).toMatchObject({ maxFileSize: 512 * 1024, maxUse: MIB, keepFree: 768 * 1024 });
  });

  it('takes the settings given over the defaults, Runtime… for a volatile journal', () => {
    const set = { ...journal, runtimeMaxUse: 64n * BigInt(MIB), runtimeKeepFree: 0n, runtimeMaxFileSize: 4n * BigInt(MIB), systemMaxUse: 1n };
    expect(computeLimits(set, false, 5 * MIB)).toMatchObject({ maxUse: 64 * MIB, keepFree: 0, maxFileSize: 4 * MIB });
  });

  it('sizes a directory that does not exist yet by the file system it will be on', () => {
    // A 5 MiB tmpfs of a mount namespace of our own, the journal's directory not yet made on it.
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', `d=$(mktemp -d) && mount -t tmpfs -o size=5m tmpfs "$d" && ${process.execPath} -e '
      import("${new URL('../../dist/journal/limits.js', import.meta.url).pathname}").then((m) => console.log(m.fileSystemSize(process.argv[1] + "/0123/machine")));
    ' "$d"`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(Number(r.stdout.trim())).toBe(5 * MIB);
    const root = statfsSync('/');
    expect(fileSystemSize('/no/such/dir/anywhere')).toBe(root.blocks * root.bsize);
    expect(journalLimits(journal, '/no/such/dir', true).maxUse).toBe(computeLimits(journal, true, root.blocks * root.bsize).maxUse);
  });
});
