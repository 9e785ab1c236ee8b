/**
 * RootImage=/MountImages= under a device ACL: systemd 252's unit_patch_contexts() lets such a unit
 * reach the loop and device-mapper devices, and orders it after the modprobe@ services that make
 * their majors known — only when there is an ACL at all (a device policy other than "auto", which
 * PrivateDevices= closes, or DeviceAllow= lines).
 */
import type { Unit } from './model.js';
import { ignoredList, ignoredScalar } from './ignored.js';

/** The modules loaded for an image (Wants=/After= modprobe@MODULE.service). */
export const IMAGE_MODULES = ['loop', 'dm_mod', 'dm_verity'] as const;

/** Whether the unit's images add their devices (and module services): an image and an ACL. */
export function imageDevicesAdded(unit: Unit): boolean {
  if (!unit.exec) return false;
  const image = ignoredScalar(unit, 'RootImage') !== undefined || ignoredList(unit, 'MountImages').length > 0;
  const written = ignoredScalar(unit, 'DevicePolicy') ?? 'auto';
  const policy = unit.exec.mounts.privateDevices && written === 'auto' ? 'closed' : written;
  return image && (policy !== 'auto' || ignoredList(unit, 'DeviceAllow').length > 0);
}
