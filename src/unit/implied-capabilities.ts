/**
 * The capability bounding set a unit's processes get: CapabilityBoundingSet= less what its other
 * sandboxing settings take away, as systemd 252 patches the exec context when it loads a unit
 * (unit_patch_contexts): PrivateDevices= drops CAP_MKNOD and CAP_SYS_RAWIO, ProtectKernelModules=
 * CAP_SYS_MODULE, ProtectKernelLogs= CAP_SYSLOG, ProtectClock= CAP_SYS_TIME and CAP_WAKE_ALARM. The
 * spawner, `show` and `analyze security` all read it here, so they agree.
 */
import type { ExecContext } from './model.js';
import { CAP_ALL, capabilityFromName } from './values/capability.js';

const bit = (name: string): bigint => 1n << BigInt(capabilityFromName(name)!);

export function effectiveBoundingSet(exec: ExecContext): bigint {
  let caps = exec.capabilityBoundingSet ?? CAP_ALL;
  if (exec.mounts.privateDevices) caps &= ~(bit('CAP_MKNOD') | bit('CAP_SYS_RAWIO'));
  if (exec.seccomp.protectKernelModules) caps &= ~bit('CAP_SYS_MODULE');
  if (exec.seccomp.protectKernelLogs) caps &= ~bit('CAP_SYSLOG');
  if (exec.seccomp.protectClock) caps &= ~(bit('CAP_SYS_TIME') | bit('CAP_WAKE_ALARM'));
  return caps;
}

/** Whether anything narrows the set (the spawner leaves an untouched set alone). */
export function boundingSetNarrowed(exec: ExecContext): boolean {
  return effectiveBoundingSet(exec) !== CAP_ALL;
}
