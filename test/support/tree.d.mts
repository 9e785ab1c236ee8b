export interface TreeSpec {
  readonly files?: Readonly<Record<string, string>>;
  readonly links?: Readonly<Record<string, string>>;
}
export function buildTree(dir: string, spec: TreeSpec): void;
