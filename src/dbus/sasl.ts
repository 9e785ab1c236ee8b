/**
 * The server's half of the D-Bus authentication conversation (the spec's "Authentication
 * Protocol"), which dbus-next has only as a client. svcd offers EXTERNAL alone: the kernel tells
 * who the peer is (SO_PEERCRED), so the conversation only has to agree with it. Unix fd passing
 * is refused (svcd's messages carry none), which every client, systemctl's sd-bus included,
 * accepts and goes on without.
 *
 * Fed raw bytes, it answers lines and, after BEGIN, hands back whatever followed in the same read:
 * systemctl sends its whole side of the handshake and its first call in one write.
 */

/** How much a peer may send before BEGIN: the real conversation is well under 100 bytes. */
export const MAX_AUTH_BYTES = 16 * 1024;

export type SaslStep =
  | { readonly kind: 'more'; readonly reply: string }
  | { readonly kind: 'begin'; readonly reply: string; readonly rest: Buffer }
  | { readonly kind: 'fail'; readonly reply: string; readonly why: string };

type State = 'nul' | 'auth' | 'data' | 'ok';

/** A peer's uid as EXTERNAL carries it: the decimal uid's ASCII, hex-encoded. */
const hexUid = (uid: number): string => Buffer.from(String(uid), 'ascii').toString('hex');

export class SaslServer {
  private state: State = 'nul';
  private pending: Buffer = Buffer.alloc(0);
  private seen = 0;

  /** `peerUid`: SO_PEERCRED's answer, the only identity EXTERNAL may claim. */
  constructor(
    private readonly peerUid: number,
    private readonly guid: string,
  ) {}

  push(chunk: Buffer): SaslStep {
    this.seen += chunk.length;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let reply = '';
    if (this.state === 'nul') {
      if (this.pending.length === 0) return { kind: 'more', reply };
      // The credentials byte: a NUL before anything else.
      if (this.pending[0] !== 0) return { kind: 'fail', reply, why: 'no NUL byte before the authentication' };
      this.pending = this.pending.subarray(1);
      this.state = 'auth';
    }
    for (;;) {
      const eol = this.pending.indexOf('\r\n');
      if (eol < 0) break;
      const line = this.pending.subarray(0, eol).toString('latin1');
      this.pending = this.pending.subarray(eol + 2);
      const step = this.line(line);
      if (step === 'begin') return { kind: 'begin', reply, rest: this.pending };
      if (step.fail) return { kind: 'fail', reply: reply + step.reply, why: step.fail };
      reply += step.reply;
    }
    if (this.seen > MAX_AUTH_BYTES) return { kind: 'fail', reply, why: `more than ${MAX_AUTH_BYTES} bytes before BEGIN` };
    return { kind: 'more', reply };
  }

  private line(line: string): 'begin' | { reply: string; fail?: string } {
    const sp = line.indexOf(' ');
    const command = sp < 0 ? line : line.slice(0, sp);
    const args = sp < 0 ? '' : line.slice(sp + 1);
    switch (command) {
      case 'AUTH': {
        if (this.state !== 'auth') return { reply: 'ERROR "AUTH not expected now"\r\n' };
        const [mech, initial] = args.split(' ');
        if (mech !== 'EXTERNAL') return { reply: 'REJECTED EXTERNAL\r\n' };
        if (initial === undefined) {
          this.state = 'data';
          return { reply: 'DATA\r\n' };
        }
        return this.identity(initial);
      }
      case 'DATA':
        if (this.state !== 'data') return { reply: 'ERROR "DATA not expected now"\r\n' };
        return this.identity(args);
      case 'CANCEL':
        this.state = 'auth';
        return { reply: 'REJECTED EXTERNAL\r\n' };
      case 'NEGOTIATE_UNIX_FD':
        // svcd passes no file descriptors: the client goes on without (the spec's ERROR answer).
        return { reply: 'ERROR "Unix fd passing not supported"\r\n' };
      case 'BEGIN':
        if (this.state !== 'ok') return { reply: '', fail: 'BEGIN before authentication' };
        return 'begin';
      case 'ERROR':
        this.state = 'auth';
        return { reply: 'REJECTED EXTERNAL\r\n' };
      default:
        return { reply: 'ERROR "Unknown command"\r\n' };
    }
  }

  /** EXTERNAL's identity: empty (take the kernel's) or the peer's own uid. */
  private identity(hex: string): { reply: string } {
    if (hex === '' || hex.toLowerCase() === hexUid(this.peerUid)) {
      this.state = 'ok';
      return { reply: `OK ${this.guid}\r\n` };
    }
    this.state = 'auth';
    return { reply: 'REJECTED EXTERNAL\r\n' };
  }
}
