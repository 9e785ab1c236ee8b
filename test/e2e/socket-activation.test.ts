// Socket units with svcd as PID 1 of a PID namespace, real sockets and real services: the fds a
// socket-activated service gets (sd_listen_fds(3): LISTEN_PID its own pid, LISTEN_FDS, LISTEN_FDNAMES,
// fds from 3 in Listen…= order, of the kinds asked for), the socket listening while its service
// restarts, Accept=yes instances named as systemd names them, SocketUser=/SocketMode=, Symlinks= and
// RemoveOnStop=, and sockets whose bind fails — failed as systemd fails them, the rest of the boot unaffected.
import { connect, type Socket } from 'node:net';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTree } from '../support/tree.mjs';
import { bootInNamespace, sleep, type SvcdInNamespace } from '../support/svcd-ns.js';

const dir = mkdtempSync('/dev/shm/svcd-sockets-');
const sdir = join(dir, 's');
// Ports of the host's network (svcd shares it): picked at random, away from the ephemeral range.
const base = 20000 + Math.floor(Math.random() * 400) * 50;
const [ACT_PORT, ACC_PORT, PASSSEC_PORT] = [base, base + 1, base + 2];
const abstract = `@svcd-e2e-${process.pid}`;

// The activated service: answers each connection on fd 3 with what sd_listen_fds(3) would see.
const server = join(dir, 'server.py');
writeFileSync(server, [
  '#!/usr/bin/python3',
  'import os, socket, stat',
  'def kind(fd):',
  '    m = os.fstat(fd).st_mode',
  "    if stat.S_ISFIFO(m): return 'fifo'",
  "    s = socket.socket(fileno=os.dup(fd)); t = {socket.SOCK_STREAM: 'stream', socket.SOCK_DGRAM: 'dgram', socket.SOCK_SEQPACKET: 'seqpacket'}[s.type]",
  "    f = {socket.AF_INET: 'inet', socket.AF_INET6: 'inet6', socket.AF_UNIX: 'unix'}[s.family]; s.detach(); return f + '/' + t",
  "n = int(os.environ.get('LISTEN_FDS', '0'))",
  "info = ' '.join([str(os.environ.get('LISTEN_PID') == str(os.getpid())), str(n), os.environ.get('LISTEN_FDNAMES', '')] + [kind(3 + i) for i in range(n)])",
  's = socket.socket(fileno=3)',
  'while True:',
  '    c, _ = s.accept()',
  "    c.sendall(('%d %s\\n' % (os.getpid(), info)).encode())",
  '    c.close()',
  '',
].join('\n'), { mode: 0o755 });

let svcd: SvcdInNamespace;
const show = async (unit: string, prop: string) => (await svcd.svcctl('show', '-p', prop, '--value', unit)).stdout.trim();

/** Connects to `port` on 127.0.0.1 and reads until the peer closes; `send` is written first. */
function ask(port: number, send?: string): Promise<{ text: string; localPort: number }> {
  return new Promise((resolve, reject) => {
    const c: Socket = connect(port, '127.0.0.1');
    let text = '';
    let localPort = 0;
    c.setTimeout(10000, () => c.destroy(new Error(`no answer on port ${port}`)));
    c.on('connect', () => {
      localPort = c.localPort ?? 0;
      if (send !== undefined) c.write(send);
    });
    c.on('data', (d) => (text += d.toString()));
    c.on('end', () => resolve({ text, localPort }));
    c.on('error', reject);
  });
}

beforeAll(async () => {
  buildTree(join(dir, 'units'), { files: {
    'act.socket': [
      '[Socket]', `ListenStream=127.0.0.1:${ACT_PORT}`, `ListenStream=${sdir}/stream.sock`, `ListenDatagram=${abstract}`,
      `ListenFIFO=${sdir}/fifo`, `ListenSequentialPacket=${sdir}/seq`, 'FileDescriptorName=tee', 'SocketMode=0640', 'SocketUser=nobody', '',
    ].join('\n'),
    'act.service': `[Service]\nExecStart=${server}\n`,
    // The same port again: its bind fails (after act.socket has it).
    'busy.socket': `[Unit]\nAfter=act.socket\n[Socket]\nListenStream=127.0.0.1:${ACT_PORT}\n`,
    'busy.service': '[Service]\nExecStart=/bin/true\n',
    'nodir.socket': '[Socket]\nListenStream=/proc/nonexistent/x.sock\n',
    'nodir.service': '[Service]\nExecStart=/bin/true\n',
    'acc.socket': `[Socket]\nListenStream=127.0.0.1:${ACC_PORT}\nAccept=yes\n`,
    'acc@.service': '[Service]\nExecStart=/bin/sh -c \'read line; echo "%i $LISTEN_FDS $LISTEN_FDNAMES $line"\'\nStandardInput=socket\n',
    'link.socket': `[Socket]\nListenStream=${sdir}/link.sock\nSymlinks=${sdir}/alias.sock\nRemoveOnStop=yes\n`,
    'link.service': '[Service]\nExecStart=/bin/true\n',
    'orphan.socket': '[Socket]\nListenStream=/run/svcd-e2e-orphan.sock\nService=nothere.service\n',
    // SO_PASSSEC on an IP socket: the kernel refuses it (EOPNOTSUPP), systemd warns and listens.
    'passsec.socket': `[Socket]\nListenStream=127.0.0.1:${PASSSEC_PORT}\nPassSecurity=yes\nKeepAlive=yes\n`,
    'passsec.service': '[Service]\nExecStart=/bin/true\n',
    'x.target': '[Unit]\nWants=act.socket busy.socket nodir.socket acc.socket link.socket orphan.socket passsec.socket\n',
  } });
  svcd = await bootInNamespace(dir, join(dir, 'units'), 'x.target');
}, 60_000);

afterAll(async () => {
  await svcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('hands an Accept=no service every fd from 3 in Listen= order with LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES', async () => {
  expect(await show('act.socket', 'SubState'), svcd.console()).toBe('listening');
  expect(await show('act.service', 'ActiveState')).toBe('inactive');
  const { text } = await ask(ACT_PORT);
  const [pid, ...info] = text.trim().split(' ');
  expect(info).toEqual(['True', '5', 'tee:tee:tee:tee:tee', 'inet/stream', 'unix/stream', 'unix/dgram', 'fifo', 'unix/seqpacket']);
  expect(await show('act.service', 'MainPID')).not.toBe('0');
  expect(Number(pid)).toBeGreaterThan(1);
  expect([await show('act.service', 'SubState'), await show('act.socket', 'SubState')]).toEqual(['running', 'running']);
}, 60_000);

it('keeps listening while the service restarts and activates it again after a stop', async () => {
  const first = (await ask(ACT_PORT)).text.split(' ')[0];
  expect((await svcd.svcctl('restart', 'act.service')).rc).toBe(0);
  const second = (await ask(ACT_PORT)).text.split(' ')[0];
  expect(second).not.toBe(first);
  expect((await svcd.svcctl('stop', 'act.service')).rc).toBe(0);
  expect([await show('act.service', 'ActiveState'), await show('act.socket', 'SubState')]).toEqual(['inactive', 'listening']);
  const third = (await ask(ACT_PORT)).text.split(' ')[0];
  expect([third === first, third === second]).toEqual([false, false]);
  expect(await show('act.socket', 'SubState')).toBe('running');
}, 60_000);

it('makes unix socket files and FIFOs with SocketMode= and SocketUser=', () => {
  for (const node of ['stream.sock', 'fifo', 'seq']) {
    const st = statSync(join(sdir, node));
    expect([node, st.mode & 0o777, st.uid]).toEqual([node, 0o640, 65534]);
  }
});

it('starts NAME@N-LOCAL-REMOTE.service per connection for Accept=yes, with the connection as its fd and stdin', async () => {
  const { text, localPort } = await ask(ACC_PORT, 'hello\n');
  expect(text.trim()).toBe(`0-127.0.0.1:${ACC_PORT}-127.0.0.1:${localPort} 1 connection hello`);
  const second = await ask(ACC_PORT, 'again\n');
  expect(second.text.trim()).toBe(`1-127.0.0.1:${ACC_PORT}-127.0.0.1:${second.localPort} 1 connection again`);
  expect(await show('acc.socket', 'SubState')).toBe('listening');
}, 60_000);

it('fails a socket whose port is taken or whose directory cannot be made, with systemd\'s words, and boots the rest', async () => {
  expect([await show('busy.socket', 'ActiveState'), await show('nodir.socket', 'ActiveState')]).toEqual(['failed', 'failed']);
  const out = svcd.console();
  expect(out).toContain("busy.socket: Failed with result 'resources'.");
  expect(out).toContain("nodir.socket: Failed with result 'resources'.");
  expect(out).toContain(`busy.socket: Failed to create listening socket (127.0.0.1:${ACT_PORT}): Address already in use`);
  expect(out).toContain('busy.socket: Failed to listen on sockets: Address already in use');
  expect(out).toContain('nodir.socket: Failed to create listening socket (/proc/nonexistent/x.sock): No such file or directory');
  expect(out).toContain('[FAILED] Failed to listen on nodir.socket.');
  // A service that is not there: the start is refused and the socket stays dead, as under systemd.
  expect(out).toContain('orphan.socket: Socket service nothere.service not loaded, refusing.');
  expect(out).toContain('[FAILED] Failed to listen on orphan.socket.');
  expect([await show('orphan.socket', 'SubState'), await show('orphan.socket', 'Result')]).toEqual(['dead', 'success']);
  expect(await show('x.target', 'ActiveState')).toBe('active');
  expect((await svcd.svcctl('is-system-running')).stdout.trim()).toBe('degraded');
}, 60_000);

it('listens where the kernel refuses a socket option systemd only warns about (SO_PASSSEC on an IP socket), with its warning', async () => {
  expect(await show('passsec.socket', 'SubState'), svcd.console()).toBe('listening');
  expect(svcd.console()).toContain('passsec.socket: SO_PASSSEC failed: Operation not supported');
});

it('points Symlinks= at the socket file and removes both on stop with RemoveOnStop=yes', async () => {
  expect(lstatSync(join(sdir, 'alias.sock')).isSymbolicLink()).toBe(true);
  expect(readFileSync('/proc/net/unix', 'utf8')).toContain(join(sdir, 'link.sock'));
  expect((await svcd.svcctl('stop', 'link.socket')).rc).toBe(0);
  for (let t = 0; t < 50 && existsSync(join(sdir, 'link.sock')); t++) await sleep(100);
  expect([existsSync(join(sdir, 'link.sock')), existsSync(join(sdir, 'alias.sock'))]).toEqual([false, false]);
}, 60_000);

it('shows the socket\'s Listen= lines and what it triggers in status, and the service what triggers it', async () => {
  const page = (await svcd.svcctl('status', '--no-pager', 'act.socket')).stdout;
  expect(page).toContain([
    '   Triggers: ● act.service',
    `     Listen: 127.0.0.1:${ACT_PORT} (Stream)`,
    `             ${sdir}/stream.sock (Stream)`,
    `             ${abstract} (Datagram)`,
    `             ${sdir}/fifo (FIFO)`,
    `             ${sdir}/seq (SequentialPacket)`,
  ].join('\n'));
  expect((await svcd.svcctl('status', '--no-pager', 'act.service')).stdout).toMatch(/\nTriggeredBy: ● act\.socket\n/);
}, 60_000);

it('keeps its fds across daemon-reexec: the socket still listens and activates its service after it', async () => {
  expect((await svcd.svcctl('stop', 'act.service')).rc).toBe(0);
  expect(await show('act.socket', 'SubState')).toBe('listening');
  expect((await svcd.svcctl('daemon-reexec')).rc, svcd.console()).toBe(0);
  expect(await show('act.socket', 'SubState')).toBe('listening');
  const { text } = await ask(ACT_PORT);
  expect(text.trim().split(' ').slice(1, 3)).toEqual(['True', '5']);
  expect([await show('act.service', 'SubState'), await show('act.socket', 'SubState')]).toEqual(['running', 'running']);
  const acc = await ask(ACC_PORT, 'after\n');
  expect(acc.text.trim()).toMatch(/ 1 connection after$/);
}, 60_000);
