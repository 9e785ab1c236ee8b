export declare const ACCEPT_FIXTURES: string;
export declare const ACCEPT_RUN: string;
export declare function runAcceptSteps(ctl: (...args: string[]) => Promise<string>, sh: (script: string) => Promise<string>): Promise<Record<string, unknown>>;
