/**
 * A unit's seccomp filters merged into as few programs as give the service the same answers. The
 * kernel's cost of a filter is paid at install, per filter and spawn (checking, translating and
 * JIT-compiling the program, then running it for every call number to build its cache of allowed
 * calls), so one program of 700 instructions installs far faster than eight that add up to 1 200.
 *
 * What several filters answer (seccomp(2)): each runs, the strongest action wins (kill-process,
 * kill-thread, errno, log, allow), and between two of equal strength — two errnos — the filter
 * loaded last. A merged program computes that answer itself, call number by call number: where at
 * most one of the filters looks at a call's arguments, its rules are kept with each action replaced
 * by the answer all the filters together give, the others' answers for that call being fixed. Where
 * two filters both look at the arguments of one call (no unit setting of systemd 252 does that
 * today), or the program would outgrow the kernel's limits, the filters are split into consecutive
 * groups instead, each merged on its own: the answer of consecutive groups is the answer of all.
 */
import {
  actionValue, compileProgram, syscallNumber,
  type AbiFilter, type SeccompAction, type SeccompFilter, type SeccompRule, type SyscallAbi,
} from './seccomp-bpf.js';

/** The kernel's order of actions (ACTION_ONLY, a signed compare): lower is stronger. */
const strength = (a: SeccompAction): number => (actionValue(a) & 0xffff0000) | 0;

/** What the kernel answers when the filters, in load order, answer `actions`. */
export function strongestAction(actions: readonly SeccompAction[]): SeccompAction {
  let best = actions[actions.length - 1]!;
  for (let i = actions.length - 2; i >= 0; i--) if (strength(actions[i]!) < strength(best)) best = actions[i]!;
  return best;
}

const sameAction = (a: SeccompAction, b: SeccompAction) => actionValue(a) === actionValue(b);

/** What one filter does with one call number: a fixed answer, or rules on its arguments. */
type Decision =
  | { readonly fixed: SeccompAction }
  | { readonly rules: readonly SeccompRule[]; readonly otherwise: SeccompAction };

/** A filter as one ABI sees it: its rules by call number, and the answer for all other calls. */
interface AbiView {
  readonly byNumber: ReadonlyMap<number, readonly SeccompRule[]>;
  readonly fallback: SeccompAction;
}

function abiView(filter: SeccompFilter, abi: SyscallAbi): AbiView {
  const section = filter.sections.find((s) => s.abi === abi);
  if (!section) return { byNumber: new Map(), fallback: filter.otherAbis };
  const byNumber = new Map<number, SeccompRule[]>();
  for (const r of section.rules) {
    const nr = syscallNumber(abi, r.syscall);
    if (nr === undefined) continue;
    byNumber.set(nr, [...(byNumber.get(nr) ?? []), r]);
  }
  return { byNumber, fallback: section.defaultAction };
}

/** The rules of one call in order, as compileProgram reads them: the first that matches decides. */
function decision(rules: readonly SeccompRule[] | undefined, fallback: SeccompAction): Decision {
  if (!rules) return { fixed: fallback };
  const always = rules.findIndex((r) => !r.compares?.length);
  if (always === 0) return { fixed: rules[0]!.action };
  return always < 0 ? { rules, otherwise: fallback } : { rules: rules.slice(0, always), otherwise: rules[always]!.action };
}

/** One ABI's merged section, or undefined when two filters look at one call's arguments. */
function mergeSection(filters: readonly SeccompFilter[], abi: SyscallAbi): AbiFilter | undefined {
  const views = filters.map((f) => abiView(f, abi));
  const defaultAction = strongestAction(views.map((v) => v.fallback));
  const numbers = [...new Set(views.flatMap((v) => [...v.byNumber.keys()]))].sort((x, y) => x - y);
  const rules: SeccompRule[] = [];
  for (const nr of numbers) {
    const decisions = views.map((v) => decision(v.byNumber.get(nr), v.fallback));
    const syscall = views.map((v) => v.byNumber.get(nr)?.[0]?.syscall).find((n) => n !== undefined)!;
    const looking = decisions.flatMap((d, i) => ('rules' in d ? [i] : []));
    if (looking.length > 1) return undefined;
    // The answer of all the filters when the one looking at the arguments (if any) answers `a`.
    const together = (a?: SeccompAction) => strongestAction(decisions.map((d) => ('fixed' in d ? d.fixed : a!)));
    const d = decisions[looking[0] ?? -1];
    const own = d && 'rules' in d ? d : undefined;
    const answers = own ? [...own.rules.map((r) => together(r.action)), together(own.otherwise)] : [together()];
    if (answers.every((x) => sameAction(x, answers[0]!))) {
      // Fixed after all (another filter's answer outranks every one of the rules'): no rule at all if it is the default.
      if (!sameAction(answers[0]!, defaultAction)) rules.push({ syscall, action: answers[0]! });
      continue;
    }
    own!.rules.forEach((r, i) => rules.push({ syscall, compares: r.compares!, action: answers[i]! }));
    rules.push({ syscall, action: answers[answers.length - 1]! });
  }
  return { abi, defaultAction, rules };
}

/** The filters as one, or undefined when they cannot be one (two look at one call's arguments). */
export function mergeFilters(filters: readonly SeccompFilter[]): SeccompFilter | undefined {
  const abis = [...new Set(filters.flatMap((f) => f.sections.map((s) => s.abi)))];
  const sections: AbiFilter[] = [];
  for (const abi of abis) {
    const section = mergeSection(filters, abi);
    if (!section) return undefined;
    sections.push(section);
  }
  return { sections, otherAbis: strongestAction(filters.map((f) => f.otherAbis)) };
}

/** compileProgram, or undefined when the program would not fit the kernel's limits. */
function fitting(filter: SeccompFilter): Buffer | undefined {
  try {
    return compileProgram(filter);
  } catch {
    return undefined;
  }
}

/**
 * The programs to install, in order, for filters in systemd's load order: consecutive filters
 * merged while they can be. A single filter that does not fit throws, as compileProgram does.
 */
export function mergedPrograms(filters: readonly SeccompFilter[]): Buffer[] {
  const out: Buffer[] = [];
  let current: { filter: SeccompFilter; program: Buffer } | undefined;
  for (const f of filters) {
    if (current) {
      const merged = mergeFilters([current.filter, f]);
      const program = merged && fitting(merged);
      if (merged && program) {
        current = { filter: merged, program };
        continue;
      }
      out.push(current.program);
    }
    current = { filter: f, program: compileProgram(f) };
  }
  if (current) out.push(current.program);
  return out;
}
