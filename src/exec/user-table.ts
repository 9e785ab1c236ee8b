/**
 * /etc/passwd and /etc/group as the spawner and the dynamic-user allocator read them (svcd has no
 * NSS of its own: these files are what a container's users are).
 */
import { readFileSync, statSync } from 'node:fs';

const tables = new Map<string, { mtimeMs: number; rows: string[][] }>();

/** /etc/passwd or /etc/group as rows, re-read only when the file changed (a boot spawns hundreds). */
export function readTable(path: string): string[][] {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return [];
  }
  const cached = tables.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.rows;
  try {
    const rows = readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
    tables.set(path, { mtimeMs, rows });
    return rows;
  } catch {
    return [];
  }
}
