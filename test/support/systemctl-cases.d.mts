export declare const UNITS: Record<string, string>;
export declare const TARGET: string;
export declare const CASES: readonly (readonly string[])[];
