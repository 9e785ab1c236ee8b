/**
 * The exec context's mount-namespace rows (systemd.exec(5) "Sandboxing"): ProtectSystem=,
 * ProtectHome=, the ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=/ExecPaths=/NoExecPaths= lists,
 * ProtectKernelTunables=, ProtectControlGroups=, PrivateDevices=, PrivateNetwork=, PrivateIPC= and
 * PrivateMounts=, parsed into
 * ExecContext.mounts with systemd 252's rules and warnings, and arranged by src/exec/mount-plan.ts.
 */
import { custom, parserLabel, rejectValue, RowList, scalar, type ApplyContext } from './behaviour.js';
import { extractFirstWord, parseBoolean, parseProtectHome, parseProtectSystem, pathIsAbsolute } from '../values/index.js';
import { pathSimplify } from '../escape.js';
import type { MountSettings } from '../model.js';

const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;

/**
 * Each word of a list setting, unquoted, one at a time as systemd takes them: those before a quoting
 * error are kept; `fn` returning false drops the rest of the setting.
 */
function eachWord(value: string, ctx: ApplyContext, fn: (word: string) => boolean | void): void {
  for (let pos: number | null = 0; ;) {
    const r = extractFirstWord(value, pos, undefined, { unquote: true });
    if (!r.ok) return ctx.report('warning', `Failed to extract first word, ignoring: ${value}`);
    if (r.value.word === null) return;
    pos = r.value.next;
    if (fn(r.value.word) === false) return;
  }
}
const table = new RowList();
const { supported } = table;

// The empty value is invalid too (systemd's enum parser with a boolean fallback).
supported(EXEC_SECTIONS, 'ProtectSystem', custom(parserLabel(parseProtectSystem), 'set', 'invalid', (value, ctx) => {
  const v = parseProtectSystem(value);
  if (!v.ok) return rejectValue(ctx, value);
  ctx.draft.exec.mounts.protectSystem = v.value;
}));

supported(EXEC_SECTIONS, 'ProtectHome', custom(parserLabel(parseProtectHome), 'set', 'invalid', (value, ctx) => {
  const v = parseProtectHome(value);
  if (!v.ok) return rejectValue(ctx, value);
  ctx.draft.exec.mounts.protectHome = v.value;
}));

type PathList = 'readWritePaths' | 'readOnlyPaths' | 'inaccessiblePaths' | 'execPaths' | 'noExecPaths';
// ReadWriteDirectories= and its kin: the old names systemd still reads into the same lists (Debian's redis-server uses one).
for (const [key, field] of [['ReadWritePaths', 'readWritePaths'], ['ReadOnlyPaths', 'readOnlyPaths'], ['InaccessiblePaths', 'inaccessiblePaths'],
  ['ExecPaths', 'execPaths'], ['NoExecPaths', 'noExecPaths'], ['ReadWriteDirectories', 'readWritePaths'], ['ReadOnlyDirectories', 'readOnlyPaths'],
  ['InaccessibleDirectories', 'inaccessiblePaths']] as const satisfies readonly (readonly [string, PathList & keyof MountSettings])[]) {
  supported(EXEC_SECTIONS, key, custom("'-' then '+' prefixed absolute paths; specifiers", 'append', 'clears', (value, ctx) => {
    const list = ctx.draft.exec.mounts[field];
    if (value === '') return void list.splice(0);
    eachWord(value, ctx, (word) => {
      const dash = word.startsWith('-') ? '-' : '';
      const plus = word.slice(dash.length).startsWith('+') ? '+' : '';
      const text = word.slice(dash.length + plus.length);
      // Not fatal, yet without systemd's usual ", ignoring".
      const expanded = text.includes('%') ? ctx.expand(text, 'unit') : { ok: true as const, value: text };
      if (!expanded.ok) return ctx.report('warning', `Failed to resolve unit specifiers in ${text}: ${expanded.error}`);
      const path = expanded.value;
      if (!pathIsAbsolute(path)) return rejectValue(ctx, value, path);
      list.push(dash + plus + pathSimplify(path));
    });
  }));
}

for (const [key, field] of [['ProtectKernelTunables', 'protectKernelTunables'], ['ProtectControlGroups', 'protectControlGroups'],
  ['PrivateDevices', 'privateDevices'], ['PrivateNetwork', 'privateNetwork'], ['PrivateIPC', 'privateIPC'], ['PrivateMounts', 'privateMounts'],
  ['PrivateUsers', 'privateUsers']] as const) {
  supported(EXEC_SECTIONS, key, scalar(parseBoolean, (d, v) => (d.exec.mounts[field] = v ?? false)));
}

// BindPaths=/BindReadOnlyPaths=: "[-]SOURCE[:DESTINATION[:rbind|norbind]]" per word; one list for both.
for (const [key, readOnly] of [['BindPaths', false], ['BindReadOnlyPaths', true]] as const) {
  supported(EXEC_SECTIONS, key, custom("'-'-prefixed SOURCE[:DESTINATION[:rbind|norbind]]", 'append', 'clears', (value, ctx) => {
    const list = ctx.draft.exec.mounts.bindPaths;
    if (value === '') return void list.splice(0);
    eachWord(value, ctx, (word) => {
      const parts = splitColons(word);
      const ignoreMissing = parts[0]!.startsWith('-');
      const source = ignoreMissing ? parts[0]!.slice(1) : parts[0]!;
      const destination = parts[1] ?? source;
      const bad = [source, destination].find((p) => !pathIsAbsolute(p));
      if (bad !== undefined) return rejectValue(ctx, value, bad);
      const option = parts[2] ?? 'rbind';
      if (option !== 'rbind' && option !== 'norbind') {
        ctx.report('warning', `Invalid option string, ignoring setting: ${option}`);
        return false;
      }
      list.push({ source: pathSimplify(source), destination: pathSimplify(destination), readOnly, recursive: option === 'rbind', ignoreMissing });
    });
  }));
}

// TemporaryFileSystem=: "PATH[:OPTIONS]" per word, the options kept as written.
supported(EXEC_SECTIONS, 'TemporaryFileSystem', custom('PATH[:OPTIONS]', 'append', 'clears', (value, ctx) => {
  const list = ctx.draft.exec.mounts.temporaryFileSystems;
  if (value === '') return void list.splice(0);
  eachWord(value, ctx, (word) => {
    const colon = word.indexOf(':');
    const path = colon < 0 ? word : word.slice(0, colon);
    if (!pathIsAbsolute(path)) return rejectValue(ctx, value, path);
    list.push({ path: pathSimplify(path), options: colon < 0 ? '' : word.slice(colon + 1) });
  });
}));

const PROTECT_PROC = ['default', 'noaccess', 'invisible', 'ptraceable'] as const;
supported(EXEC_SECTIONS, 'ProtectProc', custom(PROTECT_PROC.join('|'), 'set', 'invalid', (value, ctx) => {
  const v = PROTECT_PROC.find((x) => x === value);
  if (!v) return rejectValue(ctx, value);
  ctx.draft.exec.mounts.protectProc = v;
}));
supported(EXEC_SECTIONS, 'ProcSubset', custom('all|pid', 'set', 'invalid', (value, ctx) => {
  if (value !== 'all' && value !== 'pid') return rejectValue(ctx, value);
  ctx.draft.exec.mounts.procSubset = value;
}));

/** "a:b:c" at its unescaped colons ("\\:" is a colon of the path). */
function splitColons(word: string): string[] {
  const out: string[] = [''];
  for (let i = 0; i < word.length; i++) {
    if (word[i] === '\\' && word[i + 1] === ':') out[out.length - 1] += word[++i];
    else if (word[i] === ':') out.push('');
    else out[out.length - 1] += word[i];
  }
  return out;
}

export const MOUNT_ROWS = table.rows;
