// PIDFile= as read from a real file system (src/host/pid-file.ts): the pid, the file's owner, and
// whether a symlink in a directory another user owns led to it (systemd's unsafe symlink chain).
import { chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readPidFile } from '../../src/host/pid-file.js';

const NOBODY = 65534;
const dir = mkdtempSync('/dev/shm/svcd-pidfile-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rootFile = join(dir, 'root.pid');
writeFileSync(rootFile, '4242\n');
const userDir = join(dir, 'user');
mkdirSync(userDir);
chownSync(userDir, NOBODY, NOBODY);

it('reads the pid and the owner of a plain file', () => {
  const own = join(userDir, 'own.pid');
  writeFileSync(own, '77\n');
  chownSync(own, NOBODY, NOBODY);
  expect(readPidFile(rootFile)).toEqual({ pid: 4242, ownerUid: 0, unsafeSymlinkChain: false });
  expect(readPidFile(own)).toEqual({ pid: 77, ownerUid: NOBODY, unsafeSymlinkChain: false });
});

it('marks a root-owned file reached through a symlink in a directory another user owns', () => {
  const planted = join(userDir, 'planted.pid');
  symlinkSync(rootFile, planted);
  expect(readPidFile(planted)).toEqual({ pid: 4242, ownerUid: 0, unsafeSymlinkChain: true });
});

it('does not mark a symlink in root\'s directory, nor one to a file of the directory\'s own user', () => {
  const rootLink = join(dir, 'link.pid');
  symlinkSync(rootFile, rootLink);
  expect(readPidFile(rootLink)?.unsafeSymlinkChain).toBe(false);
  const own = join(userDir, 'mine.pid');
  writeFileSync(own, '78\n');
  chownSync(own, NOBODY, NOBODY);
  const relative = join(userDir, 'rel.pid');
  symlinkSync('mine.pid', relative);
  expect(readPidFile(relative)).toEqual({ pid: 78, ownerUid: NOBODY, unsafeSymlinkChain: false });
});

it('answers nothing for a missing file or one without a pid above 1', () => {
  expect(readPidFile(join(dir, 'missing.pid'))).toBeUndefined();
  const one = join(dir, 'one.pid');
  writeFileSync(one, '1\n');
  expect(readPidFile(one)).toBeUndefined();
});
