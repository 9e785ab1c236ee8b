/**
 * PrivateTmp= (systemd.exec(5)): each run of a unit gets its own /tmp and /var/tmp, shared by all
 * its commands and gone when the run ends. As systemd does, svcd makes
 * /tmp/svcd-private-UNIT-XXXXXX/tmp and the same under /var/tmp (outer directory 0700, inner
 * 1777), which the spawner binds over /tmp and /var/tmp in the process's own mount namespace.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface PrivateTmp {
  /** The outer directories (removed at the end of the run). */
  readonly roots: readonly string[];
  /** What is bound over /tmp and /var/tmp. */
  readonly tmp: string;
  readonly varTmp: string;
}

function make(base: string, unit: string): { root: string; inner: string } {
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, `svcd-private-${unit.replace(/[^A-Za-z0-9_.@-]/g, '_')}-`));
  chmodSync(root, 0o700);
  const inner = join(root, 'tmp');
  mkdirSync(inner);
  chmodSync(inner, 0o1777);
  return { root, inner };
}

export function createPrivateTmp(unit: string): PrivateTmp {
  const tmp = make('/tmp', unit);
  try {
    const varTmp = make('/var/tmp', unit);
    return { roots: [tmp.root, varTmp.root], tmp: tmp.inner, varTmp: varTmp.inner };
  } catch (e) {
    rmSync(tmp.root, { recursive: true, force: true });
    throw e;
  }
}

export function removePrivateTmp(p: PrivateTmp): void {
  for (const root of p.roots) rmSync(root, { recursive: true, force: true });
}
