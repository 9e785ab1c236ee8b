/**
 * A systemd-tmpfiles run: the configuration read, then --remove's and --clean's phase and --create's, each over
 * the creating lines first and the pattern lines second, every path after the line for the nearest
 * directory above it (so `d /run/a` is made before `f /run/a/b`, wherever the two lines sit) and
 * removals below a path before the path. Each item applies once per operation. The exit status is
 * systemd-tmpfiles': 65 (EX_DATAERR) when a line was refused, else 73 (EX_CANTCREAT) when one
 * failed without "-", else 0.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { machineContext, tmpfilesSpecifiers } from '../specifiers.js';
import { createItem, removeItem, type SpecialFiles } from './apply.js';
import { readConfig, readIds, tmpfilesConfigFiles, type Config, type ItemArray } from './config.js';
import type { Item, ParseContext, Report } from './parse.js';
import { chaseBelowRoot } from './paths.js';
import { cleanItem, type CleanContext } from './clean.js';
import { fnmatch } from '../../shared/glob.js';
import { realtimeNow } from '../../shared/timestamp.js';

export const EX_DATAERR = 65;
export const EX_CANTCREAT = 73;

export interface RunOptions {
  readonly root?: string;
  readonly create: boolean;
  readonly remove: boolean;
  /** --clean: ages out what the Age fields say. */
  readonly clean?: boolean;
  readonly boot: boolean;
  /** --prefix: only paths below one of these; --exclude-prefix: none below these. */
  readonly prefixes?: readonly string[];
  readonly excludePrefixes?: readonly string[];
  /** Config files named on the command line instead of the directories' (absolute, as given). */
  readonly files?: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly special: SpecialFiles;
  readonly report: Report;
}

type Operation = 'create' | 'remove' | 'clean';

interface Node {
  readonly array: ItemArray;
  parent?: Node;
  readonly children: Node[];
}

/** link_parent(): each path's nearest ancestor with lines of its own, creating lines' first. */
function linkParents(config: Config): Node[] {
  const nodes = new Map<ItemArray, Node>();
  const all = [...config.items.values(), ...config.globs.values()];
  for (const a of all) nodes.set(a, { array: a, children: [] });
  for (const a of all) {
    for (let p = dirname(a.path); ; p = dirname(p)) {
      const parent = config.items.get(p) ?? config.globs.get(p);
      if (parent) {
        const n = nodes.get(a)!;
        n.parent = nodes.get(parent)!;
        n.parent.children.push(n);
        break;
      }
      if (p === '/' || p === '.') break;
    }
  }
  return all.map((a) => nodes.get(a)!);
}

export function runTmpfiles(opts: RunOptions): number {
  const root = opts.root ? opts.root.replace(/\/+$/, '') : undefined;
  const below = (p: string): string => (root ? join(root, p) : p);
  const users = readIds(below('/etc/passwd'));
  const groups = readIds(below('/etc/group'));
  let invalid = false;
  const report: Report = (level, text, bad) => {
    if (bad) invalid = true;
    opts.report(level, text);
  };
  const credentials = opts.env.CREDENTIALS_DIRECTORY;
  const isBelow = (path: string, prefix: string): boolean => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  const include = (path: string): boolean =>
    !(opts.excludePrefixes ?? []).some((x) => isBelow(path, x)) && (!opts.prefixes?.length || opts.prefixes.some((x) => isBelow(path, x)));
  const ctx: ParseContext = {
    include,
    root,
    boot: opts.boot,
    specifiers: tmpfilesSpecifiers(machineContext({ root, env: opts.env }), root),
    user: (n) => users.get(n),
    group: (n) => groups.get(n),
    credential: (name) => {
      if (!credentials || name.includes('/')) return undefined;
      try {
        return readFileSync(join(credentials, name));
      } catch {
        return undefined;
      }
    },
  };
  const config = readConfig(opts.files ?? tmpfilesConfigFiles(root), ctx, report);
  const nodes = linkParents(config);
  const done = new Map<Item, Set<Operation>>();
  const apply = { report, special: opts.special };
  const globs = [...config.globs.values()].flatMap((a) => a.items.map((i) => i.path.split('/')));
  /** find_glob() with FNM_PATHNAME|FNM_PERIOD: component by component. */
  const globMatches = (path: string): boolean => {
    const parts = path.split('/');
    return globs.some((g) => g.length === parts.length && g.every((c, i) => fnmatch(c, parts[i]!, { period: true })));
  };
  const cleaning: CleanContext = {
    report,
    configured: (path) => config.items.has(path) || globMatches(path),
    // now(CLOCK_REALTIME) in µs, as systemd takes it: Date.now()'s ms would call a file made in the same ms new.
    now: () => realtimeNow() * 1000n,
  };
  let failed = false;

  const processItem = (item: Item, op: Operation): void => {
    const ops = done.get(item) ?? new Set();
    if (ops.has(op)) return;
    ops.add(op);
    done.set(item, ops);
    const path = root ? chaseBelowRoot(root, item.path) : item.path;
    if (op === 'clean') {
      cleanItem(item, path, cleaning);
      return;
    }
    const ok = op === 'create' ? createItem(item, path, apply) || item.allowFailure : removeItem(item, path, apply);
    if (!ok) failed = true;
  };
  const processNode = (n: Node, ops: readonly Operation[]): void => {
    if (ops.includes('create') && n.parent) processNode(n.parent, ops);
    if (!ops.includes('create')) for (const c of n.children) processNode(c, ops);
    for (const item of n.array.items) for (const op of ops) processItem(item, op);
  };
  // As systemd: first removing and cleaning (each line does both before the next line), then creating.
  const phases: Operation[][] = [[...(opts.remove ? ['remove' as const] : []), ...(opts.clean ? ['clean' as const] : [])], opts.create ? ['create'] : []];
  for (const ops of phases) if (ops.length) for (const n of nodes) processNode(n, ops);
  return invalid ? EX_DATAERR : failed ? EX_CANTCREAT : 0;
}
