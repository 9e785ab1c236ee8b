/**
 * The SysV runlevel commands, as systemd's compatibility links behave: `runlevel` prints the
 * previous and current runlevel ("N 5"), `telinit N` (and `init N`) switches to the target of
 * runlevel N (runlevel(8)'s table). A container has no utmp: svcd answers from the manager
 * itself (which runlevel target is active) and from what the last telinit left in its runtime
 * directory, as utmp's RUN_LVL record would have said.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { call, ConnectionError, type Method, type Methods } from '../../control/protocol.js';
import { parseRunlevel, RUNLEVEL_BY_ACTIVE_TARGET, type Runlevel } from '../../unit/runlevel.js';
import { controlSocketPath } from '../../control/protocol.js';
import type { UpstartIo } from './upstart.js';

/** Where telinit notes the runlevel it left (utmp's "previous" for `runlevel`). */
const PREVIOUS_FILE = 'runlevel.previous';

async function rpc<M extends Method>(io: UpstartIo, method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
  const r = await call(controlSocketPath(undefined, io.env), method, params);
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
}

/** The runlevel whose target is active now, or undefined (booting, or another target isolated). */
async function currentRunlevel(io: UpstartIo): Promise<Runlevel | undefined> {
  const rows = await rpc(io, 'unit-states', { units: RUNLEVEL_BY_ACTIVE_TARGET.map(([t]) => t) });
  const active = new Set(rows.filter((r) => r.active === 'active').map((r) => r.id));
  return RUNLEVEL_BY_ACTIVE_TARGET.find(([t]) => active.has(t))?.[1];
}

const previousPath = (io: UpstartIo) => join(dirname(controlSocketPath(undefined, io.env)), PREVIOUS_FILE);

/**
 * `runlevel`: "PREVIOUS CURRENT", N for one not known; "unknown" and 1 when there is no answer (no
 * manager to ask, as systemd answers without a utmp record). $RUNLEVEL wins, as runlevel(8) says —
 * its first character, with no previous level (systemd 252 does not read $PREVLEVEL).
 */
export async function runRunlevel(io: UpstartIo): Promise<number> {
  if (io.env.RUNLEVEL) {
    io.stdout.write(`N ${io.env.RUNLEVEL[0]!}\n`);
    return 0;
  }
  let current: Runlevel | undefined;
  let previous: string | undefined;
  try {
    current = await currentRunlevel(io);
    previous = readFileSync(previousPath(io), 'utf8').trim() || undefined;
  } catch (e) {
    if (e instanceof ConnectionError) current = previous = undefined;
  }
  if (current === undefined && previous === undefined) {
    io.stdout.write('unknown\n');
    return 1;
  }
  io.stdout.write(`${previous ?? 'N'} ${current ?? 'N'}\n`);
  return 0;
}

/** `telinit N`: 0 powers off, 6 reboots, 1/S and 2-5 isolate runlevelN.target, q reloads, u re-executes. */
export async function runTelinit(name: string, argv: readonly string[], io: UpstartIo): Promise<number> {
  const args = argv.filter((a) => a !== '--no-wall');
  if (args.length !== 1) {
    // systemd 252's words (recorded: test/fixtures/upstart/runlevel-oracle.json).
    io.stderr.write(args.length === 0 ? `${name}: required argument missing.\n` : 'Too many arguments.\n');
    return 1;
  }
  const arg = args[0]!;
  try {
    if (arg.toLowerCase() === 'q') await rpc(io, 'daemon-reload', {});
    else if (arg.toLowerCase() === 'u') await rpc(io, 'daemon-reexec', {});
    else {
      const level = parseRunlevel(arg);
      if (level === undefined) {
        io.stderr.write(`Unknown command '${arg}'.\n`);
        return 1;
      }
      const before = await currentRunlevel(io);
      if (level === '0' || level === '6') {
        await rpc(io, 'shutdown', { how: level === '0' ? 'poweroff' : 'reboot' });
        return 0;
      }
      await rpc(io, 'enqueue', { unit: `runlevel${level}.target`, type: 'start', mode: 'isolate', wait: false });
      if (before !== undefined && before !== level) writeFileSync(previousPath(io), `${before}\n`);
    }
    return 0;
  } catch (e) {
    io.stderr.write(`${name}: ${(e as Error).message}\n`);
    return 1;
  }
}
