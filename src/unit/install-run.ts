/**
 * What one install verb has done so far (systemd's list of InstallChange and the verb's result),
 * and the two acts every verb's plan comes down to: making one symlink, removing the links that
 * match. Installer (install.ts) and link/revert (install-link.ts) record into it.
 */
import { mkdirSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { InstallRoot, type ConfigLink } from './install-root.js';

/**
 * One change an install verb made, or one thing it found on the way, in the order they happened:
 * systemd's InstallChange. Paths are as the user sees them (under --root when there is one).
 */
export type InstallChange =
  /** A link was made at `path`, pointing to `source`. */
  | { readonly type: 'symlink'; readonly path: string; readonly source: string }
  /** The link at `path` was removed. */
  | { readonly type: 'unlink'; readonly path: string }
  /** A unit pulled in by Also= is masked (its link at `path`): skipped. */
  | { readonly type: 'is-masked'; readonly path: string }
  /** A unit pulled in by Also= does not exist: skipped. */
  | { readonly type: 'auxiliary-failed'; readonly name: string }
  /** The unit file at `path` was linked into the .wants/ or .requires/ of `target`, which has no unit file. */
  | { readonly type: 'destination-not-present'; readonly path: string; readonly target: string }
  /** enable found no [Install] settings in any named unit. */
  | { readonly type: 'no-install-config' }
  /**
   * An error or note, already in systemctl's words (the verb's exit status says which). `failure`
   * marks an error preset-all carried on past: systemd lists it among the changes, not as the result.
   */
  | { readonly type: 'message'; readonly text: string; readonly failure?: boolean };


export interface InstallResult {
  readonly stdout: string;
  readonly changes: readonly InstallChange[];
  readonly status: number;
}

export interface InstallerOptions {
  /** --force: replace Alias= links (and set-default's) that point elsewhere. */
  readonly force?: boolean;
}

export class InstallRun {
  protected readonly out: string[] = [];
  protected readonly changes: InstallChange[] = [];
  protected status = 0;
  /** The verb systemctl names in its "Failed to VERB unit, ..." messages. */
  verb = 'enable';
  readonly force: boolean;
  readonly fs: InstallRoot;

  constructor(root: string, opts: InstallerOptions = {}) {
    this.fs = new InstallRoot(root);
    this.force = Boolean(opts.force);
  }

  /** A note or warning, in systemctl's words, where it happened among the changes. */
  say(text: string): void {
    this.changes.push({ type: 'message', text });
  }
  /** An error that fails the verb (exit 1). */
  fail(msg: string): void {
    this.say(msg);
    this.status = 1;
  }
  /** A change made, or a thing found on the way. */
  note(c: InstallChange): void {
    this.changes.push(c);
  }

  /**
   * One symlink, as systemctl makes it: an identical link is left alone; one pointing elsewhere is
   * replaced only when forced (wants/requires links always are), and a real file is never replaced.
   */
  createLink(rel: string, target: string, force = this.force, shownTarget = target): boolean {
    const st = this.fs.lstat(rel);
    if (st?.isSymbolicLink()) {
      const dest = this.fs.rawLinkTarget(rel)!;
      if (dest === target || this.fs.linkTarget(rel) === target) return true;
      if (!force) {
        this.fail(`Failed to ${this.verb} unit, file "${this.fs.show(rel)}" already exists and is a symlink to "${dest}".`);
        return false;
      }
      unlinkSync(this.fs.abs(rel));
      symlinkSync(target, this.fs.abs(rel));
      this.changes.push({ type: 'unlink', path: this.fs.show(rel) }, { type: 'symlink', path: this.fs.show(rel), source: shownTarget });
      return true;
    }
    if (st) {
      this.fail(`Failed to ${this.verb} unit, file "${this.fs.show(rel)}" already exists.`);
      return false;
    }
    mkdirSync(this.fs.abs(dirname(rel)), { recursive: true });
    symlinkSync(target, this.fs.abs(rel));
    this.changes.push({ type: 'symlink', path: this.fs.show(rel), source: shownTarget });
    return true;
  }

  /** Removes the links in a config dir (and its .wants/ …) that `match` picks, and the directories they empty. */
  removeMatching(dir: string, match: (l: ConfigLink) => boolean): void {
    for (const link of this.fs.configLinks(dir)) {
      if (link.target === '/dev/null' || !match(link)) continue;
      unlinkSync(this.fs.abs(link.path));
      this.changes.push({ type: 'unlink', path: this.fs.show(link.path) });
      const parent = dirname(link.path);
      if (parent !== dir) {
        try {
          rmdirSync(this.fs.abs(parent));
        } catch {
          // not empty: other units are still linked there
        }
      }
    }
  }

  failResult(msg: string): InstallResult {
    this.fail(msg);
    return this.result();
  }

  result(): InstallResult {
    return { stdout: this.out.length ? `${this.out.join('\n')}\n` : '', changes: [...this.changes], status: this.status };
  }
}
