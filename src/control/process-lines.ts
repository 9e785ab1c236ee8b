/**
 * The processes of one cgroup as systemctl lists them under CGroup: (status of a unit, a slice, the
 * overview): "PID cmdline", the pids right-aligned to the widest of the group (systemd's show_pid_array),
 * so " 18 beam.smp" stands above "252 epmd".
 */
import type { ProcessInfo } from '../engine/api.js';

export function processLabels(procs: readonly ProcessInfo[]): string[] {
  const width = Math.max(0, ...procs.map((p) => String(p.pid).length));
  return procs.map((p) => `${String(p.pid).padStart(width)} ${p.cmdline}`);
}
