export declare const SIGNAL_UNITS: Record<string, string>;
export declare const SIGNAL_STEPS: readonly { readonly call: readonly [string, string, readonly unknown[]]; readonly until: string }[];
export interface SignalRecord { readonly text: string; readonly sender?: string | null; readonly iface?: string; readonly changed?: readonly string[]; readonly invalidated?: readonly string[] }
export interface SignalPeer {
  readonly MessageType: { readonly signal: number; readonly error: number };
  call(path: string, iface: string, member: string, signature?: string, body?: readonly unknown[]): Promise<{ type: number; errorName?: string; body: unknown[] }>;
  onSignal(fn: (m: unknown) => void): () => void;
}
export declare function runSignalScenario(peer: SignalPeer, timeoutMs?: number): Promise<SignalRecord[]>;
