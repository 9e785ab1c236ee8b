/**
 * The sandboxing directives svcd accepts without enforcing them (systemd.exec(5) "Sandboxing",
 * "Security", "System Call Filtering" …): one notice line per unit and directive, naming why, so
 * a unit written for systemd still starts and its owner knows what it runs without. Enforced
 * instead: NoNewPrivileges=, CapabilityBoundingSet=, AmbientCapabilities= (exec-context.ts), and
 * PrivateTmp= where the container allows a mount namespace (native-system.ts notices it otherwise).
 */
import type { Unit } from '../unit/model.js';
import { findDirective } from '../unit/directives/table.js';

/** Why each family is not enforced, by the directive's name. First match wins. */
const WHY: readonly (readonly [RegExp, string])[] = [
  [/^(SystemCall|RestrictAddressFamilies|RestrictNamespaces|RestrictRealtime|RestrictSUIDSGID|LockPersonality|MemoryDenyWriteExecute|Personality)/,
    'svcd installs no seccomp filters'],
  [/^(IPAddress|IPAccounting|IPIngress|IPEgress|SocketBind|RestrictFileSystems|DeviceAllow|DevicePolicy)/,
    'needs BPF programs on a per-service cgroup, which svcd does not attach'],
  [/^(PrivateNetwork|PrivateUsers|PrivateIPC|NetworkNamespacePath|IPCNamespacePath|ProtectHostname)/,
    'svcd does not create per-service namespaces'],
  [/^(SELinuxContext|AppArmorProfile|SmackProcessLabel)/, 'svcd has no security-module support'],
  [/^(LoadCredential|SetCredential|ImportCredential)/, 'svcd does not pass credentials yet'],
  [/^(RootImage|RootHash|RootVerity|MountImages|ExtensionImages|ExtensionDirectories)/, 'svcd does not mount images'],
  [/./, 'svcd does not give services a private mount namespace, which this needs'],
];

/** A value that asks for nothing: no notice needed (ProtectSystem=no, PrivateDevices=false, X=). */
const ASKS_NOTHING = /^(|no|false|off|0|n)$/i;

/** The notice lines for a unit's sandboxing settings svcd cannot honour, one per directive. */
export function sandboxNotices(unit: Unit): string[] {
  const asked = new Map<string, string>();
  for (const s of unit.ignored) {
    if (s.status !== 'ignored' || !findDirective(s.section, s.key)?.reason?.startsWith('sandboxing')) continue;
    // The last assignment decides, as for any setting; an empty one resets.
    asked.set(s.key, s.value);
  }
  const out: string[] = [];
  for (const [key, value] of asked) {
    if (ASKS_NOTHING.test(value.trim())) continue;
    const why = WHY.find(([re]) => re.test(key))![1];
    out.push(`${key}= not enforced (${why}).`);
  }
  return out;
}
