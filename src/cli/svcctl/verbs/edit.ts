/**
 * `svcctl edit UNIT…` as systemctl 252 does it: each unit gets a temporary file next to where its
 * new drop-in (`UNIT.d/override.conf`, or `--drop-in=NAME`) or, with `--full`, its copied unit file
 * goes, in /etc/systemd/system (/run/systemd/system with `--runtime`); the editor is run once on all of
 * them; what is left between the markers (the whole file with --full), stripped, replaces the real file
 * unless it is empty; then a running manager reloads. The unit's files are found as `cat` finds them
 * (the running svcd's FragmentPath=/DropInPaths=, or the search path under --root or with no svcd).
 * Its messages are systemd's log lines: on a terminal they end in "\r\n" as systemd's do.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { VerbContext } from '../context.js';
import { EXIT_FAILURE, EXIT_SUCCESS } from '../context.js';
import { unitSearchPath } from '../../../unit/search-path.js';
import { buildUnitFileMap, readablePath, type UnitFileMap } from '../../../unit/unit-file-map.js';
import { loadUnitSource } from '../../../unit/source.js';
import { unitNameMangleFull } from '../../../unit/escape.js';
import { instanceOf } from '../../../unit/escape.js';
import { instantiate, isInstance, isTemplate, parseUnitName } from '../../../unit/name.js';
import { UNIT_DIRS } from '../../../shared/lookup-paths.js';
import { strerror } from '../../../shared/strerror.js';
import { filesFromDaemon } from './cat.js';

/** systemctl 252's markers: what lies between them becomes the drop-in. */
export const EDIT_MARKER_START = '### Anything between here and the comment below will become the new contents of the file';
export const EDIT_MARKER_END = '### Lines below this comment will be discarded';
/** The editors tried, in order, when none is named (or the one named cannot be run). */
const FALLBACK_EDITORS = ['editor', 'nano', 'vim', 'vi'];

/** One file to edit: where it goes (`target`), the temporary copy the editor gets (`temp`). */
interface EditFile {
  readonly target: string;
  readonly temp: string;
}

class EditError extends Error {}

/** A log line as systemd writes it: "\r\n" on a terminal (robust against a terminal in raw mode). */
function logLine(ctx: VerbContext, text: string): void {
  const tty = Boolean((ctx.stderr as { isTTY?: boolean }).isTTY);
  ctx.stderr.write(`${text}${tty ? '\r\n' : '\n'}`);
}

/** --drop-in=NAME's file name (systemd 253's option): ".conf" added when missing; a path is refused. */
function dropInName(name: string | undefined): string {
  if (name === undefined || name === '') return 'override.conf';
  const file = name.endsWith('.conf') ? name : `${name}.conf`;
  if (file.includes('/') || file === '.' || file === '..' || file.length > 255) throw new EditError(`Invalid drop-in file name '${file}'.`);
  return file;
}

/** get_file_to_edit(): the file in /etc, or in /run with --runtime unless /etc has it already. */
function fileToEdit(ctx: VerbContext, root: string, rel: string): string {
  const persistent = join(root || '/', UNIT_DIRS.persistentConfig, rel);
  if (!ctx.options.runtime) return persistent;
  const runtime = join(root || '/', UNIT_DIRS.runtimeConfig, rel);
  if (existsSync(persistent)) throw new EditError(`Refusing to create "${runtime}" because it would be overridden by "${persistent}" anyway.`);
  return runtime;
}

/** A temporary name beside `target`, as systemd's tempfn_random(): ".#NAME" and 16 hex digits. */
function tempName(target: string): string {
  return join(dirname(target), `.#${basename(target)}${randomBytes(8).toString('hex')}`);
}

/** The drop-in's temporary file: the markers, the drop-in as it is, and every other file of the unit commented out below. */
function dropInTemplate(target: string, existing: string | undefined, others: readonly { shown: string; text: string }[]): string {
  const body = existing ?? '';
  let out = `### Editing ${target}\n${EDIT_MARKER_START}\n\n${body}${body.endsWith('\n') ? '' : '\n'}\n${EDIT_MARKER_END}`;
  for (const o of others) {
    out += `\n\n### ${o.shown}`;
    const text = o.text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
    if (text !== '') out += `\n# ${text.replaceAll('\n', '\n# ')}`;
  }
  return out;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EditError(`Failed to read "${path}": ${strerror(e)}`);
  }
}

/** systemctl's ask_char() for --full over an existing file: one line from standard input. */
function askYesNo(ctx: VerbContext, question: string): boolean {
  ctx.stdout.write(question);
  const buf = Buffer.alloc(256);
  let n: number;
  try {
    n = readSync(0, buf, 0, buf.length, null);
  } catch {
    n = 0; // no answer (standard input closed): no
  }
  return buf.toString('utf8', 0, n).trim().toLowerCase().startsWith('y');
}

/**
 * The unit names as systemctl's expand_unit_names() makes them: mangled with the escape noted
 * (unless --quiet); a glob stands for the units the manager has loaded that match it.
 */
async function expandNames(ctx: VerbContext): Promise<string[]> {
  const names: string[] = [];
  const globs: string[] = [];
  for (const a of ctx.args) {
    const r = unitNameMangleFull(a, { allowGlobs: true });
    if (!r.ok) throw new EditError('Failed to mangle name: Invalid argument');
    if (!ctx.options.quiet) for (const n of r.value.notices) logLine(ctx, n);
    if (/[*?[]/.test(r.value.name)) globs.push(r.value.name);
    else names.push(r.value.name);
  }
  if (globs.length > 0 && !ctx.options.root) {
    const { call } = await import('../../../control/protocol.js');
    const { socketPath } = await import('./online.js');
    const r = await call(socketPath(ctx), 'list-units', { all: true, patterns: globs }).catch(() => undefined);
    if (r?.ok) names.push(...r.result.map((u) => u.id));
  }
  return names;
}

/** Where each unit's file goes and its temporary copy, made as systemctl's find_paths_to_edit() makes them. */
async function prepare(ctx: VerbContext, names: readonly string[], map: UnitFileMap, made: EditFile[]): Promise<void> {
  const root = ctx.options.root ?? '';
  const suffix = `.d/${dropInName(ctx.options.dropIn)}`;
  for (const name of names) {
    const online = root || name.includes('@.') ? undefined : await filesFromDaemon(ctx, name);
    const src = online ?? loadUnitSource(map, name, {}, true);
    if (src.masked) throw new EditError(`Cannot edit ${name}: unit is masked.`);
    if (!src.fragmentPath) {
      if (!ctx.options.force) {
        logLine(ctx, `No files found for ${name}.`);
        throw new EditError(`Run 'systemctl edit --force --full ${name}' to create a new unit.`);
      }
      // A new unit: the editor starts from nothing (no temporary file is made beforehand).
      const target = fileToEdit(ctx, root, ctx.options.full ? name : `${name}${suffix}`);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      made.push({ target, temp: tempName(target) });
      continue;
    }
    // Aliases are followed, but an instance keeps its instance on the template's name.
    let unitName = basename(src.fragmentPath);
    const p = parseUnitName(name);
    const q = parseUnitName(unitName);
    if (p && q && isInstance(p) && isTemplate(q)) unitName = instantiate(unitName, instanceOf(name)!);
    if (ctx.options.full) {
      const target = fileToEdit(ctx, root, unitName);
      if (src.fragmentPath !== target && existsSync(target) && !askYesNo(ctx, `"${target}" already exists. Overwrite with "${src.fragmentPath}"? [(y)es, (n)o] `)) {
        throw new EditError(`${unitName} skipped.`);
      }
      const temp = tempName(target);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      copyFileSync(readablePath(map, src.fragmentPath), temp);
      made.push({ target, temp });
      continue;
    }
    const target = fileToEdit(ctx, root, `${unitName}${suffix}`);
    const others = [src.fragmentPath, ...src.dropinPaths]
      .filter((o) => o !== target) // (the map's paths carry the --root prefix already)
      .map((o) => {
        const text = readOptional(readablePath(map, o));
        if (text === undefined) throw new EditError(`Failed to read "${o}": No such file or directory`);
        return { shown: o, text };
      });
    const temp = tempName(target);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(temp, Buffer.from(dropInTemplate(target, readOptional(target), others), 'latin1'), { mode: 0o644 });
    made.push({ target, temp });
  }
}

/** The editor's command line: $SYSTEMD_EDITOR, else $EDITOR, else $VISUAL (the first one set), split on blanks. */
function namedEditor(env: VerbContext['env']): string[] {
  const editor = env.SYSTEMD_EDITOR ?? env.EDITOR ?? env.VISUAL ?? '';
  return editor.split(/[ \t\n\r]+/).filter((w) => w !== '');
}

/**
 * Runs the editor on every temporary file at once, as systemctl's run_editor(): the one named, else (or
 * when it cannot be run) editor, nano, vim, vi. Its failure is reported and nothing is written.
 */
function runEditor(ctx: VerbContext, files: readonly string[]): boolean {
  const named = namedEditor(ctx.env);
  const candidates = [...(named.length > 0 ? [named] : []), ...FALLBACK_EDITORS.map((e) => [e])];
  for (const [cmd, ...args] of candidates) {
    const r = spawnSync(cmd!, [...args, ...files], { stdio: 'inherit', env: ctx.env as NodeJS.ProcessEnv });
    if (r.error) {
      if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      logLine(ctx, `Failed to execute ${cmd}: ${strerror(r.error)}`);
      logLine(ctx, '(editor) failed with exit status 1.');
      return false;
    }
    if (r.signal) {
      logLine(ctx, `(editor) terminated by signal ${r.signal.replace(/^SIG/, '')}.`);
      return false;
    }
    if (r.status !== 0) {
      logLine(ctx, `(editor) failed with exit status ${r.status}.`);
      return false;
    }
    return true;
  }
  logLine(ctx, 'Cannot edit unit(s), no editor available. Please set either $SYSTEMD_EDITOR, $EDITOR or $VISUAL.');
  logLine(ctx, '(editor) failed with exit status 1.');
  return false;
}

/**
 * systemctl's trim_edit_markers(): keeps what lies between the markers (all of it when they are
 * gone), stripped of blanks at both ends. Like systemctl it rewrites the file only when that cut
 * something off its end (an end marker, trailing blanks): leading blanks alone stay.
 */
function trimMarkers(ctx: VerbContext, temp: string): boolean {
  let text: string;
  try {
    text = readFileSync(temp, 'latin1');
  } catch (e) {
    logLine(ctx, `Failed to read temporary file "${temp}": ${strerror(e)}`);
    return false;
  }
  const at = text.indexOf(EDIT_MARKER_START);
  const start = at >= 0 ? at + EDIT_MARKER_START.length : 0;
  const endAt = text.indexOf(EDIT_MARKER_END, start);
  const kept = text.slice(start, endAt >= 0 ? endAt : text.length).replace(/[ \t\n\r]+$/, '');
  if (start + kept.length !== text.length) writeFileSync(temp, Buffer.from(kept.replace(/^[ \t\n\r]+/, ''), 'latin1'));
  return true;
}

function isEmptyFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.size === 0 || st.isCharacterDevice();
  } catch {
    return true;
  }
}

/** After the edit: the temporary files go, and (for drop-ins) their directory if the edit left it empty. */
function cleanUp(files: readonly EditFile[], full: boolean): void {
  for (const f of files) {
    try {
      unlinkSync(f.temp);
    } catch {
      // committed (renamed) or never made
    }
    if (full) continue;
    try {
      rmdirSync(dirname(f.target));
    } catch {
      // not empty: the drop-in or others are there
    }
  }
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    logLine(ctx, 'Too few arguments.');
    return EXIT_FAILURE;
  }
  if (!ctx.isTTY || !(ctx.stderr as { isTTY?: boolean }).isTTY) {
    logLine(ctx, 'Cannot edit units if not on a tty.');
    return EXIT_FAILURE;
  }
  const root = ctx.options.root ?? '';
  const made: EditFile[] = [];
  try {
    const names = await expandNames(ctx);
    if (names.length === 0) throw new EditError('No units matched the specified patterns.');
    const map = buildUnitFileMap(unitSearchPath({ root: root || undefined, env: ctx.env }), root);
    await prepare(ctx, names, map, made);
    if (made.length === 0) return EXIT_FAILURE;
    if (runEditor(ctx, made.map((f) => f.temp))) {
      for (const f of made) {
        if (!trimMarkers(ctx, f.temp)) continue;
        if (isEmptyFile(f.temp)) {
          logLine(ctx, `Editing "${f.target}" canceled: temporary file is empty.`);
          continue;
        }
        renameSync(f.temp, f.target);
      }
      if (!ctx.options.noReload && !root) {
        const code = await (await import('./online.js')).reloadAfterEdit(ctx);
        if (code !== EXIT_SUCCESS) return code;
      }
    }
    return EXIT_SUCCESS;
  } catch (e) {
    if (!(e instanceof EditError)) throw e;
    logLine(ctx, e.message);
    return EXIT_FAILURE;
  } finally {
    cleanUp(made, Boolean(ctx.options.full));
  }
}
