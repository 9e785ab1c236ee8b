import { accessSync, constants, statSync } from 'node:fs';

/** A regular file the caller may execute (directories pass access(X_OK) too, so the type is checked). */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
