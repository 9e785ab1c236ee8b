/**
 * Job modes (systemctl(1) --job-mode=, and the values of OnFailureJobMode=/OnSuccessJobMode=), in
 * systemd 252's order (its job_mode table). The one list every layer reads: the unit-file parser,
 * the graph's units, the engine's transactions and the control socket's check of a request.
 */
export const JOB_MODES = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements', 'triggering'] as const;
export type JobMode = (typeof JOB_MODES)[number];

const MODES: ReadonlySet<string> = new Set(JOB_MODES);

export function isJobMode(s: string): s is JobMode {
  return MODES.has(s);
}
