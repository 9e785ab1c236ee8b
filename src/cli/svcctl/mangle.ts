import { unitNameMangle, unitNameMangleFull, type MangleOptions } from '../../unit/escape.js';
import type { VerbContext } from './context.js';

/** What systemctl does to a name a user typed (globs kept, for patterns). */
export function mangleUnitName(input: string): string {
  return unitNameMangle(input, { allowGlobs: true });
}

/**
 * A name mangled as systemctl mangles it, with its notice for a changed name ("Invalid unit name …
 * escaped as …") on stderr: --quiet silences it, as in systemctl. A name that cannot be mangled
 * stays as typed, for the caller's own refusal.
 */
export function mangleNoisily(ctx: Pick<VerbContext, 'stderr' | 'options'>, input: string, opts: MangleOptions): string {
  const r = unitNameMangleFull(input, opts);
  if (!r.ok) return input;
  if (!ctx.options.quiet) for (const n of r.value.notices) ctx.stderr.write(`${n}\n`);
  return r.value.name;
}

/** The online verbs' names: mangleNoisily() with globs kept, for patterns (isolate's suffix is .target). */
export function mangleUnitNamesNoisily(ctx: Pick<VerbContext, 'stderr' | 'options'>, names: readonly string[], suffix?: string): string[] {
  return names.map((input) => mangleNoisily(ctx, input, { allowGlobs: true, suffix }));
}
