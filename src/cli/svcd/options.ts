/**
 * svcd's command line (docs/cli.md): flags first, then the environment, then defaults.
 * Pure: takes argv and env, returns options or a usage error, so it is testable without a daemon.
 */
import { parseArgs } from 'node:util';
import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import { DEFAULT_CONFIG_PATH } from '../../config/conf-files.js';
import { parseBoolean } from '../../unit/values/boolean.js';
import { DASH_WORDS, initWordsTarget } from './init-arguments.js';
import { DEFAULT_RUNTIME_DIR } from '../../control/protocol.js';

export interface DaemonOptions {
  /** Explicit --unit-path components (an empty one stands for the default path), or undefined. */
  readonly unitPath?: readonly string[];
  readonly runtimeDir: string;
  readonly stateDir: string;
  /** Undefined: journald's place, chosen by Storage= ([Journal] in the config). */
  readonly journalDir?: string;
  readonly defaultUnit: string;
  readonly configPath: string;
  /** --plan (svcd extension): print what booting would start, start nothing, exit. */
  readonly plan: boolean;
  /** --deserialize FILE (internal, as systemd's): take over from the svcd that re-executed. */
  readonly deserialize?: string;
  /**
   * --journal-sockets (svcd extension): serve /dev/log and /run/systemd/journal/{socket,stdout}
   * whatever else is set. Without it svcd serves them only as PID 1 without --journal-dir (on a
   * host they are journald's; a --journal-dir run is a test sharing the host's /run and /dev).
   */
  readonly journalSockets: boolean;
  /**
   * --tmpfiles=yes|no (svcd extension): apply tmpfiles.d at boot (docs/tmpfiles.md); off unless
   * yes, since it removes files (tmp.conf's `D /tmp`) and svcd cannot tell a container's own
   * file system from a host's it shares.
   */
  readonly tmpfiles?: boolean;
  /**
   * --manager-bus (svcd extension): serve org.freedesktop.systemd1 on /run/systemd/private and
   * create /run/systemd/system/ whatever else is set (a test with a /run of its own). Without it
   * svcd does so only as PID 1 without --journal-dir, and otherwise serves the same objects on
   * RUNTIME_DIR/systemd/private.
   */
  readonly managerBus: boolean;
}

export { DEFAULT_RUNTIME_DIR };
export const DEFAULT_STATE_DIR = '/var/lib/svcd';

export const USAGE = `Usage: svcd [--unit-path DIR[:DIR...]] [--runtime-dir DIR] [--state-dir DIR] [--journal-dir DIR]
            [--unit NAME] [--config FILE] [--plan] [--journal-sockets] [--manager-bus] [--version]
            [--tmpfiles=yes|no] [WORD...]
  WORD: as /sbin/init, a runlevel (1-5, S, single, rescue, emergency) or systemd.unit=NAME picks the
        boot target; other words are ignored, as systemd does
`;

export function parseDaemonOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<DaemonOptions | 'help' | 'version'> {
  let parsed;
  // /sbin/init's words (init-arguments.ts): "-b" and "-s" are words, not options.
  const dashWords = argv.filter((a) => DASH_WORDS.has(a));
  try {
    parsed = parseArgs({
      args: argv.filter((a) => !DASH_WORDS.has(a)),
      options: {
        'unit-path': { type: 'string' },
        'runtime-dir': { type: 'string' },
        'state-dir': { type: 'string' },
        'journal-dir': { type: 'string' },
        unit: { type: 'string' },
        config: { type: 'string' },
        plan: { type: 'boolean' },
        deserialize: { type: 'string' },
        'journal-sockets': { type: 'boolean' },
        tmpfiles: { type: 'string' },
        'manager-bus': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return err((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return ok('help');
  if (v.version) return ok('version');
  const tmpfiles = v.tmpfiles === undefined ? undefined : parseBoolean(v.tmpfiles);
  if (tmpfiles && !tmpfiles.ok) return err(`--tmpfiles: ${tmpfiles.error}: ${v.tmpfiles}`);
  // systemd accepts systemd.unit= on the kernel command line; a container passes --unit instead.
  return ok({
    unitPath: v['unit-path']?.split(':'),
    runtimeDir: v['runtime-dir'] ?? nonEmpty(env.SVCD_RUNTIME_DIR) ?? DEFAULT_RUNTIME_DIR,
    stateDir: v['state-dir'] ?? nonEmpty(env.SVCD_STATE_DIR) ?? DEFAULT_STATE_DIR,
    journalDir: v['journal-dir'],
    defaultUnit: v.unit ?? initWordsTarget([...dashWords, ...parsed.positionals]) ?? 'default.target',
    configPath: v.config ?? DEFAULT_CONFIG_PATH,
    plan: v.plan ?? false,
    deserialize: v.deserialize,
    journalSockets: v['journal-sockets'] ?? false,
    tmpfiles: tmpfiles?.ok ? tmpfiles.value : undefined,
    managerBus: v['manager-bus'] ?? false,
  });
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
