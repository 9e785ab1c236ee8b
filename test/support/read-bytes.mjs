// Loaded with `node --import` into a process under test: at its exit, writes how many bytes it
// read (rchar of /proc/self/io: every read(2)/pread(2), files and pipes) to $SVCD_READ_BYTES_FILE,
// so a test can tell a walk from the tail of a journal from a read of all of it without timing it.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.SVCD_READ_BYTES_FILE;
if (file) {
  process.on('exit', () => {
    const rchar = /^rchar:\s+(\d+)/m.exec(readFileSync('/proc/self/io', 'latin1'))?.[1];
    writeFileSync(file, rchar ?? '');
  });
}
