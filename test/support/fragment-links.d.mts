import type { TreeSpec } from './tree.mjs';
export declare const ETC: TreeSpec;
export declare const LIB: TreeSpec;
export declare const UNITS: readonly string[];
export declare const TARGET: string;
export interface FragmentAnswer { readonly unit: string; readonly show: string; readonly catHeader: string; readonly rc: readonly (number | null)[] }
export declare function answer(run: (args: readonly string[]) => { status: number | null; stdout: string; stderr: string }): FragmentAnswer[];
export declare function answersOfSystemd(tools: string, makeDir: () => string): { answers: FragmentAnswer[]; version: string };
