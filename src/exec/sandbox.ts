/**
 * The sandboxing directives svcd accepts without enforcing them (systemd.exec(5) "Sandboxing",
 * "Security", "System Call Filtering" …), so a unit written for systemd still starts and its owner
 * knows what it runs without: one console line per unit naming them all (a Debian unit asks for
 * twenty and more), and one journal entry per directive saying why. Enforced
 * instead: NoNewPrivileges=, CapabilityBoundingSet=, AmbientCapabilities=, SecureBits=, Personality= (exec-context.ts), the
 * seccomp directives (seccomp.ts: SystemCallFilter=, RestrictAddressFamilies=, …, and the system
 * call part of ProtectClock=/ProtectKernelModules=/ProtectKernelLogs=/ProtectHostname=), and
 * PrivateTmp=, ProtectSystem=, ProtectHome=, ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=,
 * ExecPaths=, NoExecPaths=, ProtectKernelTunables=, ProtectControlGroups=, PrivateDevices=, PrivateMounts=,
 * TemporaryFileSystem=, BindPaths=, BindReadOnlyPaths=, ProtectProc=, ProcSubset=
 * (mount-plan.ts) where the container allows a mount namespace, PrivateNetwork=, PrivateIPC= where it
 * allows those namespaces (native-system.ts notices it otherwise), PrivateUsers= (the spawner's user
 * namespace).
 */
import type { Unit } from '../unit/model.js';
import { findDirective } from '../unit/directives/table.js';

/** Why each family is not enforced, by the directive's name. First match wins. */
const WHY: readonly (readonly [RegExp, string])[] = [
  [/^(IPAddress|IPAccounting|IPIngress|IPEgress|SocketBind|RestrictFileSystems|DeviceAllow|DevicePolicy)/,
    'needs BPF programs on a per-service cgroup, which svcd does not attach'],
  [/^(NetworkNamespacePath|IPCNamespacePath)/,
    'svcd does not create per-service namespaces'],
  [/^(SELinuxContext|AppArmorProfile|SmackProcessLabel)/, 'svcd has no security-module support'],
  [/^(LoadCredential|SetCredential|ImportCredential)/, 'svcd does not pass credentials yet'],
  [/^(RootImage|RootHash|RootVerity|MountImages|ExtensionImages|ExtensionDirectories)/, 'svcd does not mount images'],
  [/./, 'svcd does not give services a private mount namespace, which this needs'],
];

/** A value that asks for nothing: no notice needed (ProtectSystem=no, PrivateDevices=false, X=). */
const ASKS_NOTHING = /^(|no|false|off|0|n)$/i;

/** A sandboxing setting svcd cannot honour: the directive, and the line that says why. */
export interface SandboxNotice {
  readonly directive: string;
  readonly text: string;
}

/** The unit's sandboxing settings svcd cannot honour, one per directive, in the file's order. */
export function sandboxNotices(unit: Unit): SandboxNotice[] {
  const asked = new Map<string, string>();
  for (const s of unit.ignored) {
    if (s.status !== 'ignored' || !findDirective(s.section, s.key)?.reason?.startsWith('sandboxing')) continue;
    // The last assignment decides, as for any setting; an empty one resets.
    asked.set(s.key, s.value);
  }
  const out: SandboxNotice[] = [];
  for (const [key, value] of asked) {
    if (ASKS_NOTHING.test(value.trim())) continue;
    const why = WHY.find(([re]) => re.test(key))![1];
    out.push({ directive: key, text: `${key}= not enforced (${why}).` });
  }
  return out;
}

/** The one line that names them all (the console's; each one's why is in the journal). */
export function sandboxSummary(notices: readonly SandboxNotice[]): string {
  const n = notices.length;
  return `${n} sandboxing setting${n === 1 ? '' : 's'} not enforced: ${notices.map((x) => `${x.directive}=`).join(', ')} (see the journal for why).`;
}
