/**
 * The message answering a method call, whichever transport it came by (the private socket or the
 * system bus): a method return carrying the handler's reply, or an error carrying a BusError's
 * name and text — anything else thrown is svcd's bug and answered as org.freedesktop.DBus.Error.Failed.
 */
import type { Reply } from './connection.js';
import { BusError, DBUS_ERROR } from './errors.js';
import { BUS_NAME } from './paths.js';
import { encode, MessageType, type BusMessage, type OutgoingMessage } from './wire.js';

const isReply = (a: unknown): a is Reply => typeof a === 'object' && a !== null && 'body' in a && 'signature' in a && !(a instanceof Error);

/** `call.sender` becomes the destination: on a bus, that is how the answer finds its caller. */
export function answerTo(call: BusMessage, answer: unknown, log: (text: string) => void): OutgoingMessage {
  const to = { replySerial: call.serial, destination: call.sender, sender: BUS_NAME };
  if (isReply(answer)) return { type: MessageType.methodReturn, ...to, signature: answer.signature, body: answer.body };
  const e = answer instanceof BusError ? answer : new BusError(DBUS_ERROR.failed, answer instanceof Error ? answer.message : String(answer));
  if (!(answer instanceof BusError)) log(`D-Bus ${call.interface ?? ''}.${call.member ?? ''} failed: ${e.message}`);
  return { type: MessageType.error, ...to, errorName: e.name, signature: 's', body: [e.message] };
}

/** The answer's bytes; a value the marshaller refuses is svcd's bug, and the caller still gets an answer. */
export function encodeAnswer(out: OutgoingMessage, serial: number, log: (text: string) => void): Buffer {
  try {
    return encode(out, serial);
  } catch (e) {
    log(`D-Bus reply not encodable: ${(e as Error).message}`);
    return encode({ type: MessageType.error, replySerial: out.replySerial, destination: out.destination, sender: BUS_NAME, errorName: DBUS_ERROR.failed, signature: 's', body: ['Reply could not be encoded.'] }, serial);
  }
}
