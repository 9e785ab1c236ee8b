/**
 * The mutable draft a unit is built in while its files are applied, line by line. load.ts
 * freezes it into a model Unit; nothing outside loading ever sees a draft.
 */
import { USEC_INFINITY } from '../../shared/timespan.js';
import type {
  AutomountSection, CgroupContext, DependencyKind, ExecContext, MountSettings, SeccompSettings, ExitStatusList, IgnoredSetting, InstallSection, KillContext, MountSection,
  PathSection, ServiceSection, SocketSection, SwapSection, TimerSection, UnitSection,
} from '../model.js';
import { DEPENDENCY_KINDS } from '../model.js';
import type { Rlimit, RlimitName } from '../values/index.js';
import { initialKeptExecSettings, type KeptExecSettings } from '../exec-kept.js';

/** The model's shape with every field writable and every list a plain array. */
type Mutable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] extends Readonly<Record<string, readonly string[]>> ? { [P in keyof T[K]]: string[] } : T[K];
};

export interface Draft {
  unit: Mutable<UnitSection> & { dependencies: Record<DependencyKind, string[]> };
  install: Mutable<InstallSection>;
  exec: Omit<Mutable<ExecContext>, 'seccomp' | 'mounts' | 'kept'> & { limits: Partial<Record<RlimitName, Rlimit>>; seccomp: Mutable<SeccompSettings>; mounts: Mutable<MountSettings>; kept: Mutable<KeptExecSettings> };
  kill: Mutable<KillContext>;
  /** Type= stays unset until the end: its default depends on whether ExecStart= was given. */
  service: Omit<Mutable<ServiceSection>, 'type'> & { type?: string };
  socket: Mutable<SocketSection>;
  timer: Mutable<TimerSection>;
  path: Mutable<PathSection>;
  mount: Mutable<MountSection>;
  automount: Mutable<AutomountSection>;
  swap: Mutable<SwapSection>;
  resources: Mutable<CgroupContext>;
  ignored: IgnoredSetting[];
  extensions: { section: string; key: string; value: string }[];
  /** Where each name's assignment sits in exec.environment: a unit may set 100,000 names, and a scan per line is quadratic. */
  environmentIndex: Map<string, number>;
  /** Set by a directive whose bad value makes the unit unloadable (systemd's "bad-setting"). */
  badSetting: boolean;
}

/** Backlog='s default: SOMAXCONN_DELUXE, INT_MAX (listen() caps it at net.core.somaxconn), as systemctl show prints it. */
export const SOMAXCONN_DELUXE = 2147483647;

const noExit = (): ExitStatusList => ({ status: [], signal: [] });

export function newDraft(): Draft {
  const dependencies = Object.fromEntries(DEPENDENCY_KINDS.map((k) => [k, [] as string[]])) as Record<DependencyKind, string[]>;
  return {
    unit: {
      documentation: [],
      dependencies,
      requiresMountsFor: [],
      defaultDependencies: true,
      stopWhenUnneeded: false,
      refuseManualStart: false,
      refuseManualStop: false,
      allowIsolate: false,
      ignoreOnIsolate: false,
      onFailureJobMode: 'replace',
      onSuccessJobMode: 'fail',
      jobTimeoutUSec: USEC_INFINITY,
      jobRunningTimeoutUSec: USEC_INFINITY,
      jobTimeoutAction: 'none',
      startLimitAction: 'none',
      successAction: 'none',
      failureAction: 'none',
      collectMode: 'inactive',
      conditions: [],
      asserts: [],
    },
    install: { wantedBy: [], requiredBy: [], alias: [], also: [] },
    exec: {
      supplementaryGroups: [],
      dynamicUser: false,
      environment: [],
      environmentFiles: [],
      passEnvironment: [],
      unsetEnvironment: [],
      limits: {},
      runtimeDirectory: [],
      stateDirectory: [],
      cacheDirectory: [],
      logsDirectory: [],
      configurationDirectory: [],
      runtimeDirectoryPreserve: 'no',
      syslogLevelPrefix: true,
      noNewPrivileges: false,
      privateTmp: false,
      removeIPC: false,
      seccomp: {
        systemCallArchitectures: [],
        systemCallArchitecturesWritten: [],
        restrictRealtime: false,
        restrictSUIDSGID: false,
        memoryDenyWriteExecute: false,
        lockPersonality: false,
        protectClock: false,
        protectKernelModules: false,
        protectKernelLogs: false,
        protectHostname: false,
      },
      mounts: { protectSystem: 'no', protectHome: 'no', readWritePaths: [], readOnlyPaths: [], inaccessiblePaths: [], execPaths: [], noExecPaths: [], protectKernelTunables: false, protectControlGroups: false,
        privateDevices: false, privateNetwork: false, privateIPC: false, privateMounts: false, privateUsers: false,
        bindPaths: [], temporaryFileSystems: [], protectProc: 'default', procSubset: 'all' },
      kept: { ...initialKeptExecSettings(), cpuAffinity: [], numaMask: [], logExtraFields: [], execSearchPath: [] },
    },
    kill: { killMode: 'control-group', killSignal: 15, finalKillSignal: 9, watchdogSignal: 6, sendSIGHUP: false, sendSIGKILL: true },
    service: {
      execCondition: [],
      execStartPre: [],
      execStart: [],
      execStartPost: [],
      execReload: [],
      execStop: [],
      execStopPost: [],
      restart: 'no',
      runtimeMaxUSec: USEC_INFINITY,
      watchdogUSec: 0n,
      timeoutStartFailureMode: 'terminate',
      timeoutStopFailureMode: 'terminate',
      remainAfterExit: false,
      guessMainPID: true,
      fileDescriptorStoreMax: 0,
      permissionsStartOnly: false,
      rootDirectoryStartOnly: false,
      successExitStatus: noExit(),
      restartPreventExitStatus: noExit(),
      restartForceExitStatus: noExit(),
      sockets: [],
    },
    socket: {
      listen: [], accept: false, execStartPre: [], execStartPost: [], execStopPre: [], execStopPost: [], socketMode: 0o666,
      directoryMode: 0o755, backlog: SOMAXCONN_DELUXE, bindIPv6Only: 'default', reusePort: false, freeBind: false, keepAlive: false,
      noDelay: false, passCredentials: false, passSecurity: false, removeOnStop: false, symlinks: [], maxConnections: 64,
      maxConnectionsPerSource: 0,
    },
    timer: {
      triggers: [], persistent: false, accuracyUSec: 60_000_000n, randomizedDelayUSec: 0n, fixedRandomDelay: false,
      remainAfterElapse: true, wakeSystem: false, onClockChange: false, onTimezoneChange: false,
    },
    path: { watches: [], makeDirectory: false, directoryMode: 0o755 },
    mount: {},
    automount: {},
    swap: {},
    resources: {},
    ignored: [],
    extensions: [],
    environmentIndex: new Map(),
    badSetting: false,
  };
}
