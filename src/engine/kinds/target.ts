/**
 * Targets (systemd.target(5)): no processes, so starting is becoming active and stopping is
 * becoming dead — the units the manager provides itself (provided.ts), in the sub-state "active".
 * Both hooks are idempotent. (Slices, which have a cgroup, are slice.ts.)
 */
import { providedKind } from './provided.js';

export const targetKind = providedKind('target', 'active');
