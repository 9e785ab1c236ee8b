/**
 * The manager's environment block (systemctl set-environment / unset-environment /
 * show-environment; DefaultEnvironment= of systemd-system.conf(5)): what every process the
 * manager spawns starts from, below the unit's own Environment=.
 *
 * It has two parts, as systemd 252 keeps them: the configured part (PATH, the locale,
 * DefaultEnvironment=), fixed for the life of the process, and the client part, which only
 * set-environment/unset-environment change — so unset-environment cannot remove a configured
 * variable, and a re-executed svcd, which reads its configuration afresh, only has to be handed
 * the client part. Each part is kept sanitized (the variables the manager sets per service
 * itself removed) and sorted bytewise; the effective block is the configured part with the
 * client part merged in (a client assignment replaces a configured one in its place, the rest
 * follow in order).
 */
import { envNameIsValid } from '../unit/values/environment.js';
import { strcmp } from '../shared/strcmp.js';

/** systemd's PATH for the system manager's services (DEFAULT_PATH, split /usr). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Variables the manager sets for each service itself: never part of the block, whatever a client
 * or the configuration says (the list systemd 252 sanitizes away; checked against it in
 * test/fixtures/environment/show-environment.json).
 */
const MANAGED_PER_SERVICE: ReadonlySet<string> = new Set([
  'CACHE_DIRECTORY', 'CONFIGURATION_DIRECTORY', 'CREDENTIALS_DIRECTORY', 'EXIT_CODE', 'EXIT_STATUS', 'INVOCATION_ID',
  'JOURNAL_STREAM', 'LISTEN_FDNAMES', 'LISTEN_FDS', 'LISTEN_PID', 'LOGS_DIRECTORY', 'MAINPID', 'MANAGERPID',
  'NOTIFY_SOCKET', 'PIDFILE', 'REMOTE_ADDR', 'REMOTE_PORT', 'RUNTIME_DIRECTORY', 'SERVICE_RESULT', 'STATE_DIRECTORY',
  'WATCHDOG_PID', 'WATCHDOG_USEC',
]);

/** Why a change was refused: systemd's bus error texts, which systemctl prints after "Failed to set environment: ". */
export const INVALID_ASSIGNMENTS = 'Invalid environment assignments';
export const INVALID_NAMES_OR_ASSIGNMENTS = 'Invalid environment variable names or assignments';

const nameOf = (a: string): string => a.slice(0, a.indexOf('='));

/** env_value_is_valid() of systemd 252: valid UTF-8 without NUL; control characters are allowed. */
function valueIsValid(value: string): boolean {
  return !/\p{Cs}|\0/u.test(value);
}

/** A NAME=value word set-environment accepts. */
export function assignmentIsValid(a: string): boolean {
  const eq = a.indexOf('=');
  return eq > 0 && envNameIsValid(a.slice(0, eq)) && valueIsValid(a.slice(eq + 1));
}

/** A word unset-environment accepts: a name, or NAME=value (removed only while it has that value). */
export function nameOrAssignmentIsValid(w: string): boolean {
  return envNameIsValid(w) || assignmentIsValid(w);
}


/** Later assignments of a name replace earlier ones in place; managed names dropped; sorted. */
function sanitize(list: readonly string[]): string[] {
  return merge([], list).filter((a) => !MANAGED_PER_SERVICE.has(nameOf(a))).sort(strcmp);
}

/** `base` with each of `plus` replacing the assignment of its name, or appended (strv_env_merge). */
function merge(base: readonly string[], plus: readonly string[]): string[] {
  const out = [...base];
  const at = new Map(out.map((a, i) => [nameOf(a), i]));
  for (const a of plus) {
    const i = at.get(nameOf(a));
    if (i === undefined) {
      at.set(nameOf(a), out.length);
      out.push(a);
    } else out[i] = a;
  }
  return out;
}

export class ManagerEnvironment {
  private readonly configured: readonly string[];
  private client: readonly string[] = [];

  /** `configured`: NAME=value words (PATH, the locale, DefaultEnvironment=), later ones winning. */
  constructor(configured: readonly string[]) {
    this.configured = sanitize(configured);
  }

  /** The block as show-environment prints it and every spawned process gets it. */
  effective(): readonly string[] {
    return merge(this.configured, this.client);
  }

  /** The block as a name → value record, for the spawner. */
  record(): Record<string, string> {
    return Object.fromEntries(this.effective().map((a) => [nameOf(a), a.slice(a.indexOf('=') + 1)]));
  }

  /**
   * unset-environment then set-environment, all or nothing (systemd's UnsetAndSetEnvironment):
   * the refusal's text, or undefined once applied.
   */
  modify(unset: readonly string[], set: readonly string[]): string | undefined {
    if (!unset.every(nameOrAssignmentIsValid)) return INVALID_NAMES_OR_ASSIGNMENTS;
    if (!set.every(assignmentIsValid)) return INVALID_ASSIGNMENTS;
    const kept = this.client.filter((a) => !unset.some((u) => u === a || u === nameOf(a)));
    this.client = sanitize(merge(kept, set));
    return undefined;
  }

  /** What a re-executed manager must be handed: the client part (it reads the rest from its configuration). */
  serialize(): readonly string[] {
    return this.client;
  }

  /** Takes the client part back after daemon-reexec; what is not a valid assignment is dropped. */
  restore(client: readonly string[]): void {
    this.client = sanitize(client.filter(assignmentIsValid));
  }
}
