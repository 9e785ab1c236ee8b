export function listSymlinks(root: string): Record<string, string>;
