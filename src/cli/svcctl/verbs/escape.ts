/**
 * `svcctl escape`: systemd-escape(1) with the same flags, output, messages and exit codes (an
 * svcd extension of the CLI contract, documented in docs/names.md).
 *
 * systemd-escape's options mean more than their final values: --unescape and --mangle are one
 * setting where the last one wins, --suffix=/--template= are checked as they are met, and -p is
 * --path. The router's parse keeps only final values and reads -p as --property, so when the raw
 * command line is at hand this verb reads its own options from it, getopt style.
 */
import { basename } from 'node:path';
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../context.js';
import { unitNameIsValid, unitNameReplaceInstance, unitNameTemplate, unitNameToInstance, unitTypeFromString, UNIT_NAME_TEMPLATE } from '../../../unit/name.js';
import {
  pathIsAbsolute, pathIsNormalized, pathIsValid, strerror, unitNameEscape, unitNameMangleFull, unitNamePathEscape,
  unitNamePathUnescapeBytes, unitNameUnescapeBytes,
} from '../../../unit/escape.js';

/**
 * systemd formats a log message into a LINE_MAX (2048) buffer, so what it prints is cut at 2047
 * bytes; long inputs quoted in messages are cut the same way here.
 */
function logLine(msg: string): Buffer {
  const b = Buffer.from(msg, 'utf8');
  return Buffer.concat([b.subarray(0, 2047), Buffer.from('\n')]);
}

type Action = 'escape' | 'unescape' | 'mangle';

interface EscapeArgs {
  action: Action;
  suffix?: string;
  template?: string;
  path: boolean;
  instance: boolean;
  help: boolean;
  strings: string[];
}

class UsageError extends Error {}

const HELP = `svcctl escape [OPTIONS...] [NAME...]

Escape strings for usage in systemd unit names.

  -h --help               Show this help
     --suffix=SUFFIX      Unit suffix to append to escaped strings
     --template=TEMPLATE  Insert strings as instance into template
     --instance           With --unescape, show just the instance part
  -u --unescape           Unescape strings
  -m --mangle             Mangle strings
  -p --path               When escaping/unescaping assume the string is a path
`;

function checkSuffix(v: string): string {
  if (!unitTypeFromString(v)) throw new UsageError(`Invalid unit suffix type "${v}".`);
  return v;
}

function checkTemplate(v: string): string {
  if (!unitNameIsValid(v, UNIT_NAME_TEMPLATE)) throw new UsageError(`Template name ${v} is not valid.`);
  return v;
}

const LONG_OPTIONS = ['help', 'suffix', 'template', 'path', 'unescape', 'mangle', 'instance'] as const;

/**
 * getopt_long takes any unambiguous abbreviation of a long option ("--pat" is --path, "--suf=mount"
 * --suffix=mount), and its messages then use the full name. An unknown name is returned as it is,
 * for the caller's "unrecognized option".
 */
function longOption(given: string, prog: string, token: string): string {
  if ((LONG_OPTIONS as readonly string[]).includes(given) || given === '') return given;
  const matches = LONG_OPTIONS.filter((o) => o.startsWith(given));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UsageError(`${prog}: option '${token.split('=')[0]}' is ambiguous; possibilities:${matches.map((m) => ` '--${m}'`).join('')}`);
  }
  return given;
}

/** getopt_long over systemd-escape's options (GNU order: options may follow strings; "--" ends them). */
export function parseEscapeArgv(argv: readonly string[], prog: string): EscapeArgs {
  const a: EscapeArgs = { action: 'escape', path: false, instance: false, help: false, strings: [] };
  const LONG_WITH_VALUE = new Set(['suffix', 'template']);
  const LONG_FLAGS: Record<string, (x: EscapeArgs) => void> = {
    help: (x) => { x.help = true; },
    unescape: (x) => { x.action = 'unescape'; },
    mangle: (x) => { x.action = 'mangle'; },
    path: (x) => { x.path = true; },
    instance: (x) => { x.instance = true; },
  };
  const SHORT: Record<string, string> = { h: 'help', u: 'unescape', m: 'mangle', p: 'path' };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') {
      a.strings.push(...argv.slice(i + 1));
      break;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = longOption(t.slice(2, eq < 0 ? undefined : eq), prog, t);
      if (LONG_WITH_VALUE.has(name)) {
        let v: string | undefined = eq < 0 ? undefined : t.slice(eq + 1);
        if (v === undefined) {
          if (i + 1 >= argv.length) throw new UsageError(`${prog}: option '--${name}' requires an argument`);
          v = argv[++i]!;
        }
        if (name === 'suffix') a.suffix = checkSuffix(v);
        else a.template = checkTemplate(v);
      } else if (LONG_FLAGS[name]) {
        if (eq >= 0) throw new UsageError(`${prog}: option '--${name}' doesn't allow an argument`);
        LONG_FLAGS[name](a);
      } else throw new UsageError(`${prog}: unrecognized option '${t}'`);
    } else if (t.startsWith('-') && t.length > 1) {
      for (const ch of t.slice(1)) {
        const long = SHORT[ch];
        if (!long) throw new UsageError(`${prog}: invalid option -- '${ch}'`);
        LONG_FLAGS[long]!(a);
      }
    } else a.strings.push(t);
  }
  return a;
}

/** The router's options that take a value, to find where the verb is in a raw command line. */
const ROUTER_VALUE_OPTIONS = new Set(['--root', '--runtime-dir', '--property', '-p', '--type', '-t', '--state', '--signal', '-s', '--kill-whom', '--lines', '-n', '--template', '--suffix']);

/** The raw arguments after the verb, when this process is svcctl running `escape`. */
function rawArgsAfterVerb(ctx: VerbContext): readonly string[] | undefined {
  const fromCtx = (ctx as VerbContext & { readonly argv?: readonly string[] }).argv;
  if (fromCtx) return fromCtx;
  const prog = basename(process.argv[1] ?? '');
  if (prog !== 'svcctl' && prog !== 'svcctl.js' && prog !== 'systemctl') return undefined;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (t === '--') return undefined;
    if (t.startsWith('-')) {
      if (ROUTER_VALUE_OPTIONS.has(t)) i++;
      continue;
    }
    return t === 'escape' ? argv.slice(i + 1) : undefined;
  }
  return undefined;
}

function fromOptions(ctx: VerbContext): EscapeArgs {
  const o = ctx.options;
  if (o.suffix !== undefined) checkSuffix(o.suffix);
  if (o.template !== undefined) checkTemplate(o.template);
  return {
    // Without the order of the flags, --unescape is taken to come last, as it would in most uses.
    action: o.unescape ? 'unescape' : o.mangle ? 'mangle' : 'escape',
    suffix: o.suffix, template: o.template, path: Boolean(o.path), instance: Boolean(o.instance), help: false,
    strings: [...ctx.args],
  };
}

/** systemd-escape's checks after parsing, in its order. */
function combinationError(a: EscapeArgs): string | undefined {
  if (a.strings.length === 0) return 'Not enough arguments.';
  if (a.template !== undefined && a.suffix !== undefined) return '--suffix= and --template= may not be combined.';
  if ((a.template !== undefined || a.suffix !== undefined) && a.action === 'mangle') return '--suffix= and --template= are not compatible with --mangle.';
  if (a.suffix !== undefined && a.action === 'unescape') return '--suffix is not compatible with --unescape.';
  if (a.path && a.action === 'mangle') return '--path may not be combined with --mangle.';
  if (a.instance && a.action !== 'unescape') return '--instance must be used in conjunction with --unescape.';
  if (a.instance && a.template !== undefined) return '--instance may not be combined with --template.';
  return undefined;
}

type Outcome = { ok: true; value: Buffer; warning?: string } | { ok: false; message: string };

function escapeOne(s: string, a: EscapeArgs): Outcome {
  let e: string;
  let warning: string | undefined;
  if (a.path) {
    const r = unitNamePathEscape(s);
    if (!r.ok) {
      if (!pathIsValid(s)) return { ok: false, message: `Input '${s}' is not a valid file system path, failed to escape.` };
      if (!pathIsAbsolute(s)) return { ok: false, message: `Input '${s}' is not an absolute file system path, failed to escape.` };
      if (!pathIsNormalized(s)) return { ok: false, message: `Input '${s}' is not a normalized file system path, failed to escape.` };
      return { ok: false, message: `Failed to escape string: ${strerror(r.error)}` };
    }
    e = r.value;
    // Escaping worked, but the way back may not give the same string; systemd-escape says so.
    if (!pathIsValid(s)) warning = `Input '${s}' is not a valid file system path, escaping is likely not going be reversible.`;
    else if (!pathIsAbsolute(s)) warning = `Input '${s}' is not an absolute file system path, escaping is likely not going to be reversible.`;
  } else e = unitNameEscape(s);
  if (a.template !== undefined) {
    const x = unitNameReplaceInstance(a.template, e);
    if (x === undefined) return { ok: false, message: `Failed to replace instance: ${strerror('EINVAL')}` };
    e = x;
  } else if (a.suffix !== undefined) e = `${e}.${a.suffix}`;
  return { ok: true, value: Buffer.from(e), warning };
}

function unescapeOne(s: string, a: EscapeArgs): Outcome {
  let name = s;
  if (a.template !== undefined || a.instance) {
    const inst = unitNameToInstance(s);
    if (inst === undefined) return { ok: false, message: `Failed to extract instance: ${strerror('EINVAL')}` };
    if (!inst) return { ok: false, message: `Unit ${s} is missing the instance name.` };
    const template = unitNameTemplate(s);
    if (template === undefined) return { ok: false, message: `Failed to extract template: ${strerror('EINVAL')}` };
    if (a.template !== undefined && a.template !== template) {
      return { ok: false, message: `Unit ${s} template ${template} does not match specified template ${a.template}.` };
    }
    name = inst;
  }
  const r = a.path ? unitNamePathUnescapeBytes(name) : unitNameUnescapeBytes(name);
  return r.ok ? { ok: true, value: r.value } : { ok: false, message: `Failed to unescape string: ${strerror(r.error)}` };
}

function mangleOne(s: string): Outcome {
  const r = unitNameMangleFull(s);
  return r.ok ? { ok: true, value: Buffer.from(r.value.name) } : { ok: false, message: `Failed to mangle name: ${strerror(r.error)}` };
}

export async function run(ctx: VerbContext): Promise<number> {
  const prog = 'svcctl';
  let a: EscapeArgs;
  try {
    const raw = rawArgsAfterVerb(ctx);
    a = raw ? parseEscapeArgv(raw, prog) : fromOptions(ctx);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    ctx.stderr.write(logLine(e.message));
    return EXIT_FAILURE;
  }
  if (a.help) {
    ctx.stdout.write(HELP);
    return EXIT_SUCCESS;
  }
  const bad = combinationError(a);
  if (bad) {
    ctx.stderr.write(logLine(bad));
    return EXIT_FAILURE;
  }

  // Like systemd-escape, results are printed as they come: a failure leaves the earlier ones on
  // stdout (without the final newline).
  const out: Buffer[] = [];
  let status = EXIT_SUCCESS;
  for (const [i, s] of a.strings.entries()) {
    const r = a.action === 'escape' ? escapeOne(s, a) : a.action === 'unescape' ? unescapeOne(s, a) : mangleOne(s);
    if (!r.ok) {
      ctx.stderr.write(logLine(r.message));
      status = EXIT_FAILURE;
      break;
    }
    if (r.warning) ctx.stderr.write(logLine(r.warning));
    if (i > 0) out.push(Buffer.from(' '));
    out.push(r.value);
  }
  if (status === EXIT_SUCCESS) out.push(Buffer.from('\n'));
  const all = Buffer.concat(out);
  if (all.length > 0) ctx.stdout.write(all);
  return status;
}
