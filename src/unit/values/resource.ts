/**
 * The value kinds of systemd.resource-control(5) that only unit files have: CPU sets ("0-3 5,7",
 * parse_cpu_set). Percentages and TasksMax= are shared with system.conf (src/shared/cgroup-values.ts).
 */
import { type Result, ok } from '../../shared/result.js';
export { parsePermyriad, parseTasksMax } from '../../shared/cgroup-values.js';

const bad: Result<never, string> = { ok: false, error: 'invalid' };

/** parse_cpu_set: CPU numbers and ranges, separated by spaces or commas; the numbers in order, each once. */
export function parseCpuSet(text: string): Result<number[], string> {
  const out = new Set<number>();
  for (const word of text.split(/[\s,]+/).filter((w) => w !== '')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(word);
    if (!m) return bad;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    // systemd's CPU_SET limit: 8192 CPUs
    if (hi < lo || hi >= 8192) return bad;
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return ok([...out].sort((a, b) => a - b));
}

/** A CPU set as the kernel's cpuset files and systemctl show write it: "0-3,5". */
export function formatCpuSet(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(j === i ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
