export declare const SET_PROPERTY_UNITS: Record<string, string>;
export declare const SET_PROPERTY_CASES: readonly (readonly string[])[];
export interface SetPropertyAnswers {
  readonly answers: readonly { readonly args: readonly string[]; readonly rc: number | null; readonly stdout: string; readonly stderr: string }[];
  readonly files: Record<string, string>;
  readonly calls: readonly { readonly call: string; readonly answer: string }[];
}
export declare function runSetPropertyCases(peer: unknown): Promise<SetPropertyAnswers>;
