export interface EditCase {
  readonly args: readonly string[];
  readonly action?: 'insert' | 'append' | 'write' | 'keep' | 'empty' | 'fail';
  readonly editor?: 'SYSTEMD_EDITOR' | 'EDITOR' | 'VISUAL' | 'split';
  readonly tty?: false;
}
export interface EditOutcome {
  args: string[];
  action: string;
  editor: string;
  status: number;
  stdout: string;
  stderr: string;
  editorLog: string;
  files: Record<string, string>;
}
export declare const EDITOR: string;
export declare const PTY_RUN: string;
export declare const TREE: { files: Record<string, string>; links: Record<string, string> };
export declare const CASES: readonly EditCase[];
export declare function caseName(c: EditCase): string;
export declare function caseEnv(c: EditCase, base: NodeJS.ProcessEnv, log: string): NodeJS.ProcessEnv;
export declare function configFiles(root: string): Record<string, string>;
export declare function buildEditTree(root: string): void;
export declare function runEditCase(c: EditCase, how: { argv0: readonly string[]; wrap?: readonly string[]; root: string; prefix?: string; logPath: string; env?: Record<string, string> }): EditOutcome;
