/**
 * `svcctl logs` (and svcctl called as `journalctl`): journalctl's flags over the journal svcd
 * writes. Without -D/--file it asks the running svcd where its journal is, else reads journald's
 * places (/var/log/journal/MACHINE_ID, /run/log/journal/MACHINE_ID). -f polls the files' tails
 * every 50 ms; on a terminal, output goes through `less` unless --no-pager, coloured by priority.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { openPager, wantsPager } from '../pager.js';
import { writeLines } from '../line-writer.js';
import {
  currentBootId, defaultDirs, formatEntryOutput, OUTPUT_MODES, parsePriority, query, queryEntries, type JournalEntry, type LogQuery, type OutputMode,
} from '../../../control/journal-query.js';
import { mangleUnitName } from '../mangle.js';
import { stringIsGlob } from '../../../shared/glob.js';

const OPTIONS = {
  unit: { type: 'string', short: 'u', multiple: true },
  follow: { type: 'boolean', short: 'f' },
  lines: { type: 'string', short: 'n' },
  priority: { type: 'string', short: 'p' },
  boot: { type: 'string', short: 'b' },
  since: { type: 'string', short: 'S' },
  until: { type: 'string', short: 'U' },
  grep: { type: 'string', short: 'g' },
  'case-sensitive': { type: 'string' },
  output: { type: 'string', short: 'o' },
  reverse: { type: 'boolean', short: 'r' },
  'no-pager': { type: 'boolean' },
  directory: { type: 'string', short: 'D' },
  file: { type: 'string', multiple: true },
  'runtime-dir': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  catalog: { type: 'boolean', short: 'x' },
  'pager-end': { type: 'boolean', short: 'e' },
  all: { type: 'boolean', short: 'a' },
  'no-hostname': { type: 'boolean' },
  'no-tail': { type: 'boolean' },
  merge: { type: 'boolean', short: 'm' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface LogsIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Options that take a value, by every spelling: getopt gives them the next argument even when it starts with "-". */
const VALUE_OPTIONS = new Map<string, string>(
  Object.entries(OPTIONS).flatMap(([name, o]) =>
    o.type === 'string' && name !== 'lines' && name !== 'boot' ? [[`--${name}`, name], ...('short' in o ? [[`-${o.short}`, name] as const] : [])] : [],
  ),
);

/**
 * Argument spellings node's parseArgs() reads differently from getopt: a value starting with "-"
 * ("--since -1h", "-b -1") is joined to its option; -n and -b take an optional argument in
 * journalctl, so they get their defaults when it is absent.
 */
function normalise(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const valueOption = VALUE_OPTIONS.get(a);
    if (next !== undefined && next.startsWith('-') && (valueOption !== undefined || ((a === '-b' || a === '--boot') && /^-\d+$/.test(next)))) {
      out.push(`--${valueOption ?? 'boot'}=${next}`);
      i++;
      continue;
    }
    out.push(a);
    if ((a === '-n' || a === '--lines') && (next === undefined || !/^[+]?\d+$|^all$/.test(next))) out.push('10');
    if ((a === '-b' || a === '--boot') && (next === undefined || !/^(-?\d+|[0-9a-f]{32}|all)$/.test(next))) out.push('0');
  }
  return out;
}

async function daemonJournalDir(io: LogsIo, runtimeDir?: string): Promise<string | undefined> {
  const dir = runtimeDir ?? (io.env.SVCD_RUNTIME_DIR || '/run/svcd');
  try {
    // Loaded only here: -D/--file reads need no control socket, and start faster without it.
    const { call, CONTROL_SOCKET } = await import('../../../control/protocol.js');
    const r = await call(join(dir, CONTROL_SOCKET), 'manager-status', {});
    return r.ok ? r.result.journalDir : undefined;
  } catch {
    return undefined;
  }
}

export async function runLogs(argv: readonly string[], io: LogsIo, name = 'journalctl'): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: normalise(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr.write(`${name}: ${(e as Error).message}\n`);
    return 1;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write('svcctl logs [-u UNIT]... [-f] [-n N] [-p PRIO] [-b] [--since T] [--until T] [-g PATTERN] [-o MODE] [-r] [--no-pager] [-D DIR]\n');
    return 0;
  }
  const mode = (v.output ?? 'short') as OutputMode;
  if (!OUTPUT_MODES.includes(mode)) {
    io.stderr.write(`Unknown output format '${v.output ?? ''}'.\n`);
    return 1;
  }
  let dirs: string[];
  if (v.directory) dirs = [v.directory];
  else if (v.file) dirs = v.file;
  else {
    const d = await daemonJournalDir(io, v['runtime-dir']);
    dirs = d ? [d] : defaultDirs();
  }
  const priorities = v.priority === undefined ? undefined : parsePriority(v.priority);
  if (v.priority !== undefined && !priorities) {
    io.stderr.write(`Failed to parse priority value: ${v.priority}\n`);
    return 1;
  }
  const parseTime = v.since !== undefined || v.until !== undefined ? (await import('../../../control/journal-time.js')).parseTime : undefined;
  const since = v.since === undefined ? undefined : parseTime?.(v.since, io.env);
  if (v.since !== undefined && since === undefined) {
    io.stderr.write(`Failed to parse timestamp: ${v.since}\n`);
    return 1;
  }
  const until = v.until === undefined ? undefined : parseTime?.(v.until, io.env);
  if (v.until !== undefined && until === undefined) {
    io.stderr.write(`Failed to parse timestamp: ${v.until}\n`);
    return 1;
  }
  if (since !== undefined && until !== undefined && since > until) {
    io.stderr.write('--since= must be before --until=.\n');
    return 1;
  }
  let grep: RegExp | undefined;
  if (v.grep !== undefined) {
    // journalctl's smart case: case-insensitive unless the pattern has an upper-case letter.
    const insensitive = v['case-sensitive'] === undefined ? v.grep === v.grep.toLowerCase() : !/^(1|yes|true)$/.test(v['case-sensitive']);
    try {
      grep = new RegExp(v.grep, insensitive ? 'i' : '');
    } catch {
      io.stderr.write(`Failed to compile pattern "${v.grep}"\n`);
      return 1;
    }
  }
  const pagerEnd = v['pager-end'] === true;
  let lines: number | undefined = v.lines === undefined ? (v.follow || pagerEnd ? (pagerEnd ? 1000 : 10) : undefined) : v.lines === 'all' ? undefined : Number(v.lines.replace(/^\+/, ''));
  if (lines !== undefined && !Number.isFinite(lines)) lines = undefined;
  const q: LogQuery = {
    dirs,
    units: (v.unit ?? []).map((u) => (stringIsGlob(u) ? (u.includes('.') ? u : `${u}.service`) : mangleUnitName(u))),
    priorities,
    bootId: v.boot !== undefined && v.boot !== 'all' ? (/^[0-9a-f]{32}$/.test(v.boot) ? v.boot : currentBootId()) : undefined,
    since,
    until,
    grep,
    reverse: v.reverse ?? false,
    lines,
  };
  const color = Boolean(io.stdout.isTTY);
  const line = (e: JournalEntry): string | Buffer => formatEntryOutput(e, mode, color);
  if (!v.follow) {
    const pagerIo = { stdout: io.stdout, isTTY: Boolean(io.stdout.isTTY), env: io.env };
    const pager = wantsPager(pagerIo, v['no-pager']) ? await openPager(pagerIo, pagerEnd) : undefined;
    const out = pager?.input ?? io.stdout;
    const { count, end } = await writeLines(out, queryEntries(q), line);
    if (count === 0 && end === 'done' && !v.quiet && mode.startsWith('short')) out.write('-- No entries --\n');
    if (pager) {
      if (end === 'done') pager.input.end();
      else pager.input.destroy();
      await pager.closed;
    }
    return 0;
  }
  // -f: what is shown now, then every 50 ms what came after the last entry shown.
  let last: JournalEntry | undefined;
  const shown = (e: JournalEntry): string | Buffer => {
    last = e;
    return line(e);
  };
  if ((await writeLines(io.stdout, queryEntries(q), shown)).end === 'reader-gone') return 0;
  if (!last) last = query({ ...q, lines: 1, units: [], priorities: undefined, grep: undefined })[0];
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      resolve(0);
      process.exit(0);
    };
    const tick = async () => {
      try {
        const { end } = await writeLines(io.stdout, queryEntries({ ...q, lines: undefined, reverse: false }, last), shown);
        if (end === 'reader-gone') {
          stop();
          return;
        }
        if (!last) last = query({ ...q, lines: 1, units: [], priorities: undefined, grep: undefined })[0];
      } catch {
        // a file rotated under us: the next tick reads the new one
      }
      timer = setTimeout(() => void tick(), 50);
    };
    timer = setTimeout(() => void tick(), 50);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
