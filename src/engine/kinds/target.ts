/**
 * Targets (systemd.target(5)) and slices (systemd.slice(5), without cgroups for now): no processes,
 * so starting is becoming active and stopping is becoming dead — the units the manager provides
 * itself (provided.ts), in the sub-state "active". Both hooks are idempotent.
 */
import { providedKind } from './provided.js';

export const targetKind = providedKind('target', 'active');
export const sliceKind = providedKind('slice', 'active');
