/**
 * journald's ForwardToSyslog= (journald.conf(5)): each message the journal takes in is also sent, as
 * one syslog datagram, to /run/systemd/journal/syslog — the socket of syslog.socket, which a syslog
 * daemon (Debian's rsyslog, imuxsock) reads once that socket activates it. Nobody listening is
 * normal: the datagram is dropped quietly (ENOENT, ECONNREFUSED), as journald drops it — and, unlike
 * journald, so are the others of the same turn of the event loop (see `absent`).
 *
 * The datagram is journald 252's (journald-syslog.c): "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE",
 * the time local and in the C locale, PRI with facility user where the message had none; sent with
 * the original sender's credentials (SCM_CREDENTIALS), so the syslog daemon sees who wrote it. A
 * message that arrived as a syslog datagram (/dev/log) is passed on as it came. Messages above
 * MaxLevelSyslog= are not forwarded. A reader too slow to keep up (EAGAIN) loses messages, which
 * are counted and reported at most every 30 s, as journald does.
 */
import { closeSync } from 'node:fs';
import { openDatagramSender, sendDatagramAs } from '../exec/native.js';

/** journald's place for it: RUNTIME_DIRECTORY/syslog. */
export const SYSLOG_FORWARD_SOCKET = '/run/systemd/journal/syslog';

const LOG_USER = 1 << 3;
const ENOENT = 2;
const EAGAIN = 11;
const ECONNREFUSED = 111;
const WARN_MISSED_MS = 30_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The process a message came from, as the kernel told the journal (pid 0: unknown). */
export interface Origin {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** syslog_fixup_facility(): a priority without a facility (kern, 0) is user space's: LOG_USER. */
export const fixupFacility = (priority: number): number => ((priority & ~7) === 0 ? (priority & 7) | LOG_USER : priority);

/** strftime("%h %e %T ") in local time: "Dec  7 09:05:01 ". */
export function syslogTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} `;
}

/** The datagram journald sends for a message: "<PRI>TIME IDENT[PID]: MESSAGE" (no "[PID]" when unknown). */
export function syslogDatagram(priority: number, identifier: string | undefined, pid: number, message: Buffer, now: Date): Buffer {
  let head = `<${priority}>${syslogTime(now)}`;
  if (pid > 0) head += `${identifier ?? ''}[${pid}]: `;
  else if (identifier !== undefined) head += `${identifier}: `;
  return Buffer.concat([Buffer.from(head), message]);
}

export class SyslogForwarder {
  private fd = -1;
  /**
   * Nothing listened at the last try: no more tries until the event loop's next turn. A failed
   * send costs some 9 µs (the path looked up, credentials checked), which for every line of a
   * burst would cap the journal near 100,000 lines a second in the usual container, where no
   * syslog daemon is; one try per turn costs nothing a pipe's read of many lines would notice.
   */
  private absent = false;
  private missed = 0;
  private lastWarn = 0;

  constructor(
    /** MaxLevelSyslog=: the highest level (0 emerg … 7 debug) forwarded. */
    private readonly maxLevel: number,
    private readonly report: (text: string) => void,
    private readonly path: string = SYSLOG_FORWARD_SOCKET,
  ) {}

  /** A message the journal stored: `priority` with its facility (0: none given). */
  forward(priority: number, identifier: string | undefined, origin: Origin, message: Buffer): void {
    // Nobody listens (the usual container): not even the datagram is built.
    if (this.absent || (priority & 7) > this.maxLevel) return;
    this.send(syslogDatagram(fixupFacility(priority), identifier, origin.pid, message, new Date()), origin);
  }

  /** A datagram that came in on /dev/log, passed on whole (forward_syslog_raw). */
  forwardRaw(priority: number, datagram: Buffer, origin: Origin): void {
    if ((priority & 7) > this.maxLevel) return;
    this.send(datagram, origin);
  }

  private send(datagram: Buffer, origin: Origin): void {
    if (this.absent) return;
    if (this.fd < 0) {
      this.fd = openDatagramSender();
      if (this.fd < 0) return;
    }
    // A sender the kernel gave no credentials for (uid -1) is sent without any.
    const e = sendDatagramAs(this.fd, this.path, datagram, origin.uid < 0 || origin.gid < 0 ? { pid: 0, uid: 0, gid: 0 } : origin);
    if (e === 0) return;
    if (e === ENOENT || e === ECONNREFUSED) {
      this.absent = true;
      setImmediate(() => (this.absent = false)).unref();
      return;
    }
    if (e !== EAGAIN) return;
    this.missed++;
    const now = Date.now();
    if (now - this.lastWarn >= WARN_MISSED_MS) {
      this.report(`Forwarding to syslog missed ${this.missed} messages.`);
      this.missed = 0;
      this.lastWarn = now;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
