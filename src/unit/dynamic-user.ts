/**
 * DynamicUser= as systemd 252 completes a unit at load (its unit_patch_contexts()): the user is
 * named after the unit unless User= names it, the group after the user, and the unit gets the
 * sandbox that keeps a transient uid from leaving anything behind (PrivateTmp=, RemoveIPC=,
 * ProtectSystem=strict, ProtectHome=read-only unless set, NoNewPrivileges=, RestrictSUIDSGID=), so
 * `show`, `analyze security` and the spawner all see the same settings.
 */
import { siphash24 } from '../shared/siphash24.js';
import type { Draft } from './directives/draft.js';
import { unitNameToPrefix } from './name.js';

/** systemd's range for dynamic users (DYNAMIC_UID_MIN–DYNAMIC_UID_MAX). */
export const DYNAMIC_UID_MIN = 61184;
export const DYNAMIC_UID_MAX = 65519;

/** systemd's fixed key for a name derived from a unit whose own is no valid user name. */
const NAME_KEY = Uint8Array.from([0x58, 0x1a, 0xaf, 0xe6, 0x28, 0x58, 0x4e, 0x96, 0xb4, 0x4e, 0xf5, 0x3b, 0x8c, 0x92, 0x07, 0xec]);

/** systemd's strict user/group name rule (the one it uses for names it makes): fits utmp's 31 bytes. */
export function validUserGroupName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) && name.length <= 31;
}

/** The dynamic user's name for a unit without User=: its prefix, or "_du" and a hash of it. */
export function dynamicUserName(unitId: string): string {
  const prefix = unitNameToPrefix(unitId) ?? unitId;
  if (validUserGroupName(prefix)) return prefix;
  return `_du${siphash24(new TextEncoder().encode(prefix), NAME_KEY).toString(16).padStart(16, '0')}`;
}

/** Completes a DynamicUser= unit's exec context in place, as systemd does when it loads one. */
export function patchDynamicUser(d: Draft, unitId: string): void {
  const exec = d.exec;
  if (!exec.dynamicUser) return;
  exec.user ??= dynamicUserName(unitId);
  exec.group ??= exec.user;
  exec.privateTmp = true;
  exec.removeIPC = true;
  exec.mounts.protectSystem = 'strict';
  if (exec.mounts.protectHome === 'no') exec.mounts.protectHome = 'read-only';
  exec.noNewPrivileges = true;
  exec.seccomp.restrictSUIDSGID = true;
}
