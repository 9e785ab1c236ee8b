export function render(): Promise<string>;
