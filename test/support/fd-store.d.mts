export declare const FD_STORE_FIXTURES: string;
export declare const FD_STORE_RUN: string;
export declare function runFdStoreSteps(ctl: (...args: string[]) => Promise<string>, sh: (script: string) => Promise<string>): Promise<Record<string, unknown>>;
