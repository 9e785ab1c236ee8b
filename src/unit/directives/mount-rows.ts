/**
 * The exec context's mount-namespace rows (systemd.exec(5) "Sandboxing"): ProtectSystem=,
 * ProtectHome=, the ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=/ExecPaths=/NoExecPaths= lists,
 * ProtectKernelTunables=, ProtectControlGroups=, PrivateDevices=, PrivateNetwork=, PrivateIPC= and
 * PrivateMounts=, parsed into
 * ExecContext.mounts with systemd 252's rules and warnings, and arranged by src/exec/mount-plan.ts.
 */
import { custom, parserLabel, rejectValue, RowList, scalar } from './behaviour.js';
import { extractFirstWord, parseBoolean, parseProtectHome, parseProtectSystem, pathIsAbsolute } from '../values/index.js';
import { pathSimplify } from '../escape.js';
import type { MountSettings } from '../model.js';

const EXEC_SECTIONS = ['Service', 'Socket', 'Mount', 'Swap'] as const;
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
for (const [key, field] of [['ReadWritePaths', 'readWritePaths'], ['ReadOnlyPaths', 'readOnlyPaths'], ['InaccessiblePaths', 'inaccessiblePaths'],
  ['ExecPaths', 'execPaths'], ['NoExecPaths', 'noExecPaths']] as const satisfies readonly (readonly [string, PathList & keyof MountSettings])[]) {
  supported(EXEC_SECTIONS, key, custom("'-' then '+' prefixed absolute paths; specifiers", 'append', 'clears', (value, ctx) => {
    const list = ctx.draft.exec.mounts[field];
    if (value === '') return void list.splice(0);
    // One word at a time, as systemd: those before a quoting error are kept.
    for (let pos: number | null = 0; ;) {
      const r = extractFirstWord(value, pos, undefined, { unquote: true });
      if (!r.ok) return ctx.report('warning', `Failed to extract first word, ignoring: ${value}`);
      const word = r.value.word;
      if (word === null) return;
      pos = r.value.next;
      const dash = word.startsWith('-') ? '-' : '';
      const plus = word.slice(dash.length).startsWith('+') ? '+' : '';
      const text = word.slice(dash.length + plus.length);
      // Not fatal, yet without systemd's usual ", ignoring".
      const expanded = text.includes('%') ? ctx.expand(text, 'unit') : { ok: true as const, value: text };
      if (!expanded.ok) {
        ctx.report('warning', `Failed to resolve unit specifiers in ${text}: ${expanded.error}`);
        continue;
      }
      const path = expanded.value;
      if (!pathIsAbsolute(path)) {
        rejectValue(ctx, value, path);
        continue;
      }
      list.push(dash + plus + pathSimplify(path));
    }
  }));
}

for (const [key, field] of [['ProtectKernelTunables', 'protectKernelTunables'], ['ProtectControlGroups', 'protectControlGroups'],
  ['PrivateDevices', 'privateDevices'], ['PrivateNetwork', 'privateNetwork'], ['PrivateIPC', 'privateIPC'], ['PrivateMounts', 'privateMounts']] as const) {
  supported(EXEC_SECTIONS, key, scalar(parseBoolean, (d, v) => (d.exec.mounts[field] = v ?? false)));
}

export const MOUNT_ROWS = table.rows;
