/**
 * A queued job as `analyze dump` prints it (systemd 252's job_dump()), apart from the rest of the
 * dump so that svcctl, which prints the manager's list of jobs, loads no more than this.
 */

/**
 * job_dump(): a queued job, under its unit (indented one tab more) and again in the manager's list
 * at the end. Irreversible= and May GC= are "no": svcd keeps no irreversible jobs, and only a
 * device's jobs may be collected in systemd.
 */
export function jobDumpLines(job: { readonly id: number; readonly unit: string; readonly type: string; readonly state: string }, indent: string): string[] {
  return [`${indent}-> Job ${job.id}:`, `${indent}\tAction: ${job.unit} -> ${job.type}`, `${indent}\tState: ${job.state}`, `${indent}\tIrreversible: no`, `${indent}\tMay GC: no`];
}
