import type { Arbitrary } from 'fast-check';
export const timespanText: Arbitrary<string>;
export const calendarText: Arbitrary<string>;
export const ORACLE_SEED: number;
export const ORACLE_COUNT: number;
export function oracleSample(arbitrary: Arbitrary<string>): string[];
export function parseTimespanOutput(stdout: string, stderr: string): { usec: string; human: string | null } | { error: string };
export function parseCalendarOutput(stdout: string, stderr: string): { normalized: string } | { error: string };
