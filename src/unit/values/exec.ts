/**
 * Exec command lines: ExecStart= and friends (systemd.service(5), "Command lines").
 *
 * The first word may carry prefixes, each at most once ("-", "@", ":" freely combined; one of "+",
 * "!" or "!!"). Words are split with quoting and C escapes; a lone ";" separates commands and "\;"
 * is a literal ";" argument. systemd 252 accepts ";" in every Exec*= line at parse time; the
 * "more than one ExecStart= for a non-oneshot service" check happens when the unit is verified.
 *
 * Errors are fatal to the unit (systemd refuses to load it, "bad-setting") unless the command has
 * the "-" prefix, in which case systemd only warns and ignores the line: `ignorable` says which.
 */
import { type Result, ok, err } from '../../shared/result.js';
import { extractFirstWord, WHITESPACE } from './words.js';
import { filenameIsValid, pathIsAbsolute, pathSimplify } from './path.js';
import { stringIsSafe } from './strings.js';

export interface ExecFlags {
  /** "-": a failure exit code (or a missing binary) is not a unit failure. */
  readonly ignoreFailure: boolean;
  /** "@": the second word is argv[0]. Kept for `show`, which prints it as a flag. */
  readonly separateArgv0: boolean;
  /** ":": no $VAR expansion in the arguments. */
  readonly noEnvExpand: boolean;
  /** "+": full privileges, no sandboxing, no User=. */
  readonly fullyPrivileged: boolean;
  /** "!": sandboxing but no user/group credential changes. */
  readonly noSetuid: boolean;
  /** "!!": like "!" but only where ambient capabilities are missing. */
  readonly ambientMagic: boolean;
}

export interface ExecCommand {
  /** Executable as written (absolute, or a bare name looked up in a fixed PATH), simplified. */
  readonly path: string;
  /** argv including argv[0]. */
  readonly argv: readonly string[];
  readonly flags: ExecFlags;
}

export interface ExecParseError {
  readonly reason: string;
  /** True when the command had "-": systemd logs a warning and ignores the line instead of failing the unit. */
  readonly ignorable: boolean;
}

/** Resolves unit specifiers (%n, %i, …) in one word; supplied by the directive table. */
export type SpecifierExpander = (word: string) => Result<string, string>;

const identity: SpecifierExpander = (w) => ok(w);


/**
 * systemd's extract_first_word_and_warn(): a word that fails for an unknown escape is taken again
 * with the escape kept verbatim, and warned about; one that still fails has unbalanced quotes.
 */
function extractWordAndWarn(text: string, at: number | null, warn: (text: string) => void): ReturnType<typeof extractFirstWord> {
  const w = extractFirstWord(text, at, WHITESPACE, { unquote: true, cunescape: true });
  if (w.ok) return w;
  const relaxed = extractFirstWord(text, at, WHITESPACE, { unquote: true, cunescape: true, unescapeRelax: true });
  if (relaxed.ok && relaxed.value.word !== null) warn(`Ignoring unknown escape sequences: "${relaxed.value.word}"`);
  return relaxed;
}

/**
 * Parses one Exec*= value into its commands. The empty value yields [] (the caller resets the
 * list). A syntax error in the first word is, as in systemd, only "ignoring" — the result then
 * holds the commands before it. An argument with an unknown escape ("\,") is kept with its
 * backslash and `warn`ed about, as systemd's extract_first_word_and_warn() retries it relaxed.
 */
export function parseExecDetailed(
  text: string,
  expandPath: SpecifierExpander = identity,
  expandArg: SpecifierExpander = identity,
  warn: (text: string) => void = () => {},
): Result<ExecCommand[], ExecParseError> {
  const commands: ExecCommand[] = [];
  if (text.trim() === '') return ok(commands);
  let p: number | null = 0;
  let semicolon: boolean;
  // systemd quotes what remains of the line, not the whole line, in its messages.
  let rvalue = text;
  do {
    semicolon = false;
    const first = extractWordAndWarn(text, p, warn);
    // systemd says so and ignores the rest of the line, without failing the unit for it.
    if (!first.ok) {
      warn(`Unbalanced quoting, ignoring: "${text}"`);
      return ok(commands);
    }
    if (first.value.word === null) return ok(commands);
    p = first.value.next;
    const firstword = first.value.word;
    if (firstword === ';') {
      semicolon = true;
      continue;
    }

    let ignoreFailure = false;
    let separateArgv0 = false;
    let noEnvExpand = false;
    let fullyPrivileged = false;
    let noSetuid = false;
    let ambientMagic = false;
    let f = 0;
    for (;; f++) {
      const c = firstword[f];
      if (c === '-' && !ignoreFailure) ignoreFailure = true;
      else if (c === '@' && !separateArgv0) separateArgv0 = true;
      else if (c === ':' && !noEnvExpand) noEnvExpand = true;
      else if (c === '+' && !(fullyPrivileged || noSetuid || ambientMagic)) fullyPrivileged = true;
      else if (c === '!' && !(fullyPrivileged || noSetuid || ambientMagic)) noSetuid = true;
      else if (c === '!' && !(fullyPrivileged || ambientMagic)) {
        noSetuid = false;
        ambientMagic = true;
      } else break;
    }
    const fail = (reason: string): Result<ExecCommand[], ExecParseError> => err({ reason, ignorable: ignoreFailure });
    const ign = ignoreFailure ? ', ignoring' : '';

    const expanded = expandPath(firstword.slice(f));
    if (!expanded.ok) return fail(`Failed to resolve unit specifiers in '${firstword.slice(f)}'${ign}: ${expanded.error}`);
    let path = expanded.value;
    if (path === '') return fail(`Empty path in command line${ign}: '${rvalue}'`);
    if (!stringIsSafe(path)) return fail(`Executable name contains special characters${ign}: ${path}`);
    if (path.endsWith('/')) return fail(`Executable path specifies a directory${ign}: ${path}`);
    if (!pathIsAbsolute(path) && !filenameIsValid(path)) return fail(`Neither a valid executable name nor an absolute path${ign}: ${path}`);

    const argv: string[] = [];
    if (!separateArgv0) argv.push(path);
    path = pathSimplify(path);

    while (p !== null && p < text.length) {
      // An unquoted lone ";" ends this command; checked on the raw text because quoting or
      // escaping it (";" in quotes, "\;") makes it an argument.
      if (text[p] === ';' && (p + 1 >= text.length || WHITESPACE.includes(text[p + 1]!))) {
        p++;
        while (p < text.length && WHITESPACE.includes(text[p]!)) p++;
        semicolon = true;
        break;
      }
      if (text[p] === '\\' && text[p + 1] === ';' && (p + 2 >= text.length || WHITESPACE.includes(text[p + 2]!))) {
        p += 2;
        while (p < text.length && WHITESPACE.includes(text[p]!)) p++;
        argv.push(';');
        continue;
      }
      const w = extractWordAndWarn(text, p, warn);
      if (!w.ok) return fail(`Unbalanced quoting, ignoring: "${text}"`);
      if (w.value.word === null) break;
      p = w.value.next;
      const arg = expandArg(w.value.word);
      if (!arg.ok) return fail(`Failed to resolve unit specifiers in ${w.value.word}${ign}: ${arg.error}`);
      argv.push(arg.value);
    }

    if (argv.length === 0) return fail(`Empty executable name or zeroeth argument${ign}: ${rvalue}`);
    commands.push({
      path,
      argv,
      flags: { ignoreFailure, separateArgv0, noEnvExpand, fullyPrivileged, noSetuid, ambientMagic },
    });
    if (p !== null && p >= text.length) p = null;
    rvalue = p === null ? '' : text.slice(p);
  } while (semicolon);
  return ok(commands);
}

/** The plain form the directive table calls: error is the reason string. */
export function parseExec(text: string): Result<ExecCommand[], string> {
  const r = parseExecDetailed(text);
  return r.ok ? r : err(r.error.reason);
}

/** Prefix string for a command's flags, in the order systemd documents them. */
export function execFlagsPrefix(flags: ExecFlags): string {
  return (
    (flags.ignoreFailure ? '-' : '') +
    (flags.separateArgv0 ? '@' : '') +
    (flags.noEnvExpand ? ':' : '') +
    (flags.fullyPrivileged ? '+' : '') +
    (flags.noSetuid ? '!' : '') +
    (flags.ambientMagic ? '!!' : '')
  );
}
