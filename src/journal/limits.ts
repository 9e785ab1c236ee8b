// journald.conf's size limits (SystemMaxUse=, SystemKeepFree=, SystemMaxFileSize=, SystemMaxFiles=
// and their Runtime… twins) with journald's defaults for the unset ones, computed from the file
// system that holds the journal — not from `/`: /run/log/journal is usually a small tmpfs of its own.
import { dirname } from 'node:path';
import { statfsSync } from 'node:fs';

import type { JournalSettings } from '../config/system-conf.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

export interface JournalLimits {
  /** SystemMaxFileSize=: rotate the active file past this size. */
  maxFileSize: number;
  /** SystemMaxUse=: delete the oldest rotated files while the directory holds more. */
  maxUse: number;
  /** SystemKeepFree=: delete the oldest rotated files while the file system has less free (0: no such rule). */
  keepFree: number;
  /** What the journal may keep whatever KeepFree= says (journald's min_use: 2% of the file system, 1–16 MiB). */
  minUse: number;
  /** SystemMaxFiles=: at most this many rotated files are kept. */
  maxFiles: number;
  /** MaxFileSec= (µs): rotate the active file once its first entry is this old; 0 = never. */
  maxFileUsec: number;
  /** MaxRetentionSec= (µs): delete rotated files whose first entry is older; 0 = never. */
  maxRetentionUsec: number;
}

/** The smallest file journald writes (JOURNAL_FILE_SIZE_MIN): MaxFileSize= is raised to it. */
export const FILE_SIZE_MIN = 512 * KIB;

/**
 * Size of the file system `dir` is or will be on: the nearest existing ancestor's (the journal
 * directory may not exist yet, e.g. /run/log/journal/MACHINE_ID on a fresh tmpfs). 0 if unknown.
 */
export function fileSystemSize(dir: string): number {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      return s.blocks * s.bsize;
    } catch {
      if (dirname(d) === d) return 0;
    }
  }
}

const pageAlign = (n: number): number => Math.ceil(n / 4096) * 4096;
const clamp = (n: number, lo: number, hi: number): number => Math.min(Math.max(n, lo), hi);

/**
 * The limits as journald computes them (journald.conf(5)): MaxUse= 10% of the file system,
 * KeepFree= 15%, each capped at 4 GiB; MaxFileSize= an eighth of MaxUse=, capped at 128 MiB and at
 * least 512 KiB, MaxUse= then at least two files. `fsBytes` 0 (unknown): journald's fallbacks.
 */
export function computeLimits(settings: JournalSettings, persistent: boolean, fsBytes: number): JournalLimits {
  const use = persistent ? settings.systemMaxUse : settings.runtimeMaxUse;
  const free = persistent ? settings.systemKeepFree : settings.runtimeKeepFree;
  const file = persistent ? settings.systemMaxFileSize : settings.runtimeMaxFileSize;
  let maxUse = use !== null ? Number(use) : fsBytes > 0 ? clamp(pageAlign(fsBytes / 10), MIB, 4 * GIB) : MIB;
  const keepFree = free !== null ? Number(free) : fsBytes > 0 ? Math.min(pageAlign((fsBytes * 15) / 100), 4 * GIB) : MIB;
  const maxFileSize = Math.max(file !== null ? Number(file) : Math.min(pageAlign(maxUse / 8), 128 * MIB), FILE_SIZE_MIN);
  if (maxUse < 2 * maxFileSize) maxUse = 2 * maxFileSize;
  return {
    maxUse,
    keepFree,
    minUse: Math.min(clamp(pageAlign(fsBytes / 50), MIB, 16 * MIB), maxUse),
    maxFileSize,
    maxFiles: persistent ? settings.systemMaxFiles : settings.runtimeMaxFiles,
    maxFileUsec: Number(settings.maxFileUSec >= 2n ** 63n ? 0n : settings.maxFileUSec),
    maxRetentionUsec: Number(settings.maxRetentionUSec >= 2n ** 63n ? 0n : settings.maxRetentionUSec),
  };
}

/** computeLimits() for the file system that holds (or will hold) `dir`. */
export function journalLimits(settings: JournalSettings, dir: string, persistent: boolean): JournalLimits {
  return computeLimits(settings, persistent, fileSystemSize(dir));
}
