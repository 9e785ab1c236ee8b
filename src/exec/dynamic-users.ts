/**
 * DynamicUser=: the uids svcd hands out for units' runs, as systemd 252's dynamic-user.c: a unit's
 * user is allocated when its run starts and released when it ends; a free uid (and the gid of the
 * same number) in 61184–65519 is found first among the owners of the unit's StateDirectory=,
 * CacheDirectory=, LogsDirectory= (so a rerun keeps them without a chown), then by hashing the
 * user's name with systemd's key (so a unit gets the uid it gets under systemd), then at random.
 * A name /etc/passwd has is that user, not a dynamic one. While held, the users are visible to the
 * spawner's credential look-ups as if in /etc/passwd and /etc/group; not to NSS (no nss-systemd
 * here): a service's `id` shows the numbers without names.
 */
import { randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { siphash24 } from '../shared/siphash24.js';
import { DYNAMIC_UID_MAX, DYNAMIC_UID_MIN } from '../unit/dynamic-user.js';
import { readTable } from './user-table.js';

/** systemd's fixed key for the first uid tried for a name. */
const UID_KEY = Uint8Array.from([0x37, 0x53, 0x7e, 0x31, 0xcf, 0xce, 0x48, 0xf5, 0x8a, 0xbb, 0x39, 0x57, 0x8d, 0xd9, 0xec, 0x59]);
const RANGE = DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1;
/** systemd gives up after this many candidates (the range is small). */
const TRIES = 100;

/** The uid systemd tries first for a dynamic user's name. */
export function hashedDynamicUid(name: string): number {
  // The hash is cut to a 32-bit uid before it is fitted into the range, as systemd's UID_CLAMP_INTO_RANGE.
  return Number(siphash24(new TextEncoder().encode(name), UID_KEY) & 0xffffffffn) % RANGE + DYNAMIC_UID_MIN;
}

interface Held {
  readonly uid: number;
  /** The units whose runs use it (User= may name one user for several units). */
  readonly units: Set<string>;
}
const held = new Map<string, Held>();

/** A held dynamic user by name or uid, as a passwd row would give it. */
export function dynamicUser(key: string): { readonly name: string; readonly uid: number } | undefined {
  for (const [name, h] of held) if (name === key || String(h.uid) === key) return { name, uid: h.uid };
  return undefined;
}

/** Every id /etc/passwd or /etc/group has, or a held dynamic user has. */
function takenIds(): Set<number> {
  const ids = new Set<number>();
  for (const row of readTable('/etc/passwd')) ids.add(Number(row[2])).add(Number(row[3]));
  for (const row of readTable('/etc/group')) ids.add(Number(row[2]));
  for (const h of held.values()) ids.add(h.uid);
  return ids;
}

/**
 * The uid for `unit`'s run as dynamic user `name` (a static user of that name: its own uid), or
 * systemd's error text when none is free. `suggested`: the unit's private directories.
 */
export function acquireDynamicUser(unit: string, name: string, suggested: readonly string[]): number | string {
  const own = readTable('/etc/passwd').find((r) => r[0] === name);
  if (own) return Number(own[2]);
  if (readTable('/etc/group').some((r) => r[0] === name)) return 'Failed to update dynamic user credentials: User or group with specified name already exists.';
  const h = held.get(name);
  if (h) {
    h.units.add(unit);
    return h.uid;
  }
  const taken = takenIds();
  const inRange = (uid: number) => uid >= DYNAMIC_UID_MIN && uid <= DYNAMIC_UID_MAX;
  const owners = suggested.flatMap((p) => {
    try {
      return [statSync(p).uid];
    } catch {
      return [];
    }
  });
  const candidates = [...owners, hashedDynamicUid(name)];
  for (let i = 0; i < TRIES; i++) {
    const uid = candidates[i] ?? DYNAMIC_UID_MIN + randomInt(RANGE);
    if (!inRange(uid) || taken.has(uid)) continue;
    held.set(name, { uid, units: new Set([unit]) });
    return uid;
  }
  return 'Failed to update dynamic user credentials: Device or resource busy';
}

/** A held dynamic user as daemon-reexec carries it to the next svcd (plain JSON). */
export interface HeldDynamicUser {
  readonly name: string;
  readonly uid: number;
  readonly units: readonly string[];
}

/**
 * Every held dynamic user, for daemon-reexec. systemd keeps them in lock files under
 * /run/systemd/dynamic-uid/, which outlive its exec by themselves; svcd holds them in memory, so
 * they travel in the re-exec state with the units whose runs hold them.
 */
export function heldDynamicUsers(): HeldDynamicUser[] {
  return [...held].map(([name, h]) => ({ name, uid: h.uid, units: [...h.units] }));
}

/** The other half, before any unit is restored or spawned: the runs' users are held again. */
export function adoptDynamicUsers(saved: readonly HeldDynamicUser[]): void {
  for (const s of saved) held.set(s.name, { uid: s.uid, units: new Set(s.units) });
}

/** `unit`'s run is over: its dynamic users go once no other unit's run holds them. */
export function releaseDynamicUsers(unit: string): void {
  for (const [name, h] of held) {
    h.units.delete(unit);
    if (h.units.size === 0) held.delete(name);
  }
}
