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
  /** Extended attributes by name: POSIX ACLs as getfacl's short text with numeric ids, others as text. */
  xattrs?: Record<string, string>;
}
export function readFsTree(root: string, skip?: (rel: string) => boolean): Record<string, FsEntry>;
