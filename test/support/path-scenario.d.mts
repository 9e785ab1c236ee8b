export declare const PATH_UNITS: readonly string[];
export declare function pathUnits(root: string, reloaded?: boolean): Record<string, string>;
export declare function writePathTree(root: string, unitDir: string, link: (target: string, path: string) => void): void;
export interface PathLook {
  readonly step: string;
  readonly units: Record<string, string>;
  readonly runs: Record<string, number>;
}
export declare function runPathScenario(root: string, states: (units: readonly string[]) => Promise<string>, unitDir: string, reload: () => Promise<void>): Promise<PathLook[]>;
