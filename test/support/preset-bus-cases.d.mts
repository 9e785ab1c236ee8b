import type { Answer } from './systemctl-cases.mjs';
export declare const TARGET: string;
export declare const UNITS: Record<string, string>;
export declare const UNIT_LINKS: Record<string, string>;
export declare const VENDOR: Record<string, string>;
export declare const PREPARE: string;
export declare const CASES: readonly (readonly string[])[];
export declare function answer(run: (args: readonly string[]) => { status: number | null; stdout: string; stderr: string }): Answer[];
export declare function answersOfSystemd(tools: string, makeDir: () => string): { answers: Answer[]; version: string };
