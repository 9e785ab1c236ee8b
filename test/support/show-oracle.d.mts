export interface CollectedUnit {
  readonly show: string;
  readonly status: string;
  readonly statusRc: number | null;
  /** Each program the unit's Exec lines run, and whether it exists here. */
  readonly programs: Readonly<Record<string, boolean>>;
}
export interface Collected {
  readonly manager: string;
  readonly units: Readonly<Record<string, CollectedUnit>>;
}
export type Ctl = (...args: string[]) => { readonly stdout: string; readonly status: number | null };
export const repo: string;
export const NS: string;
export const DEBIAN_UNIT_CACHE: string;
export const DEBIAN: Readonly<Record<string, string>>;
export const CLIENT_ENV: NodeJS.ProcessEnv;
export function sha256(path: string): string;
export function availableUnits(recordedHashes?: Readonly<Record<string, string>>): Record<string, string>;
export function buildUnitDir(dir: string, units: Readonly<Record<string, string>>): void;
export function settle(ctl: Ctl): void;
export function collect(ctl: Ctl, unitNames: readonly string[]): Collected;
export function systemdNsUsable(): boolean;
export const BASE_UNITS: readonly string[];
export function collectSystemd(dir: string, unitNames: readonly string[]): Collected & { readonly version: string; readonly baseDir: string };
