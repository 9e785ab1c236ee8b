/**
 * StandardInput=, StandardOutput=, StandardError= (systemd.exec(5)) → the child's three fds.
 *
 * journal (the default output, DefaultStandardOutput=journal), journal+console, kmsg and
 * kmsg+console go to the journal stream the caller provides (svcd's console when there is no
 * journal); inherit on stdout means stdin's, on stderr stdout's; file:PATH opens for writing
 * without truncation, append: appends, truncate: truncates, all created 0644 as systemd does;
 * tty/TTYPath= opens the terminal (/dev/console by default). socket: an Accept=yes service's
 * connection (stdout and stderr inherit it unless set); fd: /dev/null for now (the caller gets a notice).
 */
import { openSync, constants } from 'node:fs';
import type { ExecContext } from '../unit/model.js';
import type { StdioFd } from './native.js';

export interface StdioPlan {
  readonly fds: readonly [StdioFd, StdioFd, StdioFd];
  /** fds svcd opened for the child and must close once it is spawned. */
  readonly opened: readonly number[];
  /** Set when a setting could not be honoured (logged once by the caller). */
  readonly notice?: string;
}

/** systemd's exit statuses for each stream's setup failing. */
export const STDIO_EXIT = { stdin: 208, stdout: 209, stderr: 222 } as const;

export class StdioError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function openOutput(spec: string, stream: 'stdout' | 'stderr'): number | undefined {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOCTTY;
  let path: string | undefined;
  let mode = flags;
  if (spec.startsWith('file:')) path = spec.slice(5);
  else if (spec.startsWith('append:')) {
    path = spec.slice(7);
    mode |= constants.O_APPEND;
  } else if (spec.startsWith('truncate:')) {
    path = spec.slice(9);
    mode |= constants.O_TRUNC;
  }
  if (path === undefined) return undefined;
  try {
    return openSync(path, mode, 0o644);
  } catch (e) {
    throw new StdioError(`Failed to set up standard ${stream === 'stdout' ? 'output' : 'error'}: ${(e as Error).message}`, STDIO_EXIT[stream]);
  }
}

/** `socketFd`: an Accept=yes service's connection, for StandardInput=socket (svcd keeps its own copy). */
export function resolveStdio(ctx: ExecContext, journal: () => number | undefined, console: readonly [number, number], socketFd?: number): StdioPlan {
  const opened: number[] = [];
  let notice: string | undefined;
  let journalFd: number | undefined;
  const journalStream = (fallback: number): number => {
    journalFd ??= journal();
    return journalFd ?? fallback;
  };
  const tty = (flags: number): number => {
    const fd = openSync(ctx.ttyPath ?? '/dev/console', flags | constants.O_NOCTTY);
    opened.push(fd);
    return fd;
  };

  let stdin: StdioFd = 'null';
  const input = ctx.standardInput ?? 'null';
  if (input === 'tty' || input === 'tty-force' || input === 'tty-fail') {
    try {
      stdin = tty(constants.O_RDWR);
    } catch (e) {
      throw new StdioError(`Failed to set up standard input: ${(e as Error).message}`, STDIO_EXIT.stdin);
    }
  } else if (input.startsWith('file:')) {
    try {
      stdin = openSync(input.slice(5), constants.O_RDONLY);
      opened.push(stdin);
    } catch (e) {
      throw new StdioError(`Failed to set up standard input: ${(e as Error).message}`, STDIO_EXIT.stdin);
    }
  } else if (input === 'socket' && socketFd !== undefined) {
    stdin = socketFd;
  } else if (input !== 'null') {
    notice = `StandardInput=${input} is not supported yet; using /dev/null.`;
  }

  const output = (spec: string | undefined, stream: 'stdout' | 'stderr', inherited: StdioFd): StdioFd => {
    // A socket as stdin is a two-way stream: output defaults to it too (systemd's service_fix_stdio).
    const s = spec ?? (stream === 'stdout' && !(input === 'socket' && socketFd !== undefined) ? 'journal' : 'inherit');
    if (s === 'inherit') return inherited;
    if (s === 'socket' && socketFd !== undefined) return socketFd;
    if (s === 'null') return 'null';
    if (s === 'journal' || s === 'journal+console' || s === 'kmsg' || s === 'kmsg+console' || s === 'syslog' || s === 'syslog+console') {
      return journalStream(stream === 'stdout' ? console[0] : console[1]);
    }
    if (s === 'tty') {
      try {
        return stdin !== 'null' && (input === 'tty' || input === 'tty-force' || input === 'tty-fail') ? stdin : tty(constants.O_WRONLY);
      } catch (e) {
        throw new StdioError(`Failed to set up standard ${stream === 'stdout' ? 'output' : 'error'}: ${(e as Error).message}`, STDIO_EXIT[stream]);
      }
    }
    const fd = openOutput(s, stream);
    if (fd !== undefined) {
      opened.push(fd);
      return fd;
    }
    notice = `Standard${stream === 'stdout' ? 'Output' : 'Error'}=${s} is not supported yet; using /dev/null.`;
    return 'null';
  };
  // stdout inherit means stdin's fd (a tty or /dev/null).
  const out = output(ctx.standardOutput, 'stdout', stdin);
  const err = output(ctx.standardError, 'stderr', out);
  if (journalFd !== undefined) opened.push(journalFd);
  return { fds: [stdin, out, err], opened, notice };
}
