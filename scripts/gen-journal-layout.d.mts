export const HEADER_PATH: string;
export function loadLayout(): Promise<typeof import('../src/journal/layout.js')>;
export function render(layout: typeof import('../src/journal/layout.js')): string;
