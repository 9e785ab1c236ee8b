export declare const LISTEN_KINDS_FIXTURES: string;
export declare const LISTEN_KINDS_RUN: string;
export declare function runListenKindsSteps(ctl: (...args: string[]) => Promise<string>, sh: (script: string) => Promise<string>): Promise<Record<string, unknown>>;
