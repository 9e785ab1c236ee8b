export declare const UNITS: Record<string, string>;
export declare const TARGET: string;
export declare const CASES: readonly (readonly string[])[];
export interface Scenario { readonly units: Record<string, string>; readonly target: string; readonly cases: readonly (readonly string[])[] }
export declare const VERBS: Scenario;
export interface Answer { readonly args: readonly string[]; readonly rc: number; readonly stdout: string; readonly stderr: string }
export declare const SYSTEMCTL_ENV: Record<string, string>;
export declare function answer(run: (args: readonly string[]) => { status: number | null; stdout: string; stderr: string }, unitDir: string, cases?: Scenario['cases']): Answer[];
export declare function answersOfSystemd(tools: string, makeDir: () => string, scenario?: Scenario): { answers: Answer[]; version: string };
export declare function systemctlInNamespace(hostPid: number): (args: readonly string[]) => { status: number | null; stdout: string; stderr: string };
