/**
 * One peer of the private bus: the authentication conversation, then messages in both directions.
 * Everything a peer can make svcd hold is bounded: the handshake's bytes, one unfinished message,
 * one call being answered (reading pauses meanwhile, so a pipelining client waits in the kernel's
 * buffers) and the unread output (a peer that stops reading while signals pile up is dropped).
 * Whatever a peer sends, the worst outcome is its own disconnection.
 */
import type { Socket } from 'node:net';
import { SaslServer } from './sasl.js';
import { encode, MessageReader, MessageType, NO_REPLY_EXPECTED, WireError, type BusMessage, type OutgoingMessage } from './wire.js';
import { answerTo, encodeAnswer } from './answer.js';

/** Who called, as the kernel says (SO_PEERCRED when the connection was accepted). */
export interface Caller {
  readonly uid: number;
  readonly pid: number;
}

export type Reply = { readonly signature: string; readonly body: readonly unknown[] };
/** Answers one method call: a reply, or a BusError thrown (or rejected). */
export type Dispatch = (m: BusMessage, caller: Caller) => Reply | Promise<Reply>;

export interface ConnectionLimits {
  /** Time allowed for the handshake. */
  readonly authTimeoutMs: number;
  /** Output a peer may leave unread before it is dropped. */
  readonly maxUnreadBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { authTimeoutMs: 10_000, maxUnreadBytes: 16 * 1024 * 1024 };

export class BusConnection {
  private serial = 0;
  private sasl: SaslServer | undefined;
  private readonly reader = new MessageReader();
  private readonly inbox: BusMessage[] = [];
  private answering = false;
  private authTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sock: Socket,
    readonly caller: Caller,
    guid: string,
    private readonly dispatch: Dispatch,
    private readonly log: (text: string) => void,
    private readonly limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
  ) {
    this.sasl = new SaslServer(caller.uid, guid);
    sock.on('error', () => {});
    sock.on('data', (d: Buffer) => this.onData(d));
    this.authTimer = setTimeout(() => this.drop('no authentication in time'), limits.authTimeoutMs);
  }

  get authenticated(): boolean {
    return this.sasl === undefined;
  }

  get closed(): boolean {
    return this.sock.destroyed;
  }

  /** Sends a signal (or any message not answering a call). */
  send(m: OutgoingMessage): void {
    if (!this.authenticated || this.sock.destroyed) return;
    this.write(encode(m, ++this.serial));
  }

  private write(b: Buffer): void {
    if (this.sock.writableLength + b.length > this.limits.maxUnreadBytes) return this.drop('peer does not read its messages');
    this.sock.write(b);
  }

  private drop(why: string): void {
    if (this.sock.destroyed) return;
    this.log(`D-Bus peer (pid ${this.caller.pid}, uid ${this.caller.uid}) disconnected: ${why}`);
    clearTimeout(this.authTimer);
    this.sock.destroy();
  }

  private onData(d: Buffer): void {
    if (this.sasl) {
      const step = this.sasl.push(d);
      if (step.reply) this.sock.write(step.reply);
      if (step.kind === 'fail') return this.drop(`authentication: ${step.why}`);
      if (step.kind === 'more') return;
      this.sasl = undefined;
      clearTimeout(this.authTimer);
      if (step.rest.length === 0) return;
      d = step.rest;
    }
    try {
      this.inbox.push(...this.reader.push(d));
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      return this.drop(e.message);
    }
    this.pump();
  }

  /** Answers queued calls in order; a call that takes time (daemon-reload) holds the rest back. */
  private pump(): void {
    while (!this.answering && !this.sock.destroyed) {
      const m = this.inbox.shift();
      if (m === undefined) {
        this.sock.resume();
        return;
      }
      if (m.type !== MessageType.methodCall) continue; // replies and signals from a peer: nothing awaits them
      let answer: Reply | Promise<Reply>;
      try {
        answer = this.dispatch(m, this.caller);
      } catch (e) {
        this.reply(m, e);
        continue;
      }
      if (!(answer instanceof Promise)) {
        this.reply(m, answer);
        continue;
      }
      this.answering = true;
      this.sock.pause();
      answer.then(
        (r) => this.reply(m, r),
        (e: unknown) => this.reply(m, e),
      ).finally(() => {
        this.answering = false;
        this.pump();
      });
    }
  }

  private reply(call: BusMessage, answer: Reply | unknown): void {
    if (call.flags & NO_REPLY_EXPECTED || this.sock.destroyed) return;
    this.write(encodeAnswer(answerTo(call, answer, this.log), ++this.serial, this.log));
  }
}
