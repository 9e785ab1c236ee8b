/**
 * `svcctl analyze syscall-filter [GROUP...]`: `systemd-analyze syscall-filter` (252) from the shared
 * group table. With names, each group in turn (a blank line between them); the first unknown name
 * ends it with status 1 after what came before. Without, every group, then the known system calls
 * no group but @known holds, then those the running kernel offers beyond @known — read, as systemd
 * reads them, from tracefs's event list, with its notice when that cannot be read. --quiet leaves
 * out both extra parts.
 */
import { readFileSync } from 'node:fs';
import type { VerbContext } from '../context.js';
import { SYSCALL_GROUPS, syscallGroupFind, type SyscallGroup } from '../../../shared/syscall-filter.js';
import { strerrorName } from '../../../shared/strerror.js';
import { strcmp } from '../../../shared/strcmp.js';

function dump(group: SyscallGroup): string {
  return `${group.name}\n    # ${group.help}\n${group.entries.map((e) => `    ${e}\n`).join('')}`;
}

/** Names the kernel hides under another name in its trace events, as systemd skips them. */
const KERNEL_INTERNAL_NAMES = new Set(['newuname', 'newfstat', 'newstat', 'newlstat', 'sysctl']);

/** The system calls the kernel traces (tracefs, then the old debugfs path), or the errno's text. */
function kernelSyscalls(): Set<string> | string {
  let text: string | undefined;
  let error: unknown;
  for (const path of ['/sys/kernel/tracing/available_events', '/sys/kernel/debug/tracing/available_events']) {
    try {
      text = readFileSync(path, 'utf8');
      break;
    } catch (e) {
      error = e;
    }
  }
  if (text === undefined) return strerror(error);
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('syscalls:sys_enter_')) continue;
    const name = line.slice('syscalls:sys_enter_'.length);
    if (!KERNEL_INTERNAL_NAMES.has(name)) out.add(name);
  }
  return out;
}

function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  return strerrorName(code) ?? code;
}

const sorted = (names: Iterable<string>) => [...names].sort(strcmp);

export async function run(ctx: VerbContext): Promise<number> {
  if (ctx.args.length > 0) {
    const out: string[] = [];
    for (const [i, name] of ctx.args.entries()) {
      if (i > 0) out.push('\n');
      const group = syscallGroupFind(name);
      if (!group) {
        // systemd flushes what it printed first, so the error comes after it.
        ctx.stdout.write(out.join(''));
        ctx.stderr.write(`Filter set "${name}" not found.\n`);
        return 1;
      }
      out.push(dump(group));
    }
    ctx.stdout.write(out.join(''));
    return 0;
  }
  const quiet = ctx.options.quiet === true;
  // Nested group names are no system calls: systemd's set of known calls leaves them out.
  const known = new Set(syscallGroupFind('@known')?.entries.filter((e) => !e.startsWith('@')) ?? []);
  const kernel = quiet ? new Set<string>() : kernelSyscalls();
  const out = SYSCALL_GROUPS.map((g, i) => {
    for (const e of g.entries) {
      if (typeof kernel !== 'string') kernel.delete(e);
      if (g.name !== '@known') known.delete(e);
    }
    return (i > 0 ? '\n' : '') + dump(g);
  });
  if (quiet) {
    ctx.stdout.write(out.join(''));
    return 0;
  }
  if (known.size > 0) {
    out.push('\n# Ungrouped System Calls (known but not included in any of the groups except @known):\n', ...sorted(known).map((s) => `#   ${s}\n`));
  }
  if (typeof kernel === 'string') {
    out.push('\n');
    ctx.stdout.write(out.join(''));
    ctx.stderr.write(`# Not showing unlisted system calls, couldn't retrieve kernel system call list: ${kernel}\n`);
    return 0;
  }
  if (kernel.size > 0) {
    out.push('\n# Unlisted System Calls (supported by the local kernel, but not included in any of the groups listed above):\n', ...sorted(kernel).map((s) => `#   ${s}\n`));
  }
  ctx.stdout.write(out.join(''));
  return 0;
}
