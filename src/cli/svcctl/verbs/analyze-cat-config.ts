/**
 * `svcctl analyze cat-config NAME…`: a configuration file and its drop-ins, or a directory of
 * configuration files ("tmpfiles.d"), as systemd-analyze 252 prints them: each file under a
 * "# PATH" header, lines as read_line() splits them, the files in the order they apply. NAME is
 * relative to the configuration directories (/etc, /run, /usr/local/lib, /usr/lib, /lib) or an
 * absolute path inside one of them; --root= prefixes every directory (and the printed paths).
 */
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { confFilesList } from '../../../config/conf-files.js';
import { CONF_DIRS, CONF_DIRS_USR } from '../../../shared/lookup-paths.js';
import { strerror } from '../../../shared/strerror.js';
import { splitLines } from '../../../unit/syntax.js';
import type { VerbContext } from '../context.js';

/** How systemd-analyze reads a name: a main file plus NAME.d/, or only a directory (a collection). */
interface ConfigKind {
  readonly dirs: readonly string[];
  readonly collection: boolean;
  readonly suffix: string;
}

/**
 * The names whose files are not "*.conf" or whose directories are not the usual ones (systemd's
 * guess_type()); every other name ending in ".d" is a collection of "*.conf".
 */
const SPECIAL_NAMES: Readonly<Record<string, Partial<ConfigKind>>> = {
  'udev/hwdb.d': { suffix: '.hwdb' },
  'udev/rules.d': { suffix: '.rules' },
  'kernel/install.d': { suffix: '.install' },
  'systemd/ntp-units.d': { collection: true, suffix: '.list' },
  'systemd/relabel-extra.d': { collection: true, suffix: '.relabel', dirs: ['/run'] },
  'systemd/system-preset': { collection: true, suffix: '.preset' },
  'systemd/user-preset': { collection: true, suffix: '.preset', dirs: CONF_DIRS_USR },
  environment: { dirs: CONF_DIRS_USR },
};

/** The name as systemd compares paths: slashes collapsed, none trailing. */
function normalized(name: string): string {
  return name.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

function kindOf(name: string): ConfigKind {
  const n = normalized(name);
  // systemd's own *.conf files are split between /usr, /etc and /run only.
  const own = (n === 'systemd' || n.startsWith('systemd/')) && name.endsWith('.conf');
  return { dirs: own ? CONF_DIRS_USR : CONF_DIRS, collection: n.endsWith('.d'), suffix: '.conf', ...SPECIAL_NAMES[n] };
}

/** The name below a configuration directory an absolute path names; undefined when it is in none. */
function relativeToConfDir(path: string): string | undefined {
  const p = path.replace(/\/+/g, '/');
  for (const d of CONF_DIRS) if (p === d || p.startsWith(`${d}/`)) return p.slice(d.length).replace(/^\//, '');
  return undefined;
}

/** --root= as systemd takes it: made absolute against the working directory, simplified but not resolved. */
function rootPrefix(root: string | undefined): string {
  if (root === undefined) return '';
  const abs = root.startsWith('/') ? root : `${process.cwd()}/${root}`;
  return abs.replace(/\/+/g, '/').replace(/\/(\.\/)+/g, '/').replace(/\/\.$/, '').replace(/\/$/, '');
}

class CatFailed extends Error {}

/** Prints one file; a file that cannot be opened gets no header, one that cannot be read does. */
function catFile(ctx: VerbContext, path: string, newline: boolean): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    ctx.stderr.write(`Failed to cat ${path}: ${strerror(e)}\n`);
    throw new CatFailed();
  }
  try {
    ctx.stdout.write(`${newline ? '\n' : ''}# ${path}\n`);
    let text: string;
    try {
      // Bytes as they are: latin1 maps each to one code unit, and back.
      text = readFileSync(fd, 'latin1');
    } catch (e) {
      ctx.stderr.write(`Failed to read "${path}": ${strerror(e)}\nFailed to cat ${path}: ${strerror(e)}\n`);
      throw new CatFailed();
    }
    ctx.stdout.write(Buffer.from(splitLines(text).map((l) => `${l}\n`).join(''), 'latin1'));
  } finally {
    closeSync(fd);
  }
}

function catConfig(ctx: VerbContext, root: string, given: string): void {
  // environment.d(5)'s variables start with /etc/environment: the name is that file's.
  const name = normalized(given) === 'environment.d' ? 'environment' : given;
  const kind = kindOf(name);
  const base = normalized(name);
  const dropinDirs = kind.dirs.map((d) => `${root}${d}/${base}${kind.collection ? '' : '.d'}`);
  const dropins = confFilesList(dropinDirs, kind.suffix);
  let printed = false;
  if (!kind.collection) {
    const main = kind.dirs.map((d) => `${root}${d}/${base}`).find((p) => existsSync(p));
    // The note is no file: the first drop-in after it gets no blank line.
    if (main === undefined) ctx.stdout.write(`# Main configuration file ${name} not found\n`);
    else catFile(ctx, main, false);
    printed = main !== undefined;
  }
  for (const f of dropins) {
    catFile(ctx, f, printed);
    printed = true;
  }
}

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length === 0) {
    ctx.stderr.write('Too few arguments.\n');
    return 1;
  }
  const root = rootPrefix(ctx.options.root);
  try {
    for (const [i, arg] of ctx.args.entries()) {
      if (i > 0) ctx.stdout.write('\n\n');
      const name = arg.startsWith('/') ? relativeToConfDir(arg) : arg;
      if (name === undefined) {
        ctx.stderr.write(`Path ${arg} does not start with any known prefix.\n`);
        return 1;
      }
      catConfig(ctx, root, name);
    }
  } catch (e) {
    if (e instanceof CatFailed) return 1;
    throw e;
  }
  return 0;
}
