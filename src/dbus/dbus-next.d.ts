// dbus-next 0.10.2 (pinned exactly in package.json) ships no types for the internal module svcd
// reuses for marshalling: only what src/dbus/wire.ts calls is declared.
declare module 'dbus-next/lib/message.js' {
  /** A message as dbus-next's marshaller takes and gives it (header fields by name). */
  export interface RawMessage {
    type?: number;
    flags?: number;
    serial?: number;
    path?: string;
    interface?: string;
    member?: string;
    errorName?: string;
    replySerial?: number;
    destination?: string;
    sender?: string;
    signature?: string;
    unixFd?: number;
    body?: unknown[];
  }
  export function marshall(message: RawMessage): [Buffer, number[]];
}

declare module 'dbus-next/lib/dbus-buffer.js' {
  /** A reader over one message's bytes (endian: 0x6c little, 0x42 big). */
  class DBusBuffer {
    constructor(buffer: Buffer, startPos: number, endian: number, fds: null, options?: { ayBuffer?: boolean });
    buffer: Buffer;
    pos: number;
    read(signature: string): unknown[];
    align(power: number): void;
    readInt8(): number;
    readArray(element: unknown, size: number): unknown[];
  }
  export = DBusBuffer;
}

declare module 'dbus-next/lib/constants.js' {
  export const headerTypeName: readonly (string | null)[];
}

declare module 'dbus-next/lib/handshake.js' {
  /** The client's side of the authentication conversation; `cb` gets the server's GUID. */
  function clientHandshake(stream: import('node:net').Socket, opts: { authMethods?: string[] }, cb: (err: unknown, guid?: string) => void): void;
  export = clientHandshake;
}
