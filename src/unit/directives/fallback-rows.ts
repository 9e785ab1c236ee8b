/**
 * The rest of the directive table: a row for every key systemd 252 knows that no other part
 * writes. Its value is still checked by its type (and resource-control values by their own rules,
 * so a typo is reported as systemd reports it), then kept in Unit.ignored as "ignored"
 * (sandboxing and resource control, which svcd cannot honour inside a container) or "not-yet".
 * This is what makes "nothing a unit file says is dropped silently" true, so it is its own part.
 */
import { isValidUnitName, NAME_BARE, QUOTED, rejectValue, resolveSpecifiers, type DirectiveRow, type DirectiveStatus, type Spec } from './behaviour.js';
import { parseStringList, pathIsNormalized } from '../values/index.js';
import { CATALOG } from './catalog.generated.js';
import { applyKept } from './exec-kept-rows.js';
import { deviceValueProblem, fallbackCheck, fallbackCheckLabel, fallbackWordCheck, fatalIfRelative } from './fallback-checks.js';
import { ownWordsProblems } from './own-word-checks.js';

const SANDBOX = /^(Protect|Private|ReadWrite|ReadOnly|Inaccessible|ExecPaths|NoExecPaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|Capability|AmbientCapabilities|SecureBits|SystemCall|RestrictAddressFamilies|RestrictNamespaces|RestrictFileSystems|RestrictRealtime|RestrictSUIDSGID|LockPersonality|MemoryDenyWriteExecute|RemoveIPC|KeyringMode|MountFlags|IPAddress|IPAccounting|IPIngress|IPEgress|SocketBind|NetworkNamespacePath|IPCNamespacePath|PrivateNetwork|PrivateUsers|PrivateIPC|PrivateMounts|PrivateDevices|DevicePolicy|DeviceAllow|SELinuxContext|AppArmorProfile|SmackProcessLabel|Personality|RootImage|RootHash|RootVerity|MountImages|ExtensionImages|ExtensionDirectories|LoadCredential|SetCredential|ImportCredential|LogNamespace|ProcSubset)/;
const RESOURCE = /^(CPU|Memory|IO|BlockIO|Tasks|Startup|Delegate|Slice|Managed|ManagedOOM|DefaultMemory|AllowedCPUs|AllowedMemoryNodes|StartupAllowed|DisableControllers|NUMA|Device)/;
/**
 * MemoryLimit= (cgroup v1's) is named deprecated only once its value is taken, the empty one too:
 * an invalid value draws the invalid-value message alone (keys deprecated whatever the value: notices.ts).
 */
const ACCEPTED_NOTICES: Record<string, string> = {
  MemoryLimit: 'Unit uses MemoryLimit=; please use MemoryMax= instead. Support for MemoryLimit= will be removed soon.',
};
// Keys of mixed types whose systemd 252 parser has no empty case either (checked one by one with
// `systemd-analyze verify`): a few time spans, and enums of the OTHER kind.
const EMPTY_INVALID = new Set([
  'KeyringMode', 'UtmpMode', 'ManagedOOMPreference', 'Slice',
  'SocketProtocol', 'Timestamping', 'TimeoutSec', 'StartLimitInterval', 'RuntimeRandomizedExtraSec', 'TimeoutCleanSec',
  'KeepAliveTimeSec', 'KeepAliveIntervalSec', 'DeferAcceptSec',
]);
/**
 * The value types whose systemd 252 parser has no empty case (an empty assignment is warned about
 * in the key's own words, never a reset), as `systemd-analyze verify` answers for every key of
 * these types that svcd keeps unapplied. BOOLEAN is among them (see below); SECONDS is not: some
 * of its keys reset.
 */
const EMPTY_INVALID_HINTS = new Set(['BOOLEAN', 'ACTION', 'SERVICEEXITTYPE', 'CPUSCHEDPRIO', 'FACILITY', 'LEVEL', 'NANOSECONDS', 'UNSIGNED', 'INTEGER', 'SIZE', 'LONG', 'MODE', 'POLICY', 'SIGNAL']);

/**
 * DeviceAllow=: "DEVICE [rwm]", DEVICE a normalized path under /dev/ or a block-/char- group;
 * each kind of mistake in systemd 252's own words (undefined: the value is good).
 */
function deviceAllowProblem(value: string): string | undefined {
  const words = parseStringList(value);
  const device = words.ok ? words.value?.[0] ?? '' : value;
  const rights = value.replace(/^\s*("[^"]*"|'[^']*'|\S+)\s*/, '');
  if (!/^(block|char)-/.test(device)) {
    if (!device.startsWith('/dev/')) return `Invalid device node path '${device}', ignoring.`;
    if (!pathIsNormalized(device)) return `DeviceAllow= path is not normalized, ignoring: ${device}`;
  }
  if (rights !== '' && !/^[rwm]+$/.test(rights)) return `Invalid device rights '${rights}', ignoring.`;
  return undefined;
}
// Keys whose value systemd resolves specifiers in before checking it (Slice=user-%i.slice,
// NetworkNamespacePath=%t/ns).
const KEY_SPECS: Record<string, Spec> = { Slice: NAME_BARE, NetworkNamespacePath: QUOTED, IPCNamespacePath: QUOTED };
const KEY_PROBLEMS: Record<string, (value: string) => string | undefined> = { DeviceAllow: deviceAllowProblem };


/**
 * A row for every catalog key the other parts did not write (`have`: "Section.Key" of theirs),
 * in the catalog's order.
 */
export function fallbackRows(have: ReadonlySet<string>): DirectiveRow[] {
  const rows: DirectiveRow[] = [];
  for (const [section, key, hint] of CATALOG) {
    if (have.has(`${section}.${key}`)) continue;
    const ignoredBecause = SANDBOX.test(key)
      ? 'sandboxing: accepted and not enforced in a container'
      : RESOURCE.test(key)
        ? 'resource control: not applied by svcd (docs/resource-control.md)'
        : undefined;
    const status: DirectiveStatus = ignoredBecause ? 'ignored' : 'not-yet';
    const check = hint === 'UNIT [...]' ? undefined : fallbackCheck(key, hint);
    rows.push({
      section, key, hint, status, reason: ignoredBecause,
      parser: hint === 'UNIT [...]' ? 'unit names' : check ? fallbackCheckLabel(check) : 'kept as written',
      mode: 'keep',
      // systemd's boolean parser has no empty case: `PrivateNetwork=` is an invalid value, warned
      // about with the key's own words, as every BOOLEAN key of systemd 252 does (none resets).
      empty: EMPTY_INVALID_HINTS.has(hint) || EMPTY_INVALID.has(key) ? 'invalid' : 'kept',
      apply(value, ctx) {
        if (value === '' && (EMPTY_INVALID_HINTS.has(hint) || EMPTY_INVALID.has(key))) return rejectValue(ctx, value);
        if (fatalIfRelative(key, value)) {
          rejectValue(ctx, value, value, 'error');
          ctx.draft.badSetting = true;
          return;
        }
        const deviceProblem = value === '' ? undefined : deviceValueProblem(key, value);
        if (deviceProblem === 'missing') return rejectValue(ctx, value);
        const problem = value === '' ? undefined : deviceProblem ?? KEY_PROBLEMS[key]?.(value);
        if (problem !== undefined) return ctx.report('warning', problem);
        const own = value === '' ? [] : ownWordsProblems(key, value);
        for (const p of own) ctx.report('warning', p);
        if (own.length > 0) return;
        const spec = value === '' ? undefined : KEY_SPECS[key];
        const resolved = spec ? resolveSpecifiers(ctx, value, spec) : value;
        if (resolved === undefined) return;
        if (value !== '') {
          const byWord = fallbackWordCheck(key);
          if (byWord) {
            const words = byWord.separator === 'colon' ? { ok: true, value: resolved.split(':') } : parseStringList(resolved);
            const bad = words.ok && words.value ? words.value.filter((w) => !byWord.good(w)) : [];
            for (const w of bad) rejectValue(ctx, value, w);
            if (bad.length > 0) return;
          } else if (hint === 'UNIT [...]') {
            const words = parseStringList(value);
            if (words.ok && words.value) for (const w of words.value) if (!isValidUnitName(w)) return rejectValue(ctx, value, w);
          } else if (check) {
            const r = check(resolved);
            if (!r.ok) return rejectValue(ctx, value, resolved);
          }
        }
        // The exec settings show prints (exec-kept-rows.ts) are typed as well as kept here, from
        // the value as checked (specifiers resolved once, above).
        if (!applyKept(key, resolved, ctx)) return rejectValue(ctx, value);
        const notice = ACCEPTED_NOTICES[key];
        if (notice !== undefined) ctx.report('warning', notice);
        ctx.draft.ignored.push({ section, key, value, loc: ctx.loc, status });
      },
    });
  }
  return rows;
}
