/*
 * The journal writer's hot path in C: captured lines appended as entries of a compact-layout file
 * (src/journal/file-writer.ts, JournalFileWriter.appendLines and appendWith). The JS writer does
 * the same thing; this exists because a million lines a second leaves about a microsecond per line
 * for everything, and in JS the entry's ~20 links cost more than that alone.
 *
 * Every offset, size and state slot comes from journal-layout.h, generated from
 * src/journal/layout.ts at build time (scripts/gen-journal-layout.mjs, an action in binding.gyp); journalBind() refuses a
 * writer whose layout.ts is not the one this file was compiled from.
 *
 * The writer's state stays the JS writer's: its scalars live in a Float64Array both sides index
 * (S_*), its data-object mirror in typed arrays, the file in the shared mapping (mmap.c).
 * journalBind() takes pointers into all of them; the JS side binds again whenever it replaces one
 * (the file mapped anew, the mirror grown).
 *
 * A line is never half-written: anything not handled here — room in the file or in the mirror, a
 * tail entry of another boot — is refused before the first store (STOP_* < 0), and the JS writer
 * handles that line (growing what was short).
 */
#define _GNU_SOURCE
#include "svcd_native.h"
#include "journal-layout.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ALIGN8(n) (((n) + 7) & ~(uint64_t)7)

struct writer {
  double *st;
  uint8_t *map;
  size_t map_len;
  double *d_off;
  uint32_t *d_hash_hi, *d_hash_lo, *d_n, *d_tail_cap, *d_tail_used;
  double *d_tail;
  uint8_t boot[16];
  /* The entry's data ordinals, merged (grown as needed). */
  int32_t *ords;
  size_t ords_cap;
  /* Where a line's payload is assembled to be hashed ahead (grown as needed). */
  uint8_t *scratch;
  size_t scratch_cap;
};

static inline uint64_t r64(const uint8_t *m, uint64_t at) {
  uint64_t v;
  memcpy(&v, m + at, 8);
  return v;
}
static inline void w64(uint8_t *m, uint64_t at, uint64_t v) { memcpy(m + at, &v, 8); }
static inline void w32(uint8_t *m, uint64_t at, uint32_t v) { memcpy(m + at, &v, 4); }

#define ROT(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

/* Bob Jenkins' lookup3 hashlittle2 (public domain), both seeds 0, as hash.ts computes it: the
 * 64-bit value is (c << 32) | b. Byte-wise reads, so alignment does not matter. */
static void hash64(const uint8_t *k, size_t length, uint32_t *hi, uint32_t *lo) {
  uint32_t a, b, c;
  a = b = c = 0xdeadbeef + (uint32_t)length;
  while (length > 12) {
    a += k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 | (uint32_t)k[3] << 24;
    b += k[4] | (uint32_t)k[5] << 8 | (uint32_t)k[6] << 16 | (uint32_t)k[7] << 24;
    c += k[8] | (uint32_t)k[9] << 8 | (uint32_t)k[10] << 16 | (uint32_t)k[11] << 24;
    a -= c; a ^= ROT(c, 4); c += b;
    b -= a; b ^= ROT(a, 6); a += c;
    c -= b; c ^= ROT(b, 8); b += a;
    a -= c; a ^= ROT(c, 16); c += b;
    b -= a; b ^= ROT(a, 19); a += c;
    c -= b; c ^= ROT(b, 4); b += a;
    length -= 12;
    k += 12;
  }
  if (length == 0) {
    *hi = c;
    *lo = b;
    return;
  }
  uint32_t t[3] = {0, 0, 0};
  for (size_t i = 0; i < length; i++) t[i / 4] |= (uint32_t)k[i] << (8 * (i % 4));
  a += t[0];
  b += t[1];
  c += t[2];
  c ^= b; c -= ROT(b, 14);
  a ^= c; a -= ROT(c, 11);
  b ^= a; b -= ROT(a, 25);
  c ^= b; c -= ROT(b, 16);
  a ^= c; a -= ROT(c, 4);
  b ^= a; b -= ROT(a, 14);
  c ^= b; c -= ROT(b, 24);
  *hi = c;
  *lo = b;
}

static void finalize_writer(napi_env env, void *data, void *hint) {
  struct writer *w = data;
  free(w->ords);
  free(w->scratch);
  free(w);
}

static bool typed(napi_env env, napi_value v, napi_typedarray_type want, void **out, size_t *len) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &off) != napi_ok || type != want) return false;
  *out = data;
  if (len) *len = length;
  return true;
}

/* journalBind(layoutId, state, map, dOff, dHashHi, dHashLo, dN, dTail, dTailCap, dTailUsed, bootId) -> handle */
static napi_value JournalBind(napi_env env, napi_callback_info info) {
  napi_value args[11];
  size_t argc = 11;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  uint32_t layout = 0;
  if (argc != 11 || napi_get_value_uint32(env, args[0], &layout) != napi_ok || layout != LAYOUT_ID) {
    /* The JS writer reads another layout.ts than this file was compiled from: every offset is suspect. */
    napi_throw_error(env, "ELAYOUT", "journalBind: the native addon was built from another src/journal/layout.ts: run npm run build");
    return NULL;
  }
  napi_value *a = args + 1;
  struct writer *w = calloc(1, sizeof *w);
  if (!w) return svcd_throw_errno(env, "journalBind", 12);
  size_t st_len = 0, boot_len = 0;
  void *boot = NULL;
  bool ok = typed(env, a[0], napi_float64_array, (void **)&w->st, &st_len) && st_len >= S_COUNT &&
            napi_get_arraybuffer_info(env, a[1], (void **)&w->map, &w->map_len) == napi_ok &&
            typed(env, a[2], napi_float64_array, (void **)&w->d_off, NULL) &&
            typed(env, a[3], napi_uint32_array, (void **)&w->d_hash_hi, NULL) &&
            typed(env, a[4], napi_uint32_array, (void **)&w->d_hash_lo, NULL) &&
            typed(env, a[5], napi_uint32_array, (void **)&w->d_n, NULL) &&
            typed(env, a[6], napi_float64_array, (void **)&w->d_tail, NULL) &&
            typed(env, a[7], napi_uint32_array, (void **)&w->d_tail_cap, NULL) &&
            typed(env, a[8], napi_uint32_array, (void **)&w->d_tail_used, NULL) &&
            napi_get_buffer_info(env, a[9], &boot, &boot_len) == napi_ok && boot_len == 16;
  if (!ok) {
    free(w);
    napi_throw_type_error(env, NULL, "journalBind: bad arguments");
    return NULL;
  }
  memcpy(w->boot, boot, 16);
  napi_value handle;
  if (napi_create_external(env, w, finalize_writer, NULL, &handle) != napi_ok) {
    free(w);
    svcd_throw_napi_failure(env, "napi_create_external");
    return NULL;
  }
  return handle;
}

/* The object at `off` of `size` bytes is complete: it becomes part of the arena. */
static void commit(struct writer *w, uint64_t off, uint64_t size) {
  uint8_t *m = w->map;
  uint64_t aligned = ALIGN8(size);
  if (aligned > size) memset(m + off + size, 0, aligned - size);
  double *st = w->st;
  st[S_END] = (double)(off + aligned);
  st[S_N_OBJECTS] += 1;
  w64(m, H_ARENA_SIZE, off + aligned - SIZE_WRITE_HEADER);
  w64(m, H_N_OBJECTS, (uint64_t)st[S_N_OBJECTS]);
  w64(m, H_TAIL_OBJECT_OFFSET, off);
}

static void object_header(uint8_t *m, uint64_t off, uint8_t type, uint64_t size) {
  memset(m + off, 0, O_SIZE);
  m[off + O_TYPE] = type;
  w64(m, off + O_SIZE, size);
}

/* As entry-chains.ts's arrayCapacity: doubling from 4, capped. */
static uint32_t array_capacity(uint32_t previous) {
  uint32_t cap = previous * 2 < 4 ? 4 : previous * 2;
  return cap > WRITER_MAX_ARRAY_ITEMS ? WRITER_MAX_ARRAY_ITEMS : cap;
}

static uint64_t alloc_array(struct writer *w, uint32_t cap) {
  uint8_t *m = w->map;
  double *st = w->st;
  uint64_t off = (uint64_t)st[S_END];
  uint64_t size = A_ITEMS + SIZE_ARRAY_ITEM_COMPACT * (uint64_t)cap;
  uint64_t dirty = (uint64_t)st[S_DIRTY_END];
  /* fallocate's zeros, except where a rejected duplicate payload was assembled. */
  if (dirty > off + SIZE_OBJECT_HEADER)
    memset(m + off + SIZE_OBJECT_HEADER, 0, (dirty < off + size ? dirty : off + size) - off - SIZE_OBJECT_HEADER);
  object_header(m, off, T_ENTRY_ARRAY, size);
  commit(w, off, size);
  st[S_N_ENTRY_ARRAYS] += 1;
  w64(m, H_N_ENTRY_ARRAYS, (uint64_t)st[S_N_ENTRY_ARRAYS]);
  return off;
}

static void link_data(struct writer *w, int32_t o, uint64_t entry) {
  uint8_t *m = w->map;
  uint32_t n = w->d_n[o];
  uint64_t data = (uint64_t)w->d_off[o];
  if (n > 0) {
    uint32_t used = w->d_tail_used[o];
    uint64_t tail = (uint64_t)w->d_tail[o];
    if (used == w->d_tail_cap[o]) {
      uint32_t cap = array_capacity(used);
      uint64_t arr = alloc_array(w, cap);
      w32(m, arr + A_ITEMS, (uint32_t)entry);
      if (tail == 0) w64(m, data + D_ENTRY_ARRAY_OFFSET, arr);
      else w64(m, tail + A_NEXT_ENTRY_ARRAY_OFFSET, arr);
      w->d_tail[o] = (double)arr;
      w->d_tail_cap[o] = cap;
      tail = arr;
      used = 0;
    } else {
      w32(m, tail + A_ITEMS + SIZE_ARRAY_ITEM_COMPACT * (uint64_t)used, (uint32_t)entry);
    }
    w->d_tail_used[o] = ++used;
    w32(m, data + D_TAIL_ENTRY_ARRAY_OFFSET, (uint32_t)tail);
    w32(m, data + D_TAIL_ENTRY_ARRAY_N_ENTRIES, used);
  } else {
    w64(m, data + D_ENTRY_OFFSET, entry);
  }
  w->d_n[o] = n + 1;
  w64(m, data + D_N_ENTRIES, n + 1);
}

static void link_main(struct writer *w, uint64_t entry) {
  uint8_t *m = w->map;
  double *st = w->st;
  uint32_t used = (uint32_t)st[S_MAIN_TAIL_USED], cap = (uint32_t)st[S_MAIN_TAIL_CAP];
  uint64_t tail = (uint64_t)st[S_MAIN_TAIL];
  if (used == cap) {
    uint32_t ncap = array_capacity(cap);
    uint64_t arr = alloc_array(w, ncap);
    w32(m, arr + A_ITEMS, (uint32_t)entry);
    if (tail == 0) w64(m, H_ENTRY_ARRAY_OFFSET, arr);
    else w64(m, tail + A_NEXT_ENTRY_ARRAY_OFFSET, arr);
    st[S_MAIN_TAIL] = (double)arr;
    st[S_MAIN_TAIL_CAP] = ncap;
    tail = arr;
    used = 1;
  } else {
    w32(m, tail + A_ITEMS + SIZE_ARRAY_ITEM_COMPACT * (uint64_t)used, (uint32_t)entry);
    used++;
  }
  st[S_MAIN_TAIL_USED] = used;
  w32(m, H_TAIL_ENTRY_ARRAY_OFFSET, (uint32_t)tail);
  w32(m, H_TAIL_ENTRY_ARRAY_N_ENTRIES, used);
}

/* The ordinal of the data object at `off` (ordinals are in offset order). */
static int32_t ordinal_at(struct writer *w, uint64_t off) {
  int32_t lo = 0, hi = (int32_t)w->st[S_N_DATA] - 1;
  while (lo < hi) {
    int32_t mid = (int32_t)(((uint32_t)lo + (uint32_t)hi) >> 1);
    if ((uint64_t)w->d_off[mid] < off) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* 64-bit hash modulo n, as file-writer.ts's bucketOf computes it. */
static uint64_t bucket_of(uint32_t hi, uint32_t lo, uint64_t n) {
  return ((((uint64_t)hi << 32) | lo) % n);
}

/*
 * One entry: the prepared set `fixed` (data ordinals, ascending) plus prefix+value as a fresh data
 * payload. Returns its seqnum, or STOP_DECLINED (the JS writer takes the line), STOP_NEED_SPACE
 * (the file needs st[S_NEED] more bytes at its end), STOP_NEED_MIRROR (the data mirror is full).
 * Nothing is written before those checks pass.
 */
static int64_t append_one(struct writer *w, const int32_t *fixed, size_t n_fixed, const uint8_t *prefix, size_t prefix_len,
                          uint64_t field_off, const uint8_t *value, size_t value_len, double realtime_d, double monotonic_d,
                          const uint32_t *prehash) {
  double *st = w->st;
  uint8_t *m = w->map;
  if (field_off == 0 || st[S_TAIL_BOOT_OWN] == 0) return STOP_DECLINED;
  if (st[S_N_DATA] + 1 > st[S_D_CAPACITY]) return STOP_NEED_MIRROR;
  /* The ordinals index the mirror arrays: one that JS got wrong must not become a stray store. */
  for (size_t i = 0; i < n_fixed; i++)
    if (fixed[i] < 0 || (double)fixed[i] >= st[S_N_DATA]) return STOP_DECLINED;
  if (w->ords_cap < n_fixed + 1) {
    int32_t *p = realloc(w->ords, (n_fixed + 1) * sizeof *p);
    if (!p) return STOP_DECLINED;
    w->ords = p;
    w->ords_cap = n_fixed + 1;
  }

  /* Room for everything this entry may add: its data object, the entry, and a new entry array
   * for each chain whose tail is full. */
  uint64_t end = (uint64_t)st[S_END];
  uint64_t len = prefix_len + value_len;
  uint64_t need = ALIGN8(D_PAYLOAD_COMPACT + len) + ALIGN8(E_ITEMS + SIZE_ENTRY_ITEM_COMPACT * (n_fixed + 1));
  for (size_t i = 0; i <= n_fixed; i++) {
    int32_t o = i < n_fixed ? fixed[i] : -1;
    uint32_t used = o >= 0 ? w->d_tail_used[o] : (uint32_t)st[S_MAIN_TAIL_USED];
    uint32_t cap = o >= 0 ? w->d_tail_cap[o] : (uint32_t)st[S_MAIN_TAIL_CAP];
    if (o >= 0 && w->d_n[o] == 0) continue;
    if (used == cap) need += ALIGN8(A_ITEMS + SIZE_ARRAY_ITEM_COMPACT * (uint64_t)array_capacity(cap));
  }
  need += ALIGN8(A_ITEMS + SIZE_ARRAY_ITEM_COMPACT * WRITER_MAX_ARRAY_ITEMS); /* the line's own data, if it recurs */
  if (end + need > (uint64_t)st[S_ALLOCATED] || end + need > w->map_len) {
    st[S_NEED] = (double)need;
    return STOP_NEED_SPACE;
  }

  /* The payload, assembled where its data object would go; hashed; looked up. */
  uint64_t s = end + D_PAYLOAD_COMPACT;
  memcpy(m + s, prefix, prefix_len);
  memcpy(m + s + prefix_len, value, value_len);
  if (s + len > (uint64_t)st[S_DIRTY_END]) st[S_DIRTY_END] = (double)(s + len);
  uint32_t hi, lo;
  if (prehash) {
    hi = prehash[0];
    lo = prehash[1];
  } else {
    hash64(m + s, len, &hi, &lo);
  }
  uint64_t size = D_PAYLOAD_COMPACT + len;
  uint64_t bucket = (uint64_t)st[S_DATA_TABLE] + bucket_of(hi, lo, (uint64_t)st[S_DATA_BUCKETS]) * SIZE_HASH_ITEM;
  int32_t msg = -1;
  uint64_t depth = 0;
  for (uint64_t d = r64(m, bucket + HI_HEAD_HASH_OFFSET); d != 0; d = r64(m, d + D_NEXT_HASH)) {
    /* A chain pointing out of the mapping (a file damaged under us): the JS writer takes the line. */
    if (d + D_PAYLOAD_COMPACT + len > w->map_len) return STOP_DECLINED;
    if (r64(m, d + D_HASH) == (((uint64_t)hi << 32) | lo) && r64(m, d + O_SIZE) == size && m[d + O_FLAGS] == 0 &&
        memcmp(m + d + D_PAYLOAD_COMPACT, m + s, len) == 0) {
      msg = ordinal_at(w, d);
      break;
    }
    depth++;
  }
  if (msg < 0) {
    if ((double)depth > st[S_DATA_DEPTH]) {
      st[S_DATA_DEPTH] = (double)depth;
      w64(m, H_DATA_HASH_CHAIN_DEPTH, depth);
    }
    uint64_t off = end;
    memset(m + off, 0, D_PAYLOAD_COMPACT);
    object_header(m, off, T_DATA, size);
    w64(m, off + D_HASH, ((uint64_t)hi << 32) | lo);
    /* Field chains grow at the head, as journald's do. */
    w64(m, off + D_NEXT_FIELD, r64(m, field_off + F_HEAD_DATA));
    commit(w, off, size);
    msg = (int32_t)st[S_N_DATA];
    st[S_N_DATA] += 1;
    /* Counted as soon as the arena holds it, as data-index.ts does: the narrowest window for a kill. */
    w64(m, H_N_DATA, (uint64_t)st[S_N_DATA]);
    w->d_off[msg] = (double)off;
    w->d_hash_hi[msg] = hi;
    w->d_hash_lo[msg] = lo;
    w->d_n[msg] = 0;
    w->d_tail[msg] = 0;
    w->d_tail_cap[msg] = 0;
    w->d_tail_used[msg] = 0;
    uint64_t tail = r64(m, bucket + HI_TAIL_HASH_OFFSET);
    if (tail != 0) w64(m, tail + D_NEXT_HASH, off);
    else w64(m, bucket + HI_HEAD_HASH_OFFSET, off);
    w64(m, bucket + HI_TAIL_HASH_OFFSET, off);
    w64(m, field_off + F_HEAD_DATA, off);
  }

  /* The fixed ordinals are sorted; the line's goes where it belongs (usually last). */
  int32_t *ords = w->ords;
  size_t n = 0, i = 0;
  while (i < n_fixed && fixed[i] < msg) ords[n++] = fixed[i++];
  if (i == n_fixed || fixed[i] != msg) ords[n++] = msg;
  while (i < n_fixed) ords[n++] = fixed[i++];

  uint64_t monotonic = monotonic_d > 0 ? (uint64_t)monotonic_d : 0;
  if (st[S_N_ENTRIES] > 0 && (double)monotonic < st[S_TAIL_MONOTONIC]) monotonic = (uint64_t)st[S_TAIL_MONOTONIC];
  uint64_t realtime = realtime_d >= 1 ? (uint64_t)realtime_d : 1;
  uint64_t seqnum = (uint64_t)st[S_NEXT_SEQNUM];
  st[S_NEXT_SEQNUM] += 1;

  uint64_t esize = E_ITEMS + SIZE_ARRAY_ITEM_COMPACT * (uint64_t)n;
  uint64_t off = (uint64_t)st[S_END];
  object_header(m, off, T_ENTRY, esize);
  w64(m, off + E_SEQNUM, seqnum);
  w64(m, off + E_REALTIME, realtime);
  w64(m, off + E_MONOTONIC, monotonic);
  memcpy(m + off + E_BOOT_ID, w->boot, 16);
  uint32_t xhi = 0, xlo = 0;
  for (size_t k = 0; k < n; k++) {
    int32_t o = ords[k];
    xhi ^= w->d_hash_hi[o];
    xlo ^= w->d_hash_lo[o];
    w32(m, off + E_ITEMS + SIZE_ENTRY_ITEM_COMPACT * k, (uint32_t)w->d_off[o]);
  }
  w64(m, off + E_XOR_HASH, ((uint64_t)xhi << 32) | xlo);
  commit(w, off, esize);

  for (size_t k = 0; k < n; k++) link_data(w, ords[k], off);
  link_main(w, off);

  if (st[S_HEAD_SEQNUM] == 0) {
    st[S_HEAD_SEQNUM] = (double)seqnum;
    st[S_HEAD_REALTIME] = (double)realtime;
    w64(m, H_HEAD_ENTRY_SEQNUM, seqnum);
    w64(m, H_HEAD_ENTRY_REALTIME, realtime);
  }
  st[S_TAIL_SEQNUM] = (double)seqnum;
  st[S_TAIL_REALTIME] = (double)realtime;
  st[S_TAIL_MONOTONIC] = (double)monotonic;
  st[S_N_ENTRIES] += 1;
  w64(m, H_TAIL_ENTRY_SEQNUM, seqnum);
  w64(m, H_TAIL_ENTRY_REALTIME, realtime);
  w64(m, H_TAIL_ENTRY_MONOTONIC, monotonic);
  w64(m, H_N_ENTRIES, (uint64_t)st[S_N_ENTRIES]);
  st[S_CHANGED] = 1;
  return (int64_t)seqnum;
}


static bool line_args(napi_env env, napi_value *a, struct writer **w, int32_t **fixed, size_t *n_fixed, uint8_t **prefix,
                      size_t *prefix_len, double *field_off) {
  return napi_get_value_external(env, a[0], (void **)w) == napi_ok && typed(env, a[1], napi_int32_array, (void **)fixed, n_fixed) &&
         napi_get_buffer_info(env, a[2], (void **)prefix, prefix_len) == napi_ok && napi_get_value_double(env, a[3], field_off) == napi_ok;
}

static uint64_t bucket_at(struct writer *w, const uint32_t *h) {
  return (uint64_t)w->st[S_DATA_TABLE] + bucket_of(h[0], h[1], (uint64_t)w->st[S_DATA_BUCKETS]) * SIZE_HASH_ITEM;
}

/* The hash of prefix + line k (assembled in a scratch buffer), and a prefetch of its bucket. */
static void prehash(struct writer *w, const uint8_t *prefix, size_t prefix_len, const uint8_t *chunk, const int32_t *bounds,
                    int64_t k, uint32_t *out) {
  size_t len = (size_t)(bounds[2 * k + 1] - bounds[2 * k]);
  if (w->scratch_cap < prefix_len + len) {
    uint8_t *p = realloc(w->scratch, prefix_len + len);
    if (!p) {
      out[2] = 0; /* no room to hash ahead: append_one hashes the line itself */
      return;
    }
    w->scratch = p;
    w->scratch_cap = prefix_len + len;
  }
  memcpy(w->scratch, prefix, prefix_len);
  memcpy(w->scratch + prefix_len, chunk + bounds[2 * k], len);
  hash64(w->scratch, prefix_len + len, &out[0], &out[1]);
  out[2] = 1;
  __builtin_prefetch(w->map + bucket_at(w, out), 0);
}

static double usec(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec * 1e6 + (double)(t.tv_nsec / 1000);
}

/*
 * journalAppendLines(handle, ords, prefix, fieldOff, chunk, bounds, from, count, maxEnd[, realtime, monotonic])
 * -> lines appended: the lines chunk[bounds[2i], bounds[2i+1]) for i in [from, from+count), each its
 * own entry, one call for a whole pipe read. Each line is stamped with the clocks as it goes in
 * (journald stamps each line too), or with the two times given (appendWith's one line).
 * st[S_REASON] says why it returned: STOP_ROTATE once the file is due for rotation (its end past
 * maxEnd, or the limits the JS writer set: S_DATA_LIMIT, WRITER_MAX_HASH_CHAIN_DEPTH), else
 * append_one's STOP_* for the next line, STOP_DONE when all were appended.
 */
static napi_value JournalAppendLines(napi_env env, napi_callback_info info) {
  napi_value a[11];
  size_t argc = 11;
  struct writer *w;
  int32_t *fixed, *bounds;
  size_t n_fixed, prefix_len, chunk_len, n_bounds;
  uint8_t *prefix, *chunk;
  double field_off, max_end, realtime = -1, monotonic = -1;
  int64_t from, count;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc < 9 || !line_args(env, a, &w, &fixed, &n_fixed, &prefix, &prefix_len, &field_off) ||
      napi_get_buffer_info(env, a[4], (void **)&chunk, &chunk_len) != napi_ok ||
      !typed(env, a[5], napi_int32_array, (void **)&bounds, &n_bounds) || napi_get_value_int64(env, a[6], &from) != napi_ok ||
      napi_get_value_int64(env, a[7], &count) != napi_ok || napi_get_value_double(env, a[8], &max_end) != napi_ok ||
      from < 0 || count < 0 || (uint64_t)(from + count) * 2 > n_bounds ||
      (argc >= 11 && (napi_get_value_double(env, a[9], &realtime) != napi_ok || napi_get_value_double(env, a[10], &monotonic) != napi_ok))) {
    napi_throw_type_error(env, NULL, "journalAppendLines: bad arguments");
    return NULL;
  }
  double *st = w->st;
  int64_t to = from + count;
  for (int64_t k = from; k < to; k++)
    if (bounds[2 * k] < 0 || bounds[2 * k + 1] < bounds[2 * k] || (size_t)bounds[2 * k + 1] > chunk_len) {
      napi_throw_range_error(env, NULL, "journalAppendLines: a line outside the chunk");
      return NULL;
    }
  /* The hash-table lookups are the cost left (a cache miss for the bucket, another for the data
   * object in it): two lines ahead the payload is hashed and its bucket prefetched, one line ahead
   * the bucket's first data object, so both misses overlap the work on the current line. */
  uint32_t pre[4][3];
  for (int64_t k = from; k < to && k < from + 2; k++) prehash(w, prefix, prefix_len, chunk, bounds, k, pre[k & 3]);
  int64_t i = from;
  st[S_REASON] = STOP_DONE;
  for (; i < to; i++) {
    int32_t s = bounds[2 * i], e = bounds[2 * i + 1];
    if (i + 2 < to) prehash(w, prefix, prefix_len, chunk, bounds, i + 2, pre[(i + 2) & 3]);
    if (i + 1 < to && pre[(i + 1) & 3][2]) {
      uint64_t head = r64(w->map, bucket_at(w, pre[(i + 1) & 3]) + HI_HEAD_HASH_OFFSET);
      if (head != 0 && head + 64 <= w->map_len) __builtin_prefetch(w->map + head + D_HASH, 0);
    }
    int64_t r = append_one(w, fixed, n_fixed, prefix, prefix_len, (uint64_t)field_off, chunk + s, (size_t)(e - s),
                           realtime >= 0 ? realtime : usec(CLOCK_REALTIME), monotonic >= 0 ? monotonic : usec(CLOCK_MONOTONIC),
                           pre[i & 3][2] ? pre[i & 3] : NULL);
    if (r < 0) {
      st[S_REASON] = (double)r;
      break;
    }
    if (st[S_END] >= max_end || st[S_N_DATA] > st[S_DATA_LIMIT] || st[S_DATA_DEPTH] > WRITER_MAX_HASH_CHAIN_DEPTH) {
      st[S_REASON] = STOP_ROTATE;
      i++;
      break;
    }
  }
  return svcd_int(env, i - from);
}

int svcd_register_journal(napi_env env, napi_value exports) {
  if (svcd_define(env, exports, "journalBind", JournalBind) < 0 ||
      svcd_define(env, exports, "journalAppendLines", JournalAppendLines) < 0)
    return -1;
  return 0;
}
