export function writeEmptyBooleanUnits(dir: string): string[];
