/**
 * From a unit's exec context (systemd.exec(5)) and one command to the spawn spec: environment,
 * credentials, working directory, limits. `$VAR`/`${VAR}` expansion follows systemd.service(5)
 * "Command lines": a word that is exactly `$VAR` splits into the variable's words; `${VAR}` inside
 * a word is replaced verbatim; a ":" prefix turns expansion off.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readTable } from './user-table.js';
import { dynamicUser } from './dynamic-users.js';
import type { ExecContext } from '../unit/model.js';
import { personalityDomain } from '../unit/exec-kept.js';
import type { ExecCommand, RlimitName } from '../unit/values/index.js';
import type { SpawnSpec } from './native.js';
import { expandSpecifiers, systemContext } from '../unit/specifiers.js';
import { findExecutable } from '../shared/executable.js';
import { EXEC_SEARCH_PATH } from '../shared/lookup-paths.js';
import { seccompFilters } from './seccomp.js';
import { mergedPrograms } from './seccomp-merge.js';
import { boundingSetNarrowed, effectiveBoundingSet } from '../unit/implied-capabilities.js';

/**
 * A unit's filters, built once per loaded exec context (a restart loop spawns the same ones) and
 * merged into as few programs as answer alike (seccomp-merge.ts: the kernel's cost is per program
 * installed). Keyed by the whole context: its seccomp part alone may be the default shared by every
 * unit, and the filters depend on the mount settings too.
 */
const programs = new WeakMap<ExecContext, Buffer[]>();
function seccompFor(ctx: ExecContext): Buffer[] {
  let p = programs.get(ctx);
  if (!p) {
    p = mergedPrograms(seccompFilters(ctx.seccomp, ctx.mounts).map((x) => x.filter));
    programs.set(ctx, p);
  }
  return p;
}

export interface Credentials {
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  readonly groups: readonly number[];
  /** A DynamicUser= user: no home or shell of its own (HOME=, SHELL= stay unset, as systemd leaves them). */
  readonly dynamic: boolean;
}

/** User=/Group= by name or number, from /etc/passwd and /etc/group; undefined when unknown. */
export function resolveCredentials(user: string | undefined, group: string | undefined, supplementary: readonly string[]): Credentials | string {
  const groups = readTable('/etc/group');
  const pw = user === undefined ? readTable('/etc/passwd').find((p) => p[2] === '0') : findUser(user);
  if (!pw) return `Failed to determine user credentials: No such process`;
  const dynamic = pw[4] === DYNAMIC_GECOS;
  const findGroup = (g: string) => groups.find((e) => e[0] === g || e[2] === g) ?? dynamicRow(g, (d) => [d.name, 'x', String(d.uid), '']);
  let gid = Number(pw[3]);
  if (group !== undefined) {
    const g = findGroup(group);
    if (!g) return `Failed to determine group credentials: No such process`;
    gid = Number(g[2]);
  }
  const extra = supplementary.map(findGroup).filter((g): g is string[] => g !== undefined).map((g) => Number(g[2]));
  // A user's own supplementary groups come with it, as initgroups() gives them.
  const member = user === undefined ? [] : groups.filter((g) => (g[3] ?? '').split(',').includes(pw[0]!)).map((g) => Number(g[2]));
  return { uid: Number(pw[2]), gid, home: pw[5] ?? '/', shell: pw[6] ?? '/bin/sh', groups: [...new Set([gid, ...member, ...extra])], dynamic };
}

/** What a held dynamic user's passwd row reads (nss-systemd's record: home /, nologin). */
const DYNAMIC_GECOS = 'Dynamic User';

function findUser(user: string): string[] | undefined {
  return readTable('/etc/passwd').find((p) => p[0] === user || p[2] === user)
    ?? dynamicRow(user, (d) => [d.name, 'x', String(d.uid), String(d.uid), DYNAMIC_GECOS, '/', '/usr/sbin/nologin']);
}

/** A held dynamic user (or its group, of the same name and number) as a row of the tables. */
function dynamicRow(key: string, row: (d: { name: string; uid: number }) => string[]): string[] | undefined {
  const d = dynamicUser(key);
  return d ? row(d) : undefined;
}

/** Replaces $VAR and ${VAR} in argv as systemd does. */
export function expandArgv(argv: readonly string[], env: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [i, word] of argv.entries()) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole && i > 0) {
      const v = env.get(whole[1]!);
      if (v !== undefined) out.push(...v.split(/\s+/).filter(Boolean));
      continue;
    }
    // "$$" is a literal "$"; "${VAR}" anywhere in a word is replaced by the value, unsplit.
    out.push(i === 0 ? word : word.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, n: string | undefined) => (n === undefined ? '$' : env.get(n) ?? '')));
  }
  return out;
}

export interface ProcessOptions {
  readonly unitName: string;
  readonly invocationId: string;
  /** Manager-provided variables (DefaultEnvironment=, MAINPID, SERVICE_RESULT, …). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** fds for stdin/stdout/stderr; -1 is /dev/null. */
  readonly fds: readonly [number, number, number];
  /** Run with full privileges ("+" prefix, or PermissionsStartOnly= for non-main commands). */
  readonly privileged?: boolean;
  /** The unit's fragment, for %y/%Y. */
  readonly fragmentPath?: string;
}

/** The spawn spec for one command of a unit, or an error text with systemd's wording. */
export function buildSpawnSpec(ctx: ExecContext, cmd: ExecCommand, opts: ProcessOptions): SpawnSpec | string {
  const privileged = opts.privileged || cmd.flags.fullyPrivileged;
  const dropIds = !privileged && !cmd.flags.noSetuid && (ctx.user !== undefined || ctx.group !== undefined);
  const cred = dropIds ? resolveCredentials(ctx.user, ctx.group, ctx.supplementaryGroups) : resolveCredentials(undefined, undefined, []);
  if (typeof cred === 'string') return cred;
  const env = new Map<string, string>([['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']]);
  for (const k of ctx.passEnvironment) if (process.env[k] !== undefined) env.set(k, process.env[k]!);
  for (const [k, v] of Object.entries(opts.extraEnv ?? {})) env.set(k, v);
  for (const a of ctx.environment) env.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
  for (const f of ctx.environmentFiles) {
    let text: string;
    try {
      text = readFileSync(f.path, 'utf8');
    } catch {
      if (f.optional) continue;
      return `Failed to load environment files: No such file or directory`;
    }
    for (const line of text.split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (m) env.set(m[1]!, m[2]!.trim().replace(/^(["'])(.*)\1$/, '$2'));
    }
  }
  for (const k of ctx.unsetEnvironment) env.delete(k.split('=')[0]!);
  if (ctx.user !== undefined && dropIds) {
    env.set('USER', ctx.user);
    env.set('LOGNAME', ctx.user);
    if (!cred.dynamic) {
      env.set('HOME', cred.home);
      env.set('SHELL', cred.shell);
    }
  }
  env.set('INVOCATION_ID', opts.invocationId);
  // Specifiers are resolved when the command starts, then environment variables (unless ":").
  const words: string[] = [];
  for (const w of cmd.argv) {
    const r = expandSpecifiers(w, { name: opts.unitName, fragmentPath: opts.fragmentPath }, systemContext());
    if (!r.ok) return `${r.error} in ${cmd.argv.join(' ')}`;
    words.push(r.value);
  }
  const argv = cmd.flags.noEnvExpand ? words : expandArgv(words, env);
  let cwd = ctx.workingDirectory;
  // "-": a missing directory is not an error (the process starts in / instead).
  if (cwd === '~' || cwd === '-~') cwd = `${cwd.slice(0, -1)}${cred.home}`;
  if (cwd?.startsWith('-')) cwd = existsSync(cwd.slice(1)) ? cwd.slice(1) : undefined;
  return {
    // A bare name (systemd's own units have them) is found on the manager's fixed search path; argv[0] stays as written.
    file: findExecutable(cmd.path, EXEC_SEARCH_PATH) ?? cmd.path,
    argv,
    envp: [...env].map(([k, v]) => `${k}=${v}`),
    cwd: cwd ?? '/',
    // RootDirectory=: the spawner chroots before it drops ids and changes to the working directory.
    ...(ctx.rootDirectory !== undefined ? { rootDirectory: ctx.rootDirectory } : {}),
    fds: opts.fds,
    ...(dropIds ? { uid: cred.uid, gid: cred.gid, groups: cred.groups } : {}),
    umask: ctx.umask ?? 0o022,
    nice: ctx.nice,
    oomScoreAdjust: ctx.oomScoreAdjust,
    rlimits: Object.entries(ctx.limits).map(([name, l]) => ({ resource: name as RlimitName, soft: l!.soft, hard: l!.hard })),
    setsid: true,
    noNewPrivileges: ctx.noNewPrivileges,
    // "+" runs with full privileges: no capability restriction (systemd.service(5), "Command lines").
    ...(privileged ? {} : { capabilityBoundingSet: boundingSetNarrowed(ctx) ? effectiveBoundingSet(ctx) : undefined, ambientCapabilities: ctx.ambientCapabilities }),
    ...(ctx.kept.personality !== undefined ? { personality: personalityDomain(ctx.kept.personality) } : {}),
    // Scheduling, affinity, IO priority and timer slack apply to "+" commands too, as systemd's.
    ...(ctx.kept.cpuSched ? { cpuScheduling: { ...ctx.kept.cpuSched, resetOnFork: ctx.kept.cpuSchedResetOnFork } } : {}),
    ...(ctx.kept.cpuAffinity.length > 0 ? { cpuAffinity: ctx.kept.cpuAffinity } : {}),
    ...(ctx.kept.ioprio !== undefined ? { ioprio: ctx.kept.ioprio } : {}),
    // 0 asks for the default slack, which a process svcd starts has anyway.
    ...(ctx.kept.timerSlackNSec ? { timerSlackNs: Number(ctx.kept.timerSlackNSec) } : {}),
    // "+" is outside the sandbox: no filters, no namespaces, no secure bits (systemd's needs_sandboxing).
    ...(privileged ? {} : { seccomp: seccompFor(ctx), newUtsNamespace: ctx.seccomp.protectHostname, privateUsers: ctx.mounts.privateUsers }),
    ...(privileged || ctx.kept.secureBits === 0 ? {} : { secureBits: ctx.kept.secureBits }),
  };
}
