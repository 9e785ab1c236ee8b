/**
 * svcctl: systemctl's verbs, systemd-analyze's (`svcctl analyze …`) and journalctl's (`svcctl logs`).
 * Argument parsing is node:util's parseArgs, which, like getopt, accepts options anywhere.
 * Verbs live one module each under verbs/; this file only routes.
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import type { SystemctlOptions, VerbContext, VerbHandler } from './context.js';
import { EXIT_FAILURE, EXIT_INVALIDARGUMENT } from './context.js';
import { VERSION_TEXT } from '../../shared/version.js';
import { signalFromString, signalTable } from '../../shared/signal.js';
import type { ListDependencyType } from '../../control/protocol.js';
import { isPresetMode } from '../../unit/preset-mode.js';

type Loader = () => Promise<VerbHandler>;

/** upstart.ts's link names (kept here so that svcctl's own start does not load it). */
const UPSTART_LINKS = new Set(['start', 'stop', 'restart', 'reload', 'status', 'initctl']);

const online: Loader = async () => (await import('./verbs/online.js')).run;
const offlineInstall: Loader = async () => (await import('./verbs/install.js')).run;
const VERBS: Record<string, Loader> = {
  enable: offlineInstall,
  disable: offlineInstall,
  reenable: offlineInstall,
  'is-enabled': offlineInstall,
  mask: offlineInstall,
  unmask: offlineInstall,
  'list-unit-files': offlineInstall,
  'get-default': offlineInstall,
  'set-default': offlineInstall,
  preset: offlineInstall,
  'preset-all': offlineInstall,
  link: offlineInstall,
  revert: offlineInstall,
  'add-wants': offlineInstall,
  'add-requires': offlineInstall,
  cat: async () => (await import('./verbs/cat.js')).run,
  edit: async () => (await import('./verbs/edit.js')).run,
  ...Object.fromEntries(
    ['start', 'stop', 'restart', 'try-restart', 'condrestart', 'reload', 'reload-or-restart', 'force-reload', 'try-reload-or-restart', 'isolate',
      'show', 'status', 'is-active', 'is-failed', 'list-units', 'list-jobs', 'list-dependencies', 'is-system-running', 'kill', 'reset-failed',
      'daemon-reload', 'daemon-reexec', 'exit', 'poweroff', 'halt', 'reboot', 'cancel', 'list-timers', 'list-sockets', 'list-paths'].map((v) => [v, online]),
  ),
  escape: async () => (await import('./verbs/escape.js')).run,
  ...Object.fromEntries(['show-environment', 'set-environment', 'unset-environment', 'import-environment'].map((v) => [v, async () => (await import('./verbs/environment.js')).run])),
};

const ANALYZE_VERBS: Record<string, Loader> = {
  calendar: async () => (await import('./verbs/analyze-calendar.js')).run,
  timespan: async () => (await import('./verbs/analyze-timespan.js')).run,
  timestamp: async () => (await import('./verbs/analyze-timestamp.js')).run,
  'exit-status': async () => (await import('./verbs/analyze-exit-status.js')).run,
  verify: async () => (await import('./verbs/analyze-verify.js')).run,
  time: async () => (await import('./verbs/analyze-time.js')).run,
  blame: async () => (await import('./verbs/analyze-blame.js')).run,
  'critical-chain': async () => (await import('./verbs/analyze-critical-chain.js')).run,
  capability: async () => (await import('./verbs/analyze-capability.js')).run,
  'unit-paths': async () => (await import('./verbs/analyze-unit-paths.js')).run,
  condition: async () => (await import('./verbs/analyze-condition.js')).run,
  'cat-config': async () => (await import('./verbs/analyze-cat-config.js')).run,
  dot: async () => (await import('./verbs/analyze-dot.js')).run,
  plot: async () => (await import('./verbs/analyze-plot.js')).run,
  dump: async () => (await import('./verbs/analyze-dump.js')).run,
  'syscall-filter': async () => (await import('./verbs/analyze-syscall-filter.js')).run,
  security: async () => (await import('./verbs/analyze-security.js')).run,
};

const SYSTEMCTL_OPTIONS = {
  root: { type: 'string' },
  'runtime-dir': { type: 'string' },
  property: { type: 'string', short: 'p', multiple: true },
  value: { type: 'boolean' },
  all: { type: 'boolean', short: 'a' },
  type: { type: 'string', short: 't', multiple: true },
  state: { type: 'string', multiple: true },
  // systemctl's --failed: --state=failed.
  failed: { type: 'boolean' },
  reverse: { type: 'boolean' },
  after: { type: 'boolean' },
  before: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'no-pager': { type: 'boolean' },
  'no-block': { type: 'boolean' },
  wait: { type: 'boolean' },
  'job-mode': { type: 'string' },
  plain: { type: 'boolean' },
  'no-reload': { type: 'boolean' },
  // Accepted as systemctl accepts them in package scripts: svcd never asks for a password, and
  // the system manager is the only one it talks to.
  'no-ask-password': { type: 'boolean' },
  system: { type: 'boolean' },
  'no-legend': { type: 'boolean' },
  'show-types': { type: 'boolean' },
  full: { type: 'boolean', short: 'l' },
  now: { type: 'boolean' },
  force: { type: 'boolean', short: 'f' },
  runtime: { type: 'boolean' },
  'preset-mode': { type: 'string' },
  // edit's drop-in file name (systemd 253's option; svcctl has it with systemd 252's edit)
  'drop-in': { type: 'string' },
  signal: { type: 'string', short: 's' },
  'kill-whom': { type: 'string' },
  lines: { type: 'string', short: 'n' },
  // systemd-escape flags, for `svcctl escape`
  path: { type: 'boolean' },
  unescape: { type: 'boolean', short: 'u' },
  mangle: { type: 'boolean', short: 'm' },
  template: { type: 'string' },
  suffix: { type: 'string' },
  instance: { type: 'boolean' },
  // systemd-analyze calendar's
  iterations: { type: 'string' },
  'base-time': { type: 'string' },
  // systemd-analyze critical-chain's
  fuzz: { type: 'string' },
  // systemd-analyze condition's
  unit: { type: 'string' },
  // systemd-analyze dot's
  order: { type: 'boolean' },
  require: { type: 'boolean' },
  'from-pattern': { type: 'string', multiple: true },
  'to-pattern': { type: 'string', multiple: true },
  // systemd-analyze security's
  offline: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** getopt_long's wording, which systemctl and systemd-analyze print for bad options (exit 1). */
function getoptMessage(e: Error & { code?: string }): string {
  const opt = /'(-[^']*)'/.exec(e.message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return opt.startsWith('--') ? `unrecognized option '${opt}'` : `invalid option -- '${opt.replace(/^-/, '').charAt(0)}'`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(e.message)) {
    const name = /--([a-z-]+)/.exec(e.message)?.[0] ?? opt;
    return `option '${name}' requires an argument`;
  }
  return e.message;
}

function splitList(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((v) => v.split(',')).filter((v) => v !== '');
}

export async function main(argv: readonly string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const invokedAs = basename(process.argv[1] ?? 'svcctl');
  const args = [...argv];
  // journalctl's flags clash with systemctl's (-f, -n, -u): logs parses its own arguments.
  if (invokedAs === 'journalctl') return (await import('./verbs/logs.js')).runLogs(args, { ...io, env: process.env }, 'journalctl');
  // Upstart's and SysV's commands, installed as links to svcctl (docs/upstart.md).
  if (UPSTART_LINKS.has(invokedAs)) return (await import('./upstart.js')).runUpstartCommand(invokedAs, args, { ...io, env: process.env });
  if (invokedAs === 'runlevel') return (await import('./runlevel.js')).runRunlevel({ ...io, env: process.env });
  if (invokedAs === 'telinit') return (await import('./runlevel.js')).runTelinit(invokedAs, args, { ...io, env: process.env });
  let logsAt = -1;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runtime-dir' || args[i] === '--root') i++;
    else if (!args[i]!.startsWith('-')) {
      logsAt = i;
      break;
    }
  }
  if (logsAt >= 0 && args[logsAt] === 'logs') {
    const rest = [...args.slice(0, logsAt), ...args.slice(logsAt + 1)];
    return (await import('./verbs/logs.js')).runLogs(rest, { ...io, env: process.env }, 'svcctl logs');
  }

  let parsed;
  try {
    parsed = parseArgs({ args, options: SYSTEMCTL_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    io.stderr.write(`${invokedAs}: ${getoptMessage(e as Error & { code?: string })}\n`);
    return EXIT_FAILURE;
  }
  const v = parsed.values;
  if (v.version) {
    io.stdout.write(VERSION_TEXT);
    return 0;
  }
  // -s is read as systemctl reads it, while parsing options: "help" lists the table, whatever the verb.
  let signal: number | undefined;
  if (v.signal === 'help') {
    io.stdout.write(`${signalTable().join('\n')}\n`);
    return 0;
  } else if (v.signal !== undefined) {
    const r = signalFromString(v.signal);
    if (!r.ok) {
      io.stderr.write(`Failed to parse signal string "${v.signal}".\n`);
      return EXIT_FAILURE;
    }
    signal = r.value;
  }
  // --preset-mode is checked while options are parsed, as systemctl does, whatever the verb.
  const presetMode = v['preset-mode'];
  if (presetMode !== undefined && !isPresetMode(presetMode)) {
    io.stderr.write(`Failed to parse preset mode: ${presetMode}.\n`);
    return EXIT_FAILURE;
  }
  const [verb = 'list-units', ...rest] = parsed.positionals;
  const options: SystemctlOptions = {
    root: v.root,
    runtimeDir: v['runtime-dir'],
    property: splitList(v.property),
    value: v.value,
    all: v.all,
    type: splitList(v.type),
    state: v.failed ? [...(splitList(v.state) ?? []), 'failed'] : splitList(v.state),
    dependency: listDependencyType(parsed.tokens),
    plain: v.plain,
    quiet: v.quiet,
    noPager: v['no-pager'],
    noBlock: v['no-block'],
    wait: v.wait,
    jobMode: v['job-mode'],
    noReload: v['no-reload'],
    noLegend: v['no-legend'],
    showTypes: v['show-types'],
    full: v.full,
    now: v.now,
    force: v.force,
    runtime: v.runtime,
    presetMode,
    dropIn: v['drop-in'],
    signal,
    kill_whom: v['kill-whom'],
    lines: v.lines === undefined ? undefined : Number(v.lines),
    path: v.path,
    unescape: v.unescape,
    mangle: v.mangle,
    template: v.template,
    suffix: v.suffix,
    instance: v.instance,
    iterations: v.iterations,
    baseTime: v['base-time'],
    fuzz: v.fuzz,
    unit: v.unit,
    order: v.order,
    require: v.require,
    fromPattern: v['from-pattern'],
    toPattern: v['to-pattern'],
    offline: v.offline,
  };

  let table = VERBS;
  let name = verb;
  let positional = rest;
  if (verb === 'analyze') {
    table = ANALYZE_VERBS;
    // systemd-analyze without a verb is `time`.
    name = rest[0] ?? 'time';
    positional = rest.slice(1);
  }
  const load = table[name];
  if (!load) {
    io.stderr.write(`Unknown command verb '${name}'.\n`);
    return EXIT_INVALIDARGUMENT;
  }
  const ctx: VerbContext = {
    verb: name,
    args: positional,
    options,
    stdout: io.stdout,
    stderr: io.stderr,
    isTTY: Boolean(io.stdout.isTTY),
    env: process.env,
  };
  const handler = await load();
  return handler(ctx);
}

/** --reverse, --after and --before each pick the edges list-dependencies follows: as in systemctl, the last one given wins. */
function listDependencyType(tokens: readonly { kind: string; name?: string }[]): ListDependencyType | undefined {
  let type: ListDependencyType | undefined;
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'reverse') type = 'reverse';
    else if (t.name === 'after' || t.name === 'before') type = t.name;
  }
  return type;
}
