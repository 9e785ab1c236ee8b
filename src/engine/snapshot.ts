/**
 * One unit's snapshot: everything `svcctl show`, `svcctl status` and D-Bus print about a unit,
 * gathered in one call from the model, the engine's run-time record and the manager's books, then
 * frozen. The control layer formats from it and never calls back into the manager, so a request
 * sees one consistent moment and the manager's internals stay its own.
 *
 * Reading the unit's processes' names (/proc/PID/comm, cmdline) happens here, at the moment the
 * pids are known, rather than later in the formatter when a process may have gone or been replaced.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Kind } from '../graph/atoms.js';
import type { ResourceUsage } from './system.js';
import { basename, dirname } from 'node:path';
import { isGeneratedPath } from '../unit/generators.js';
import { Installer } from '../unit/install.js';
import { SYSTEM_UNIT_PATH } from '../shared/lookup-paths.js';
import type { Unit } from '../unit/model.js';
import type { DependencyLineInfo, JobInfo, ProcessInfo, UnitStatus, UnitTimestamps } from './api.js';
import type { ManagerDefaults, UnitRuntime } from './unit-kind.js';
import { timerStatus } from './kinds/timer/index.js';
import { socketStatus } from './kinds/socket/index.js';
import { quoteCommandLine } from '../shared/shell-quote.js';

/** What the manager knows about a unit besides its model and run-time record. */
export interface UnitBookView {
  readonly timestamps: UnitTimestamps;
  readonly conditionResult: boolean;
  readonly assertResult: boolean;
  readonly failedCondition?: UnitStatus['failedCondition'];
  /** When the unit's files were read (ms since the epoch), for NeedDaemonReload=. */
  readonly loadedAt: number;
}

export interface SnapshotInput {
  readonly runtime: Readonly<UnitRuntime>;
  readonly job?: JobInfo;
  readonly model: Unit;
  readonly book: UnitBookView;
  /** Each kind's dependencies: asked only if read (a listing of every unit reads none of them). */
  readonly dependencies: () => Readonly<Partial<Record<Kind, readonly string[]>>>;
  /** The dependency lines with their origins: asked only if read (dump). */
  readonly dependencyLines: () => readonly DependencyLineInfo[];
  /** Pids of the unit's processes (main, control, their descendants): asked only if read. */
  readonly pids: () => readonly number[];
  /** ControlGroup=: asked only if read. */
  readonly controlGroup: () => string;
  readonly usage?: ResourceUsage;
  readonly defaults: ManagerDefaults;
}

export function unitSnapshot(i: SnapshotInput): UnitStatus {
  const r = i.runtime;
  let needDaemonReload: boolean | undefined;
  let fileState: string | undefined;
  let processes: readonly ProcessInfo[] | undefined;
  let dependencyLines: readonly DependencyLineInfo[] | undefined;
  let dependencies: UnitStatus['dependencies'] | undefined;
  let controlGroup: string | undefined;
  const snap: UnitStatus = {
    id: r.id,
    // An Accept=yes instance is described by its peer for as long as it is loaded.
    model: r.description === undefined ? i.model : { ...i.model, unit: { ...i.model.unit, description: r.description } },
    // The graph's answers and the cgroup path are taken when first read, once: list-units of 1,000
    // units spent half its time making them for nothing.
    get dependencies() {
      return (dependencies ??= Object.freeze({ ...i.dependencies() }));
    },
    activeState: r.activeState,
    subState: r.subState,
    result: r.result,
    job: i.job,
    mainPid: r.mainPid,
    controlPid: r.controlPid,
    execMain: r.execMain,
    commands: r.commands,
    nRestarts: r.nRestarts,
    statusText: r.statusText,
    statusErrno: r.statusErrno,
    invocationId: r.invocationId,
    timestamps: Object.freeze({ ...i.book.timestamps }),
    // Unchecked conditions have not held: systemd says ConditionResult=no until the first check.
    conditionResult: i.book.timestamps.condition.monotonicUs !== 0n && i.book.conditionResult,
    assertResult: i.book.timestamps.assert.monotonicUs !== 0n && i.book.assertResult,
    failedCondition: i.book.failedCondition,
    // The three answers that cost file-system and /proc reads are taken when first read, once:
    // list-units, unit-states and list-dependencies take snapshots of every unit and read none of them.
    get needDaemonReload() {
      return (needDaemonReload ??= needsReload(i.model, i.book.loadedAt));
    },
    get unitFileState() {
      return (fileState ??= unitFileState(i.model));
    },
    get dependencyLines() {
      return (dependencyLines ??= Object.freeze(i.dependencyLines()));
    },
    get processes() {
      return (processes ??= Object.freeze([...i.pids()].sort((a, b) => a - b).map(processInfo)));
    },
    get controlGroup() {
      return (controlGroup ??= i.controlGroup());
    },
    usage: i.usage,
    defaults: i.defaults,
    timer: timerStatus(r),
    socket: socketStatus(r),
    nFileDescriptorStore: r.kind.storedFds?.(r).length,
  };
  return Object.freeze(snap);
}

/**
 * UnitFileState=, as `show` prints it and `status` puts it in the Loaded: line. A unit is enabled by
 * links in /etc/systemd/system or /run/systemd/system, which the installer reads (as `is-enabled`
 * does); a unit file found elsewhere (a --unit-path directory) cannot be enabled there, and systemd
 * calls it disabled.
 */
export function unitFileState(m: Unit): string {
  if (m.loadState === 'masked') return 'masked';
  if (!m.fragmentPath) return '';
  if (isGeneratedPath(m.fragmentPath)) return 'generated';
  // systemd asks its install evaluator about the fragment's file name, and a name that evaluator
  // cannot look up (an /etc link back to its own name in the search path, say) is `bad`, although
  // the manager loaded the unit through it: the same judgement as is-enabled's and list-unit-files'.
  const installer = new Installer('');
  if (SYSTEM_UNIT_PATH.includes(dirname(m.fragmentPath)) && installer.lookupError(basename(m.fragmentPath)) !== undefined) return 'bad';
  const i = m.install;
  if (i.wantedBy.length + i.requiredBy.length + i.alias.length === 0) return i.also.length > 0 ? 'indirect' : 'static';
  if (!SYSTEM_UNIT_PATH.includes(dirname(m.fragmentPath))) return 'disabled';
  return installer.state(m.id) ?? 'disabled';
}

/** NeedDaemonReload=: the fragment or a drop-in changed on disk after the unit was loaded. */
function needsReload(u: Unit, loadedAt: number): boolean {
  for (const p of [u.fragmentPath, ...u.dropinPaths]) {
    if (!p) continue;
    try {
      if (statSync(p).mtimeMs > loadedAt) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function readProc(pid: number, file: string, encoding: BufferEncoding = 'latin1'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, encoding);
  } catch {
    return ''; // gone since its pid was listed
  }
}

function processInfo(pid: number): ProcessInfo {
  return Object.freeze({
    pid,
    comm: readProc(pid, 'comm').trim(),
    // Quoted word by word as systemctl status quotes them (an empty argument shows as "").
    cmdline: quoteCommandLine(readProc(pid, 'cmdline', 'utf8')),
  });
}
