/**
 * The loaded unit: immutable, typed, every setting with the file:line it came from.
 * Built by load.ts from a UnitSource through the directive table (directives/); daemon-reload
 * builds new Units and swaps them in, so nothing here is ever mutated after loading.
 */
import type { Diagnostic, SourceLocation } from '../shared/diagnostic.js';
import type { Usec } from '../shared/timespan.js';
import type { UnitType } from './name.js';
import type { ExecCommand, Rlimit, RlimitName } from './values/index.js';

/** systemd's LoadState words. */
export type LoadState = 'loaded' | 'not-found' | 'bad-setting' | 'error' | 'masked';

export interface Located<T> {
  readonly value: T;
  readonly loc: SourceLocation;
}

export interface Condition {
  /** e.g. "ConditionPathExists" or "AssertPathExists". */
  readonly kind: string;
  /** '|': a triggering condition (any one of them suffices). */
  readonly trigger: boolean;
  /** '!': negated. */
  readonly negate: boolean;
  readonly parameter: string;
  readonly loc: SourceLocation;
}

/** Dependency kinds as written in [Unit] (plus .wants/.requires/.upholds directories). */
export const DEPENDENCY_KINDS = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After',
  'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo',
  'StopPropagatedFrom', 'JoinsNamespaceOf',
] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

export interface UnitSection {
  readonly description?: string;
  readonly documentation: readonly string[];
  readonly dependencies: Readonly<Record<DependencyKind, readonly string[]>>;
  readonly requiresMountsFor: readonly string[];
  readonly defaultDependencies: boolean;
  readonly stopWhenUnneeded: boolean;
  readonly refuseManualStart: boolean;
  readonly refuseManualStop: boolean;
  readonly allowIsolate: boolean;
  readonly ignoreOnIsolate: boolean;
  readonly onFailureJobMode: string;
  readonly onSuccessJobMode: string;
  readonly jobTimeoutUSec: Usec;
  readonly jobRunningTimeoutUSec: Usec;
  readonly jobTimeoutAction: string;
  readonly startLimitIntervalUSec?: Usec;
  readonly startLimitBurst?: number;
  readonly startLimitAction: string;
  readonly successAction: string;
  readonly failureAction: string;
  readonly successActionExitStatus?: number;
  readonly failureActionExitStatus?: number;
  readonly collectMode: string;
  readonly conditions: readonly Condition[];
  readonly asserts: readonly Condition[];
  readonly sourcePath?: string;
}

export interface InstallSection {
  readonly wantedBy: readonly string[];
  readonly requiredBy: readonly string[];
  readonly alias: readonly string[];
  readonly also: readonly string[];
  readonly defaultInstance?: string;
}

export interface EnvironmentFile {
  readonly path: string;
  /** '-' prefix: a missing file is not an error. */
  readonly optional: boolean;
}

/** systemd.exec(5): how processes are started. Shared by service, socket, mount and swap units. */
export interface ExecContext {
  readonly user?: string;
  readonly group?: string;
  readonly supplementaryGroups: readonly string[];
  readonly dynamicUser: boolean;
  readonly workingDirectory?: string;
  readonly rootDirectory?: string;
  readonly environment: readonly string[];
  readonly environmentFiles: readonly EnvironmentFile[];
  readonly passEnvironment: readonly string[];
  readonly unsetEnvironment: readonly string[];
  readonly umask?: number;
  readonly nice?: number;
  readonly oomScoreAdjust?: number;
  readonly limits: Readonly<Partial<Record<RlimitName, Rlimit>>>;
  readonly runtimeDirectory: readonly string[];
  readonly stateDirectory: readonly string[];
  readonly cacheDirectory: readonly string[];
  readonly logsDirectory: readonly string[];
  readonly configurationDirectory: readonly string[];
  readonly runtimeDirectoryMode?: number;
  readonly stateDirectoryMode?: number;
  readonly cacheDirectoryMode?: number;
  readonly logsDirectoryMode?: number;
  readonly configurationDirectoryMode?: number;
  readonly runtimeDirectoryPreserve: string;
  readonly standardInput?: string;
  readonly standardOutput?: string;
  readonly standardError?: string;
  readonly ttyPath?: string;
  readonly syslogIdentifier?: string;
  readonly syslogLevelPrefix: boolean;
  readonly noNewPrivileges: boolean;
  readonly privateTmp: boolean;
}

/** systemd.kill(5). */
export interface KillContext {
  readonly killMode: string;
  readonly killSignal: number;
  readonly restartKillSignal?: number;
  readonly finalKillSignal: number;
  readonly watchdogSignal: number;
  readonly sendSIGHUP: boolean;
  readonly sendSIGKILL: boolean;
}

export interface ExitStatusList {
  readonly status: readonly number[];
  readonly signal: readonly number[];
}

/** systemd.service(5). */
export interface ServiceSection {
  readonly type: string;
  readonly execCondition: readonly ExecCommand[];
  readonly execStartPre: readonly ExecCommand[];
  readonly execStart: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execReload: readonly ExecCommand[];
  readonly execStop: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly restart: string;
  readonly restartUSec?: Usec;
  readonly timeoutStartUSec?: Usec;
  readonly timeoutStopUSec?: Usec;
  readonly timeoutAbortUSec?: Usec;
  readonly runtimeMaxUSec: Usec;
  readonly watchdogUSec: Usec;
  readonly remainAfterExit: boolean;
  readonly guessMainPID: boolean;
  readonly pidFile?: string;
  readonly busName?: string;
  readonly notifyAccess?: string;
  readonly permissionsStartOnly: boolean;
  readonly rootDirectoryStartOnly: boolean;
  readonly successExitStatus: ExitStatusList;
  readonly restartPreventExitStatus: ExitStatusList;
  readonly restartForceExitStatus: ExitStatusList;
}

/** A directive svcd reads but does not act on (yet, or in a container); kept so nothing is lost. */
export interface IgnoredSetting {
  readonly section: string;
  readonly key: string;
  readonly value: string;
  readonly loc: SourceLocation;
  readonly status: 'ignored' | 'not-yet';
}

export interface Unit {
  readonly id: string;
  readonly type: UnitType;
  readonly names: readonly string[];
  readonly loadState: LoadState;
  readonly fragmentPath?: string;
  readonly dropinPaths: readonly string[];
  readonly unit: UnitSection;
  readonly install: InstallSection;
  /** Present for unit types with an exec context (service, socket, mount, swap). */
  readonly exec?: ExecContext;
  readonly kill?: KillContext;
  readonly service?: ServiceSection;
  /** Units listed by NAME.wants/, NAME.requires/, NAME.upholds/ directories. */
  readonly wantsDir: readonly string[];
  readonly requiresDir: readonly string[];
  readonly upholdsDir: readonly string[];
  readonly ignored: readonly IgnoredSetting[];
  /** X- keys and keys of X- sections, verbatim. */
  readonly extensions: readonly { readonly section: string; readonly key: string; readonly value: string }[];
  readonly diagnostics: readonly Diagnostic[];
}
