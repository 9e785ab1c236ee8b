/**
 * Reading an upstart 1.x job file (init(5) of upstart 1.x): /etc/init/NAME.conf and its
 * NAME.override, into what the job says. Like sysv-script.ts for init scripts, it touches no file:
 * it turns text into a typed job, so the generator's walking and writing stay out of it and it can
 * be tested on text alone. What the job becomes as a unit is upstart-unit.ts's.
 *
 * The syntax, as init(5) gives it: one stanza a line, words split at blanks, quotes ('…', "…")
 * and a backslash before a newline keep words or lines together, `#` starts a comment; `start on`
 * and `stop on` also continue while a bracket is open; `script` … `end script` takes the lines in
 * between as they are. Where upstart refuses the whole job (an unknown stanza, a script without
 * its end) svcd warns with the file and line and keeps the rest: a container is better served by
 * the job's other stanzas than by no service at all.
 */
import { signalFromString, signalToString } from '../shared/signal.js';

/** A job's process: a command line (run as upstart runs it, through the shell when it needs one) or a script for `sh -e`. */
export type UpstartProcess =
  | { readonly kind: 'exec'; readonly command: string; readonly line: number }
  | { readonly kind: 'script'; readonly body: string; readonly line: number };

/** The five processes of a job's life (init(5), "Process definition"). */
export const UPSTART_PROCESSES = ['main', 'pre-start', 'post-start', 'pre-stop', 'post-stop'] as const;
export type UpstartProcessName = (typeof UPSTART_PROCESSES)[number];

/** The resources `limit` knows (init(5)), in setrlimit's words. */
export const UPSTART_LIMITS = ['as', 'core', 'cpu', 'data', 'fsize', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'sigpending', 'stack'] as const;
export type UpstartLimit = (typeof UPSTART_LIMITS)[number];

export type ConsoleMode = 'log' | 'output' | 'owner' | 'none';
export type ExpectMode = 'fork' | 'daemon' | 'stop' | 'none';

/** One `start on` / `stop on` condition as written, with its line. */
export interface EventCondition {
  readonly text: string;
  readonly line: number;
}

export interface UpstartJob {
  description?: string;
  author?: string;
  version?: string;
  usage?: string;
  startOn?: EventCondition;
  stopOn?: EventCondition;
  /** `manual`: the `start on` before it no longer starts the job. */
  manual: boolean;
  processes: Partial<Record<UpstartProcessName, UpstartProcess>>;
  respawn: boolean;
  /** `respawn limit`: COUNT in INTERVAL seconds, or no limit. Unset: upstart's 10 in 5. */
  respawnLimit?: { readonly count: number; readonly interval: number } | 'unlimited';
  task: boolean;
  /** `normal exit`: exit statuses (numbers) and signal names (without SIG), cumulative. */
  normalExit: (number | string)[];
  expect: ExpectMode;
  killSignal?: string;
  /** Seconds. */
  killTimeout?: number;
  reloadSignal?: string;
  /** `env KEY=VALUE` (value null: `env KEY`, the value of init's own environment), in order. */
  env: [string, string | null][];
  export: string[];
  chdir?: string;
  chroot?: string;
  umask?: number;
  nice?: number;
  /** -999..1000, or never (the OOM killer leaves the job alone). */
  oomScore?: number | 'never';
  limits: Map<UpstartLimit, readonly [soft: string, hard: string]>;
  setuid?: string;
  setgid?: string;
  console?: ConsoleMode;
  instance?: string;
  emits: string[];
}

/** A problem in a job file, at its line: the stanza is skipped, the rest of the job stands. */
export interface JobDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export function emptyJob(): UpstartJob {
  return { manual: false, processes: {}, respawn: false, task: false, normalExit: [], expect: 'none', env: [], export: [], limits: new Map(), emits: [] };
}

const BLANK = ' \t';

/** A logical line: a stanza with its arguments' raw text, and where it started. */
interface Logical {
  readonly line: number;
  readonly text: string;
}

/**
 * The words of a stanza line as upstart's tokenizer cuts them: blanks separate, quotes group (and
 * are removed), a backslash keeps the next character, `#` at a word's start comments out the rest.
 */
export function splitStanzaWords(text: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i]!;
      else cur += c;
      continue;
    }
    if (BLANK.includes(c) || c === '\n') {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (c === '#' && cur === null) {
      break;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[++i]!;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

/**
 * One pass over a stanza line's quotes: where its comment starts (a `#` outside quotes at a word's
 * start; the line's length when none) and whether a quote is still open at its end (init(5): line
 * breaks are allowed inside quotes).
 */
function scanLine(text: string): { comment: number; quoteOpen: boolean } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '\\') i++;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || BLANK.includes(text[i - 1]!))) return { comment: i, quoteOpen: false };
  }
  return { comment: text.length, quoteOpen: quote !== null };
}
const commentStart = (text: string): number => scanLine(text).comment;

const parenDepth = (text: string): number => {
  let d = 0;
  for (const c of text.slice(0, commentStart(text))) d += c === '(' ? 1 : c === ')' ? -1 : 0;
  return d;
};

/** Whether a line is `end script` (blanks around, a comment after allowed). */
const isEndScript = (line: string): boolean => {
  const w = splitStanzaWords(line);
  return w[0] === 'end' && w[1] === 'script';
};

/** The number of a stanza argument that must be a whole decimal number (upstart's strtol check). */
function integer(word: string | undefined): number | undefined {
  return word !== undefined && /^-?[0-9]+$/.test(word) ? Number(word) : undefined;
}

/** A signal as `kill signal`/`normal exit` take it (TERM, SIGTERM, 15), by the shared signal table's name (TERM). */
function signalWord(word: string): string | undefined {
  const r = signalFromString(word.toUpperCase());
  return r.ok ? signalToString(r.value) : undefined;
}

/**
 * Parses a job file's text into `job` (so that an override file is read on top of its .conf, as
 * upstart applies it: a stanza given again replaces, `env`/`export`/`normal exit`/`limit` add).
 * Problems go to the returned list, each with `file` and its line.
 */
export function parseUpstartJob(text: string, file: string, job: UpstartJob = emptyJob()): { job: UpstartJob; diagnostics: JobDiagnostic[] } {
  const diagnostics: JobDiagnostic[] = [];
  const warn = (line: number, message: string) => diagnostics.push({ file, line, message });
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();

  let i = 0;
  /** The next logical line: continuation backslashes, open quotes and (for start/stop on) open brackets join lines. */
  const nextLogical = (): Logical | undefined => {
    while (i < lines.length) {
      const line = i + 1;
      let raw = lines[i++]!;
      for (;;) {
        const body = raw.slice(0, commentStart(raw));
        const continued = /\\$/.test(body) && i < lines.length;
        const words = splitStanzaWords(raw);
        const condition = (words[0] === 'start' || words[0] === 'stop') && words[1] === 'on';
        if (continued) raw = `${body.slice(0, -1)}\n${lines[i++]!}`;
        else if (scanLine(raw).quoteOpen && i < lines.length) raw = `${raw}\n${lines[i++]!}`;
        else if (condition && parenDepth(raw) > 0 && i < lines.length) raw = `${body}\n${lines[i++]!}`;
        else break;
      }
      if (splitStanzaWords(raw).length === 0) continue;
      return { line, text: raw };
    }
    return undefined;
  };

  /** The lines of a script block up to its `end script`; null when the file ends first. */
  const scriptBody = (): string | null => {
    const body: string[] = [];
    while (i < lines.length) {
      const l = lines[i++]!;
      if (isEndScript(l)) return body.length ? `${body.join('\n')}\n` : '';
      body.push(l);
    }
    return null;
  };

  /** The argument text after the first `n` words of a stanza line, comment and surrounding blanks removed. */
  const restAfter = (text: string, n: number): string => {
    let s = text.slice(0, commentStart(text));
    for (let k = 0; k < n; k++) s = s.replace(/^[ \t\n]*[^ \t\n]+/, '');
    return s.trim();
  };

  /** `formAt`: the index of the word exec/script. */
  const processStanza = (name: UpstartProcessName, form: string | undefined, l: Logical, formAt: number): void => {
    if (form === 'exec') {
      const command = restAfter(l.text, formAt + 1);
      if (command === '') warn(l.line, `${name === 'main' ? '' : `${name} `}exec without a command, ignored`);
      else job.processes[name] = { kind: 'exec', command, line: l.line };
    } else if (form === 'script') {
      const body = scriptBody();
      if (body === null) warn(l.line, `${name === 'main' ? 'script' : `${name} script`} has no "end script": the rest of the file is the script's, and the script is ignored`);
      else job.processes[name] = { kind: 'script', body, line: l.line };
    } else {
      warn(l.line, `${name} must be followed by exec or script, ignored`);
    }
  };

  for (let l = nextLogical(); l !== undefined; l = nextLogical()) {
    const w = splitStanzaWords(l.text);
    const [stanza, a1, a2, a3] = w;
    const bad = (why: string) => warn(l.line, `${stanza}: ${why}, ignored`);
    const oneArg = (): string | undefined => {
      if (w.length !== 2) {
        bad(w.length < 2 ? 'missing argument' : 'too many arguments');
        return undefined;
      }
      return a1;
    };
    switch (stanza) {
      case 'exec':
      case 'script':
        processStanza('main', stanza, l, 0);
        break;
      case 'pre-start':
      case 'post-start':
      case 'pre-stop':
      case 'post-stop':
        processStanza(stanza, a1, l, 1);
        break;
      case 'start':
      case 'stop': {
        if (a1 !== 'on') {
          bad('expected "on"');
          break;
        }
        const condition = restAfter(l.text, 2);
        if (condition === '') bad('no events');
        else if (parenDepth(l.text) !== 0) bad('unbalanced brackets');
        else if (stanza === 'start') job.startOn = { text: condition, line: l.line };
        else job.stopOn = { text: condition, line: l.line };
        break;
      }
      case 'manual':
        job.manual = true;
        break;
      case 'description':
      case 'author':
      case 'version':
      case 'usage': {
        const v = oneArg();
        if (v !== undefined) job[stanza] = v;
        break;
      }
      case 'respawn':
        if (w.length === 1) job.respawn = true;
        else if (a1 !== 'limit') bad(`unexpected "${a1}"`);
        else if (a2 === 'unlimited' && w.length === 3) job.respawnLimit = 'unlimited';
        else {
          const count = integer(a2);
          const interval = integer(a3);
          if (w.length !== 4 || count === undefined || interval === undefined || count < 0 || interval < 0) bad('expected COUNT INTERVAL or unlimited');
          // init(5): "Specifying either COUNT or INTERVAL as zero implies unlimited."
          else job.respawnLimit = count === 0 || interval === 0 ? 'unlimited' : { count, interval };
        }
        break;
      case 'task':
        job.task = true;
        break;
      case 'normal': {
        if (a1 !== 'exit' || w.length < 3) {
          bad('expected "exit" and statuses or signals');
          break;
        }
        for (const s of w.slice(2)) {
          const n = integer(s);
          const sig = n === undefined ? signalWord(s) : undefined;
          if (n !== undefined && n >= 0 && n <= 255) job.normalExit.push(n);
          else if (sig !== undefined) job.normalExit.push(sig);
          else warn(l.line, `normal exit: "${s}" is neither an exit status nor a signal, ignored`);
        }
        break;
      }
      case 'expect':
        if (w.length === 2 && (a1 === 'fork' || a1 === 'daemon' || a1 === 'stop' || a1 === 'none')) job.expect = a1;
        else bad('expected fork, daemon, stop or none');
        break;
      case 'kill': {
        if (a1 === 'signal' && w.length === 3 && signalWord(a2!)) job.killSignal = signalWord(a2!);
        else if (a1 === 'timeout' && w.length === 3 && integer(a2) !== undefined && integer(a2)! >= 0) job.killTimeout = integer(a2);
        else bad('expected "signal SIGNAL" or "timeout SECONDS"');
        break;
      }
      case 'reload':
        if (a1 === 'signal' && w.length === 3 && signalWord(a2!)) job.reloadSignal = signalWord(a2!);
        else bad('expected "signal SIGNAL"');
        break;
      case 'env': {
        const v = oneArg();
        if (v === undefined) break;
        const eq = v.indexOf('=');
        const key = eq < 0 ? v : v.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) bad(`"${key}" is not a variable name`);
        else job.env.push([key, eq < 0 ? null : v.slice(eq + 1)]);
        break;
      }
      case 'export':
        if (w.length < 2) bad('missing variable name');
        else job.export.push(...w.slice(1));
        break;
      case 'chdir':
      case 'chroot': {
        const v = oneArg();
        if (v !== undefined) job[stanza] = v;
        break;
      }
      case 'umask': {
        const v = oneArg();
        if (v === undefined) break;
        if (/^[0-7]{1,4}$/.test(v)) job.umask = parseInt(v, 8);
        else bad('expected an octal mask');
        break;
      }
      case 'nice': {
        const n = integer(oneArg());
        if (n !== undefined && n >= -20 && n <= 19) job.nice = n;
        else if (w.length === 2) bad('expected a number from -20 to 19');
        break;
      }
      case 'oom': {
        // Upstart 1.x: `oom score N|never`; the older `oom N` (-17..15) is still read, as upstart reads it.
        const arg = a1 === 'score' ? a2 : a1;
        const count = a1 === 'score' ? 3 : 2;
        const n = integer(arg);
        if (w.length === count && arg === 'never') job.oomScore = 'never';
        else if (w.length === count && n !== undefined && a1 === 'score' && n >= -999 && n <= 1000) job.oomScore = n;
        else if (w.length === count && n !== undefined && a1 !== 'score' && n >= -17 && n <= 15) job.oomScore = n === -17 ? 'never' : Math.round((n * 1000) / 17);
        else bad('expected "score" and -999..1000 or never');
        break;
      }
      case 'limit': {
        const ok = (v: string | undefined) => v === 'unlimited' || integer(v) !== undefined;
        if (w.length !== 4 || !(UPSTART_LIMITS as readonly string[]).includes(a1!) || !ok(a2) || !ok(a3)) bad('expected RESOURCE SOFT HARD');
        else job.limits.set(a1 as UpstartLimit, [a2!, a3!]);
        break;
      }
      case 'setuid':
      case 'setgid': {
        const v = oneArg();
        if (v !== undefined) job[stanza] = v;
        break;
      }
      case 'console':
        if (w.length === 2 && (a1 === 'log' || a1 === 'output' || a1 === 'owner' || a1 === 'none')) job.console = a1;
        else bad('expected log, output, owner or none');
        break;
      case 'instance':
        if (w.length < 2) bad('missing name');
        else job.instance = restAfter(l.text, 1);
        break;
      case 'emits':
        job.emits.push(...w.slice(1));
        break;
      default:
        warn(l.line, `unknown stanza "${stanza}", ignored`);
    }
  }
  return { job, diagnostics };
}
