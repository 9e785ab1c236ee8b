export interface OutputTree {
  readonly files: Record<string, string>;
  readonly links: Record<string, string>;
}
export function readOutputTree(dir: string, root: string): OutputTree;
