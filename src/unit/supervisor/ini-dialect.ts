/**
 * supervisord's INI dialect, read on top of the `ini` package. supervisord reads its files with
 * Python's configparser (RawConfigParser, inline comment prefixes `;` and `#`, strict=False), whose
 * rules differ from `ini`'s where it matters for real configs:
 *
 * - a comment inside a line starts at `;` or `#` only after whitespace (`ini` cuts at any `;`/`#`,
 *   which would truncate `command=curl http://x/#frag` or `echo a;b`);
 * - `key: value` is an assignment too;
 * - a line indented deeper than its key continues the value (joined with a newline), and empty
 *   lines inside such a value are kept;
 * - quotes are part of the value (`ini` strips them), and `true`/`false`/`null` are text (`ini` makes
 *   them JSON values, quoted or not: they are turned back);
 * - keys are case-insensitive (stored lowercased); a section name may contain dots (`ini` nests them).
 *
 * So this module splits the text into logical lines by configparser's rules, remembering where each
 * assignment came from (`ini` keeps no line numbers, and warnings must name file:line), and hands
 * `ini` a canonical text in which every key and value is quoted, so `ini` takes them as they are;
 * `ini` then does what it does alike: sections, repeated sections merging, a repeated key's last
 * value winning.
 */
import { decode } from 'ini';

/** Where a value came from. */
export interface IniLocation {
  readonly file: string;
  readonly line: number;
}

/** One section's assignments: lowercased key → value and the line of its key. */
export type IniSection = ReadonlyMap<string, { readonly value: string; readonly at: IniLocation }>;

export interface IniProblem {
  readonly at: IniLocation;
  readonly text: string;
}

export interface IniFile {
  /** Sections by name, in the order they first appear. */
  readonly sections: ReadonlyMap<string, IniSection>;
  /** Where each section was (first) opened. */
  readonly sectionAt: ReadonlyMap<string, IniLocation>;
  readonly problems: readonly IniProblem[];
}

const COMMENT_PREFIXES = [';', '#'];

/** configparser's inline comment: a prefix that follows whitespace (or opens the line). */
function stripInlineComment(line: string): { text: string; hadComment: boolean } {
  for (let i = 0; i < line.length; i++) {
    if (COMMENT_PREFIXES.includes(line[i]!) && (i === 0 || /\s/.test(line[i - 1]!))) return { text: line.slice(0, i), hadComment: true };
  }
  return { text: line, hadComment: false };
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

interface Logical {
  readonly section: string;
  readonly key: string;
  readonly lines: string[];
  readonly at: IniLocation;
}

/** `ini` takes a double-quoted value through JSON.parse: so a JSON string survives exactly. */
const quoted = (s: string): string => JSON.stringify(s);
/** A section header `ini` keeps verbatim: its unescape step drops comments and splits at dots. */
const headerFor = (name: string): string => name.replace(/\\/g, '\\\\').replace(/[.;#]/g, (c) => `\\${c}`);

/** Reads one file's text as supervisord would. */
export function readSupervisorIni(text: string, file: string): IniFile {
  const problems: IniProblem[] = [];
  const sectionAt = new Map<string, IniLocation>();
  const order: string[] = [];
  const assignments: Logical[] = [];
  let section: string | undefined;
  let current: Logical | undefined;
  let keyIndent = 0;

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const at = { file, line: i + 1 };
    const trimmed = raw.trim();
    if (COMMENT_PREFIXES.some((p) => trimmed.startsWith(p))) return; // a whole-line comment: not even an empty line of a value
    const { text: noComment, hadComment } = stripInlineComment(raw);
    const value = noComment.trim();
    if (value === '') {
      if (!hadComment && current) current.lines.push('');
      else if (hadComment) return;
      return;
    }
    if (current && indentOf(raw) > keyIndent) {
      current.lines.push(value);
      return;
    }
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      section = header[1]!;
      if (!sectionAt.has(section)) {
        sectionAt.set(section, at);
        order.push(section);
      }
      current = undefined;
      return;
    }
    if (section === undefined) {
      problems.push({ at, text: 'an assignment before the first [section] header; ignored' });
      return;
    }
    const assignment = /^(.*?)\s*[=:]\s*(.*)$/.exec(value);
    if (!assignment) {
      problems.push({ at, text: `not an assignment (key = value): "${value}"; ignored` });
      current = undefined;
      return;
    }
    keyIndent = indentOf(raw);
    current = { section, key: assignment[1]!.trimEnd().toLowerCase(), lines: [assignment[2]!], at };
    assignments.push(current);
  });

  // The canonical text: one [section] per section, one quoted assignment per line, in file order.
  const locations = new Map<string, Map<string, IniLocation>>();
  const bySection = new Map<string, string[]>(order.map((s) => [s, []]));
  for (const a of assignments) {
    // Trailing empty lines of a continued value are not part of it, as for configparser.
    while (a.lines.length > 1 && a.lines[a.lines.length - 1] === '') a.lines.pop();
    bySection.get(a.section)!.push(`${quoted(a.key)} = ${quoted(a.lines.join('\n'))}`);
    let locs = locations.get(a.section);
    if (!locs) locations.set(a.section, (locs = new Map()));
    locs.set(a.key, a.at);
  }
  const canonical: string[] = [];
  for (const name of order) {
    if (name.includes(']')) {
      problems.push({ at: sectionAt.get(name)!, text: `a section name with "]" is not supported: [${name}]; ignored` });
      continue;
    }
    canonical.push(`[${headerFor(name)}]`, ...bySection.get(name)!);
  }
  const decoded = decode(canonical.join('\n'), { bracketedArray: false }) as Record<string, Record<string, unknown>>;

  const sections = new Map<string, IniSection>();
  for (const name of order) {
    const entries = decoded[name];
    if (!entries) continue;
    const section = new Map<string, { value: string; at: IniLocation }>();
    for (const [key, at] of locations.get(name) ?? []) {
      const value = entries[key];
      // Repeated keys: `ini` (bracketedArray off) collects them; configparser keeps the last.
      const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
      // `ini` turns the words true, false and null into JSON values even when quoted; they were text.
      if (typeof last === 'string' || typeof last === 'boolean' || last === null) section.set(key, { value: String(last), at });
    }
    sections.set(name, section);
  }
  return { sections, sectionAt, problems };
}
