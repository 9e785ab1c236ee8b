export interface FsEntry {
  type: 'd' | 'f' | 'l' | 'p' | 'c' | 'b' | 's';
  mode?: string;
  uid: number;
  gid: number;
  content?: string;
  base64?: string;
  target?: string;
  rdev?: string;
  attrs?: string;
}
export function readFsTree(root: string, skip?: (rel: string) => boolean): Record<string, FsEntry>;
