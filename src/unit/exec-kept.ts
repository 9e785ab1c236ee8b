/**
 * The exec-context settings svcd keeps as the unit asked, for `show` and the D-Bus Service
 * interface to print them as systemd 252 does (the configured value, or what a process would get
 * without it), whether or not svcd applies them: those it does not apply are also kept in
 * Unit.ignored, so the start-up notice still names them. Values are held the way systemd's
 * ExecContext holds them (ioprio as one number, syslog priority as level and facility, …), so
 * the property table only has to read them.
 */

/** A string setting with systemd's "-" prefix: ignore when it cannot be applied (SELinuxContext= and kin). */
export interface IgnorableString {
  readonly ignore: boolean;
  readonly value: string;
}

export interface KeptExecSettings {
  /** IOSchedulingClass=/IOSchedulingPriority=: class << 13 | level; undefined when neither is set. */
  readonly ioprio?: number;
  /** CPUSchedulingPolicy=/CPUSchedulingPriority=: undefined when neither is set. */
  readonly cpuSched?: { readonly policy: number; readonly priority: number };
  readonly cpuSchedResetOnFork: boolean;
  /** CPUAffinity=: the CPUs, ascending; "numa" sets cpuAffinityFromNUMA instead. */
  readonly cpuAffinity: readonly number[];
  readonly cpuAffinityFromNUMA: boolean;
  /** NUMAPolicy= as the kernel's MPOL_* number; undefined: not set (systemctl prints "n/a"). */
  readonly numaPolicy?: number;
  readonly numaMask: readonly number[];
  readonly timerSlackNSec?: bigint;
  readonly nonBlocking: boolean;
  /** SyslogLevel= (0…7) and SyslogFacility= (unshifted, 0…23): systemd's LOG_DAEMON|LOG_INFO by default. */
  readonly syslogLevel: number;
  readonly syslogFacility: number;
  readonly logLevelMax?: number;
  /** LogExtraFields=: "FIELD=value" each. */
  readonly logExtraFields: readonly string[];
  readonly logNamespace?: string;
  /** SecureBits=: the SECBIT_* mask. */
  readonly secureBits: number;
  /** Personality=: the architecture name as written ("x86", "x86-64"); undefined: the manager's. */
  readonly personality?: string;
  /** Unset: private for the system manager's services, shared for its other units (unit_init()). */
  readonly keyringMode?: 'inherit' | 'private' | 'shared';
  /** MountFlags=: MS_SHARED, MS_SLAVE or MS_PRIVATE; 0 when unset. */
  readonly mountFlags: bigint;
  readonly ignoreSIGPIPE: boolean;
  readonly utmpIdentifier?: string;
  readonly utmpMode: 'init' | 'login' | 'user';
  /** MountAPIVFS=: undefined when unset (then on exactly where RootDirectory= is set). */
  readonly mountAPIVFS?: boolean;
  readonly pamName?: string;
  readonly ttyReset: boolean;
  readonly ttyVHangup: boolean;
  readonly ttyVTDisallocate: boolean;
  readonly ttyRows?: number;
  readonly ttyColumns?: number;
  /** StandardInputData= and StandardInputText= (each line and a newline), in order, as base64 (the model is frozen: no byte arrays). */
  readonly stdinData: string;
  readonly coredumpFilter?: bigint;
  readonly execSearchPath: readonly string[];
  readonly selinuxContext?: IgnorableString;
  readonly appArmorProfile?: IgnorableString;
  readonly smackProcessLabel?: IgnorableString;
  readonly networkNamespacePath?: string;
  readonly ipcNamespacePath?: string;
}

/**
 * Personality=: the names this machine's kernel can run (personality_from_string) — the native
 * architecture, and the 32-bit one beside it — each with its personality(2) execution domain.
 */
const PERSONALITIES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  x64: { 'x86-64': 0, x86: 8 },
  arm64: { arm64: 0, arm: 8 },
};
/** PER_LINUX (0) or PER_LINUX32 (8) for a name this machine runs; undefined for any other. */
export const personalityDomain = (name: string): number | undefined => PERSONALITIES[process.arch]?.[name];

/**
 * KeyringMode= in effect: as written, else what the system manager gives the unit's type —
 * private for services (service_init()), shared for the other kinds with an exec context (unit_init()).
 */
export const effectiveKeyringMode = (kept: KeptExecSettings, type: string): 'inherit' | 'private' | 'shared' =>
  kept.keyringMode ?? (type === 'service' ? 'private' : 'shared');

/** exec_context_init()'s values; KeyringMode= depends on the unit's type, so it is left unset. */
export function initialKeptExecSettings(): KeptExecSettings {
  return {
    cpuSchedResetOnFork: false, cpuAffinity: [], cpuAffinityFromNUMA: false, numaMask: [], nonBlocking: false,
    syslogLevel: 6, syslogFacility: 3, logExtraFields: [], secureBits: 0, mountFlags: 0n,
    ignoreSIGPIPE: true, utmpMode: 'init', ttyReset: false, ttyVHangup: false, ttyVTDisallocate: false,
    stdinData: '', execSearchPath: [],
  };
}
