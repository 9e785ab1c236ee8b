/**
 * Diagnostics: every complaint about input carries where it came from, so a user can find the
 * file, line and directive. Messages follow systemd's wording ("file:line: ...") because users
 * compare them with what systemd-analyze says.
 */

export type Severity = 'error' | 'warning' | 'notice' | 'info' | 'debug';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Absent for messages about a unit as a whole (e.g. "Unit has no Exec line"). */
  readonly loc?: SourceLocation;
  /** Unit the message is about, when known; printed as "unit: message" by systemd-analyze. */
  readonly unit?: string;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  if (d.loc) return `${d.loc.file}:${d.loc.line}: ${d.message}`;
  if (d.unit) return `${d.unit}: ${d.message}`;
  return d.message;
}

/** A sink that collects diagnostics; loaders take one instead of logging directly. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  report(d: Diagnostic): void {
    this.items.push(d);
  }
  warn(loc: SourceLocation | undefined, message: string): void {
    this.report(loc ? { severity: 'warning', loc, message } : { severity: 'warning', message });
  }
  error(loc: SourceLocation | undefined, message: string): void {
    this.report(loc ? { severity: 'error', loc, message } : { severity: 'error', message });
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
