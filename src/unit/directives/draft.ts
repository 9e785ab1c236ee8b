/**
 * The mutable draft a unit is built in while its files are applied, line by line. load.ts
 * freezes it into a model Unit; nothing outside loading ever sees a draft.
 */
import type { SourceLocation } from '../../shared/diagnostic.js';
import { USEC_INFINITY } from '../../shared/timespan.js';
import type { Condition, DependencyKind, EnvironmentFile, ExitStatusList, IgnoredSetting } from '../model.js';
import { DEPENDENCY_KINDS } from '../model.js';
import type { ExecCommand, Rlimit, RlimitName, Usec } from '../values/index.js';

export interface Draft {
  unit: {
    description?: string;
    documentation: string[];
    dependencies: Record<DependencyKind, string[]>;
    requiresMountsFor: string[];
    defaultDependencies: boolean;
    stopWhenUnneeded: boolean;
    refuseManualStart: boolean;
    refuseManualStop: boolean;
    allowIsolate: boolean;
    ignoreOnIsolate: boolean;
    onFailureJobMode: string;
    onSuccessJobMode: string;
    jobTimeoutUSec: Usec;
    jobRunningTimeoutUSec: Usec;
    jobTimeoutAction: string;
    startLimitIntervalUSec?: Usec;
    startLimitBurst?: number;
    startLimitAction: string;
    successAction: string;
    failureAction: string;
    successActionExitStatus?: number;
    failureActionExitStatus?: number;
    collectMode: string;
    conditions: Condition[];
    asserts: Condition[];
    sourcePath?: string;
  };
  install: { wantedBy: string[]; requiredBy: string[]; alias: string[]; also: string[]; defaultInstance?: string };
  exec: {
    user?: string;
    group?: string;
    supplementaryGroups: string[];
    dynamicUser: boolean;
    workingDirectory?: string;
    rootDirectory?: string;
    environment: string[];
    environmentFiles: EnvironmentFile[];
    passEnvironment: string[];
    unsetEnvironment: string[];
    umask?: number;
    nice?: number;
    oomScoreAdjust?: number;
    limits: Partial<Record<RlimitName, Rlimit>>;
    runtimeDirectory: string[];
    stateDirectory: string[];
    cacheDirectory: string[];
    logsDirectory: string[];
    configurationDirectory: string[];
    runtimeDirectoryMode?: number;
    stateDirectoryMode?: number;
    cacheDirectoryMode?: number;
    logsDirectoryMode?: number;
    configurationDirectoryMode?: number;
    runtimeDirectoryPreserve: string;
    standardInput?: string;
    standardOutput?: string;
    standardError?: string;
    ttyPath?: string;
    syslogIdentifier?: string;
    syslogLevelPrefix: boolean;
    noNewPrivileges: boolean;
    privateTmp: boolean;
  };
  kill: {
    killMode: string;
    killSignal: number;
    restartKillSignal?: number;
    finalKillSignal: number;
    watchdogSignal: number;
    sendSIGHUP: boolean;
    sendSIGKILL: boolean;
  };
  service: {
    type?: string;
    execCondition: ExecCommand[];
    execStartPre: ExecCommand[];
    execStart: ExecCommand[];
    execStartPost: ExecCommand[];
    execReload: ExecCommand[];
    execStop: ExecCommand[];
    execStopPost: ExecCommand[];
    restart: string;
    restartUSec?: Usec;
    timeoutStartUSec?: Usec;
    timeoutStopUSec?: Usec;
    timeoutAbortUSec?: Usec;
    runtimeMaxUSec: Usec;
    watchdogUSec: Usec;
    remainAfterExit: boolean;
    guessMainPID: boolean;
    pidFile?: string;
    busName?: string;
    notifyAccess?: string;
    permissionsStartOnly: boolean;
    rootDirectoryStartOnly: boolean;
    successExitStatus: ExitStatusList;
    restartPreventExitStatus: ExitStatusList;
    restartForceExitStatus: ExitStatusList;
  };
  ignored: IgnoredSetting[];
  extensions: { section: string; key: string; value: string }[];
  /** Set by a directive whose bad value makes the unit unloadable (systemd's "bad-setting"). */
  badSetting: boolean;
  lastLoc?: SourceLocation;
}

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
      remainAfterExit: false,
      guessMainPID: true,
      permissionsStartOnly: false,
      rootDirectoryStartOnly: false,
      successExitStatus: noExit(),
      restartPreventExitStatus: noExit(),
      restartForceExitStatus: noExit(),
    },
    ignored: [],
    extensions: [],
    badSetting: false,
  };
}
