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

/**
 * find_executable(): a command with a slash is itself; a bare name is the first executable file of
 * that name in `search`; undefined when there is none.
 */
export function findExecutable(command: string, search: readonly string[]): string | undefined {
  if (command.includes('/')) return command;
  return search.map((d) => `${d}/${command}`).find(isExecutableFile);
}
