// ForwardToSyslog=: the datagram journald 252 sends to /run/systemd/journal/syslog for a message, sent
// here to a real datagram socket and read back with the credentials the kernel attached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { bindDatagram, closeDatagram, type Sender } from '../../src/exec/native.js';
import { SyslogForwarder, syslogTime } from '../../src/journal/syslog-forward.js';

const dir = mkdtempSync(join(tmpdir(), 'svcd-syslog-fwd-'));
const path = join(dir, 'syslog');
const got: { text: string; sender: Sender }[] = [];
const handle = bindDatagram(path, (data, sender) => got.push({ text: data.toString(), sender }));
afterAll(() => {
  closeDatagram(handle);
  rmSync(dir, { recursive: true, force: true });
});
const received = async (n: number) => {
  for (let t = 0; t < 200 && got.length < n; t++) await new Promise((r) => setTimeout(r, 10));
  return got.splice(0);
};
const me = { pid: process.pid, uid: process.getuid!(), gid: process.getgid!() };

it('sends "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE" with the writer\'s credentials', async () => {
  const f = new SyslogForwarder(7, () => {}, path);
  f.forward((3 << 3) | 4, 'web', me, Buffer.from('disk almost full'));
  const [d] = await received(1);
  expect(d!.text).toMatch(new RegExp(`^<28>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d web\\[${process.pid}\\]: disk almost full$`));
  expect(d!.sender.pid).toBe(process.pid);
  f.close();
});

it('gives a message without facility user\'s, and keeps what is above MaxLevelSyslog= back', async () => {
  const f = new SyslogForwarder(5, () => {}, path);
  f.forward(6, 'chatty', me, Buffer.from('info: not forwarded'));
  f.forward(5, 'chatty', me, Buffer.from('notice'));
  const all = await received(1);
  expect(all.map((d) => d.text.replace(/^(<\d+>)\S+ +\d+ \S+ /, '$1'))).toEqual([`<13>chatty[${process.pid}]: notice`]);
  f.close();
});

it('passes a /dev/log datagram on as it came, and a gone writer\'s as svcd\'s own', async () => {
  const f = new SyslogForwarder(7, () => {}, path);
  f.forwardRaw(14, Buffer.from('<14>Dec  7 10:00:00 tool[42]: raw'), { pid: 2 ** 22 + 1, uid: me.uid, gid: me.gid });
  const [d] = await received(1);
  expect(d!.text).toBe('<14>Dec  7 10:00:00 tool[42]: raw');
  expect(d!.sender.pid).toBe(process.pid);
  f.close();
});

it('drops the message quietly when nothing listens', () => {
  const reports: string[] = [];
  const f = new SyslogForwarder(7, (t) => reports.push(t), join(dir, 'nobody'));
  f.forward(6, 'x', me, Buffer.from('lost'));
  expect(reports).toEqual([]);
  f.close();
});

it('writes the time as strftime("%h %e %T ") does', () => {
  expect(syslogTime(new Date(2026, 11, 7, 9, 5, 1))).toBe('Dec  7 09:05:01 ');
  expect(syslogTime(new Date(2026, 0, 17, 23, 59, 59))).toBe('Jan 17 23:59:59 ');
});

it('tries a socket nobody listens on once per turn of the event loop, and again at the next', async () => {
  const late = join(dir, 'late');
  const f = new SyslogForwarder(7, () => {}, late);
  f.forward(6, 'x', me, Buffer.from('before'));
  const h = bindDatagram(late, (data) => got.push({ text: data.toString(), sender: me as Sender }));
  try {
    f.forward(6, 'x', me, Buffer.from('same turn'));
    await new Promise((r) => setImmediate(r));
    f.forward(6, 'x', me, Buffer.from('next turn'));
    expect((await received(1)).map((d) => d.text.replace(/^.*: /, ''))).toEqual(['next turn']);
  } finally {
    closeDatagram(h);
    f.close();
  }
});
