// Entry offsets as ordered streams, combined the way journalctl combines field matches: values of
// one field ORed (a union), different fields ANDed (an intersection). Each stream is one entry-array
// chain walked lazily, so a match over a million entries holds nothing but the streams' heads.

// Offset streams are strictly monotonic (a chain lists each entry once, in file order): `before`
// says whether a comes first in the walk's direction.
const before = (a: number, b: number, reverse: boolean): boolean => (reverse ? a > b : a < b);

/** Offsets in any of the streams, each once, in the walk's order (values of one field: OR). */
export function* unionOf(streams: Generator<number>[], reverse: boolean): Generator<number> {
  const heads = streams.map((s) => s.next());
  let last = -1;
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (!h.done && (best < 0 || before(h.value, heads[best]!.value as number, reverse))) best = i;
    }
    if (best < 0) return;
    const v = heads[best]!.value as number;
    heads[best] = streams[best]!.next();
    if (v !== last) yield v;
    last = v;
  }
}

/** Offsets in every stream (different fields: AND), each stream advanced to the furthest head. */
export function* intersectionOf(streams: Generator<number>[], reverse: boolean): Generator<number> {
  const heads: number[] = [];
  for (const s of streams) {
    const r = s.next();
    if (r.done) return;
    heads.push(r.value);
  }
  for (;;) {
    let target = heads[0]!;
    for (const h of heads) if (before(target, h, reverse)) target = h;
    let all = true;
    for (let i = 0; i < streams.length; i++) {
      while (before(heads[i]!, target, reverse)) {
        const r = streams[i]!.next();
        if (r.done) return;
        heads[i] = r.value;
      }
      if (heads[i] !== target) all = false;
    }
    if (!all) continue;
    yield target;
    const r = streams[0]!.next();
    if (r.done) return;
    heads[0] = r.value;
  }
}
