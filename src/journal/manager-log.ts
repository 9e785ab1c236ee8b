/**
 * svcd's own log: a pino logger whose records become journal entries of svcd (PID 1's, as systemd's
 * own messages are) and, from info up, lines on svcd's stderr (the console, `docker logs`).
 *
 * A record's structured fields travel as journal fields: `unit` becomes UNIT= (what `journalctl
 * -u` and `svcctl status` find svcd's words about a unit by), any other key its upper-case name
 * (`{ generator: '/x' }` → GENERATOR=/x), as sd_journal_send(3) callers do. pino's levels map to
 * syslog priorities: trace/debug 7, info 6, warn 4, error 3, fatal 2.
 */
import pino, { type Logger } from 'pino';
import type { JournalItem } from './file-writer.js';

export type ManagerLog = Logger & {
  /**
   * `log.info({ unit }, text)` without pino's round trip through JSON: the engine's lines about a
   * unit (three of them lie between a service's exit and its restart). Same entry, same line.
   */
  unitInfo(text: string, unit?: string): void;
};

/** Where records go: the journal (none: svcd runs without one) and stderr. */
export interface ManagerLogSinks {
  readonly journal?: { log(text: string, unit?: string, priority?: number, fields?: readonly JournalItem[]): void };
  readonly stderr: (line: string) => void;
  /** Whether stderr is still there (a console that went away stops being written to). */
  readonly consoleOpen?: () => boolean;
}

const PRIORITY_OF_LEVEL: Readonly<Record<number, number>> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };
/** A journal field name: upper-case letters, digits and _, not starting with _ or a digit. */
const FIELD = /^[A-Z][A-Z0-9_]*$/;

export function createManagerLog(sinks: ManagerLogSinks): ManagerLog {
  const emit = (priority: number, text: string, name: string | undefined, fields: readonly JournalItem[]): void => {
    // systemd words a unit's message "unit: text"; callers may have done so already.
    const worded = name && !text.startsWith(`${name}: `) ? `${name}: ${text}` : text;
    sinks.journal?.log(worded, name, priority, fields);
    if (priority <= 6 && (sinks.consoleOpen?.() ?? true)) sinks.stderr(`svcd: ${worded}\n`);
  };
  const destination = {
    write(line: string): void {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const { level, msg, unit, ...rest } = record;
      const text = typeof msg === 'string' ? msg : '';
      const name = typeof unit === 'string' && unit !== '' ? unit : undefined;
      const priority = PRIORITY_OF_LEVEL[Number(level)] ?? 6;
      const fields: JournalItem[] = [];
      for (const [k, v] of Object.entries(rest)) {
        const key = k.toUpperCase();
        if (FIELD.test(key) && v !== undefined && v !== null) fields.push([key, typeof v === 'string' ? v : JSON.stringify(v)]);
      }
      emit(priority, text, name, fields);
    },
  };
  const logger = pino({ level: 'debug', base: undefined, timestamp: false }, destination);
  return Object.assign(logger, { unitInfo: (text: string, unit?: string) => emit(PRIORITY_OF_LEVEL[30]!, text, unit || undefined, []) });
}
