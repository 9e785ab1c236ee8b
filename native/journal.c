/*
 * The journal writer's hot path in C: one captured line appended as an entry of a compact-layout
 * file (src/journal/file-writer.ts, JournalFileWriter.appendWith). The JS writer does the same
 * thing; this exists because a million lines a second leaves about a microsecond per line for
 * everything, and in JS the entry's ~20 links cost more than that alone.
 *
 * The writer's state stays the JS writer's: its scalars live in a Float64Array both sides index
 * (the S_* numbers below match file-writer.ts), its data-object mirror in typed arrays, the file
 * in the shared mapping (mmap.c). journalBind() takes pointers into all of them; the JS side binds
 * again whenever it replaces one (the file mapped anew, the mirror grown).
 *
 * journalAppendLine() never half-writes: anything it does not handle — room in the file or in the
 * mirror, a tail entry of another boot — is refused before the first store, with a negative
 * result, and the JS writer handles that line (growing what was short).
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Indices into the shared state (file-writer.ts: `S`). */
enum {
  S_END, S_ALLOCATED, S_DIRTY_END, S_N_OBJECTS, S_N_ENTRIES, S_N_DATA, S_N_ENTRY_ARRAYS, S_NEXT_SEQNUM,
  S_HEAD_SEQNUM, S_HEAD_REALTIME, S_TAIL_SEQNUM, S_TAIL_REALTIME, S_TAIL_MONOTONIC, S_DATA_DEPTH,
  S_MAIN_TAIL, S_MAIN_TAIL_CAP, S_MAIN_TAIL_USED, S_TAIL_DATA_OFF, S_CHANGED, S_DATA_TABLE,
  S_DATA_BUCKETS, S_D_CAPACITY, S_TAIL_BOOT_OWN, S_NEED, S_MAX_ARRAY_ITEMS, S_REASON, S_COUNT
};

/* Header, object and field offsets of the format (src/journal/format.ts). */
enum {
  H_ARENA_SIZE = 96, H_TAIL_OBJECT = 136, H_N_OBJECTS = 144, H_N_ENTRIES = 152, H_TAIL_SEQNUM = 160,
  H_HEAD_SEQNUM = 168, H_ENTRY_ARRAY = 176, H_HEAD_REALTIME = 184, H_TAIL_REALTIME = 192,
  H_TAIL_MONOTONIC = 200, H_N_DATA = 208, H_N_ENTRY_ARRAYS = 232, H_DATA_DEPTH = 240,
  H_TAIL_ARRAY = 256, H_TAIL_ARRAY_N = 260, HEADER_SIZE = 264,
  D_HASH = 16, D_NEXT_HASH = 24, D_NEXT_FIELD = 32, D_ENTRY = 40, D_ARRAY = 48, D_N_ENTRIES = 56,
  D_TAIL_ARRAY = 64, D_TAIL_ARRAY_N = 68, D_PAYLOAD = 72,
  E_SEQNUM = 16, E_REALTIME = 24, E_MONOTONIC = 32, E_BOOT = 40, E_XOR = 56, E_ITEMS = 64,
  A_NEXT = 16, A_ITEMS = 24, F_HEAD_DATA = 32,
  T_DATA = 1, T_ENTRY = 3, T_ENTRY_ARRAY = 6,
};

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

/* journalBind(state, map, dOff, dHashHi, dHashLo, dN, dTail, dTailCap, dTailUsed, bootId) -> handle */
static napi_value JournalBind(napi_env env, napi_callback_info info) {
  napi_value a[10];
  size_t argc = 10;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  struct writer *w = calloc(1, sizeof *w);
  if (!w) return svcd_throw_errno(env, "journalBind", 12);
  size_t st_len = 0, boot_len = 0;
  void *boot = NULL;
  bool ok = argc == 10 && typed(env, a[0], napi_float64_array, (void **)&w->st, &st_len) && st_len >= S_COUNT &&
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
  w64(m, H_ARENA_SIZE, off + aligned - HEADER_SIZE);
  w64(m, H_N_OBJECTS, (uint64_t)st[S_N_OBJECTS]);
  w64(m, H_TAIL_OBJECT, off);
}

static void object_header(uint8_t *m, uint64_t off, uint8_t type, uint64_t size) {
  memset(m + off, 0, 8);
  m[off] = type;
  w64(m, off + 8, size);
}

static uint32_t array_capacity(struct writer *w, uint32_t previous) {
  uint32_t cap = previous * 2 < 4 ? 4 : previous * 2;
  uint32_t max = (uint32_t)w->st[S_MAX_ARRAY_ITEMS];
  return cap > max ? max : cap;
}

static uint64_t alloc_array(struct writer *w, uint32_t cap) {
  uint8_t *m = w->map;
  double *st = w->st;
  uint64_t off = (uint64_t)st[S_END];
  uint64_t size = A_ITEMS + 4 * (uint64_t)cap;
  uint64_t dirty = (uint64_t)st[S_DIRTY_END];
  /* fallocate's zeros, except where a rejected duplicate payload was assembled. */
  if (dirty > off + 16) memset(m + off + 16, 0, (dirty < off + size ? dirty : off + size) - off - 16);
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
      uint32_t cap = array_capacity(w, used);
      uint64_t arr = alloc_array(w, cap);
      w32(m, arr + A_ITEMS, (uint32_t)entry);
      if (tail == 0) w64(m, data + D_ARRAY, arr);
      else w64(m, tail + A_NEXT, arr);
      w->d_tail[o] = (double)arr;
      w->d_tail_cap[o] = cap;
      tail = arr;
      used = 0;
    } else {
      w32(m, tail + A_ITEMS + 4 * (uint64_t)used, (uint32_t)entry);
    }
    w->d_tail_used[o] = ++used;
    w32(m, data + D_TAIL_ARRAY, (uint32_t)tail);
    w32(m, data + D_TAIL_ARRAY_N, used);
  } else {
    w64(m, data + D_ENTRY, entry);
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
    uint32_t ncap = array_capacity(w, cap);
    uint64_t arr = alloc_array(w, ncap);
    w32(m, arr + A_ITEMS, (uint32_t)entry);
    if (tail == 0) w64(m, H_ENTRY_ARRAY, arr);
    else w64(m, tail + A_NEXT, arr);
    st[S_MAIN_TAIL] = (double)arr;
    st[S_MAIN_TAIL_CAP] = ncap;
    tail = arr;
    used = 1;
  } else {
    w32(m, tail + A_ITEMS + 4 * (uint64_t)used, (uint32_t)entry);
    used++;
  }
  st[S_MAIN_TAIL_USED] = used;
  w32(m, H_TAIL_ARRAY, (uint32_t)tail);
  w32(m, H_TAIL_ARRAY_N, used);
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
 * payload. Returns its seqnum, or -1: not handled here (the JS writer takes the line), -2: the
 * file needs st[S_NEED] more bytes at its end, -3: the data mirror is full. Nothing is written
 * before those checks pass.
 */
static int64_t append_one(struct writer *w, const int32_t *fixed, size_t n_fixed, const uint8_t *prefix, size_t prefix_len,
                          uint64_t field_off, const uint8_t *value, size_t value_len, double realtime_d, double monotonic_d,
                          const uint32_t *prehash) {
  double *st = w->st;
  uint8_t *m = w->map;
  if (field_off == 0 || st[S_TAIL_BOOT_OWN] == 0) return -1;
  if (st[S_N_DATA] + 1 > st[S_D_CAPACITY]) return -3;
  /* The ordinals index the mirror arrays: one that JS got wrong must not become a stray store. */
  for (size_t i = 0; i < n_fixed; i++)
    if (fixed[i] < 0 || (double)fixed[i] >= st[S_N_DATA]) return -1;
  if (w->ords_cap < n_fixed + 1) {
    int32_t *p = realloc(w->ords, (n_fixed + 1) * sizeof *p);
    if (!p) return -1;
    w->ords = p;
    w->ords_cap = n_fixed + 1;
  }

  /* Room for everything this entry may add: its data object, the entry, and a new entry array
   * for each chain whose tail is full. */
  uint64_t end = (uint64_t)st[S_END];
  uint64_t len = prefix_len + value_len;
  uint64_t need = ALIGN8(D_PAYLOAD + len) + ALIGN8(E_ITEMS + 4 * (n_fixed + 1));
  uint32_t max_items = (uint32_t)st[S_MAX_ARRAY_ITEMS];
  for (size_t i = 0; i <= n_fixed; i++) {
    int32_t o = i < n_fixed ? fixed[i] : -1;
    uint32_t used = o >= 0 ? w->d_tail_used[o] : (uint32_t)st[S_MAIN_TAIL_USED];
    uint32_t cap = o >= 0 ? w->d_tail_cap[o] : (uint32_t)st[S_MAIN_TAIL_CAP];
    if (o >= 0 && w->d_n[o] == 0) continue;
    if (used == cap) need += ALIGN8(A_ITEMS + 4 * (uint64_t)array_capacity(w, cap));
  }
  need += ALIGN8(A_ITEMS + 4 * (uint64_t)max_items); /* the line's own data, if it recurs */
  if (end + need > (uint64_t)st[S_ALLOCATED] || end + need > w->map_len) {
    st[S_NEED] = (double)need;
    return -2;
  }

  /* The payload, assembled where its data object would go; hashed; looked up. */
  uint64_t s = end + D_PAYLOAD;
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
  uint64_t size = D_PAYLOAD + len;
  uint64_t bucket = (uint64_t)st[S_DATA_TABLE] + bucket_of(hi, lo, (uint64_t)st[S_DATA_BUCKETS]) * 16;
  int32_t msg = -1;
  uint64_t depth = 0;
  for (uint64_t d = r64(m, bucket); d != 0; d = r64(m, d + D_NEXT_HASH)) {
    /* A chain pointing out of the mapping (a file damaged under us): the JS writer takes the line. */
    if (d + D_PAYLOAD + len > w->map_len) return -1;
    if (r64(m, d + D_HASH) == (((uint64_t)hi << 32) | lo) && r64(m, d + 8) == size && m[d + 1] == 0 &&
        memcmp(m + d + D_PAYLOAD, m + s, len) == 0) {
      msg = ordinal_at(w, d);
      break;
    }
    depth++;
  }
  if (msg < 0) {
    if ((double)depth > st[S_DATA_DEPTH]) {
      st[S_DATA_DEPTH] = (double)depth;
      w64(m, H_DATA_DEPTH, depth);
    }
    uint64_t off = end;
    memset(m + off, 0, D_PAYLOAD);
    object_header(m, off, T_DATA, size);
    w64(m, off + D_HASH, ((uint64_t)hi << 32) | lo);
    /* Field chains grow at the head, as journald's do. */
    w64(m, off + D_NEXT_FIELD, r64(m, field_off + F_HEAD_DATA));
    commit(w, off, size);
    st[S_TAIL_DATA_OFF] = (double)off;
    msg = (int32_t)st[S_N_DATA];
    st[S_N_DATA] += 1;
    w->d_off[msg] = (double)off;
    w->d_hash_hi[msg] = hi;
    w->d_hash_lo[msg] = lo;
    w->d_n[msg] = 0;
    w->d_tail[msg] = 0;
    w->d_tail_cap[msg] = 0;
    w->d_tail_used[msg] = 0;
    uint64_t tail = r64(m, bucket + 8);
    if (tail != 0) w64(m, tail + D_NEXT_HASH, off);
    else w64(m, bucket, off);
    w64(m, bucket + 8, off);
    w64(m, field_off + F_HEAD_DATA, off);
    w64(m, H_N_DATA, (uint64_t)st[S_N_DATA]);
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

  uint64_t esize = E_ITEMS + 4 * (uint64_t)n;
  uint64_t off = (uint64_t)st[S_END];
  object_header(m, off, T_ENTRY, esize);
  w64(m, off + E_SEQNUM, seqnum);
  w64(m, off + E_REALTIME, realtime);
  w64(m, off + E_MONOTONIC, monotonic);
  memcpy(m + off + E_BOOT, w->boot, 16);
  uint32_t xhi = 0, xlo = 0;
  for (size_t k = 0; k < n; k++) {
    int32_t o = ords[k];
    xhi ^= w->d_hash_hi[o];
    xlo ^= w->d_hash_lo[o];
    w32(m, off + E_ITEMS + 4 * k, (uint32_t)w->d_off[o]);
  }
  w64(m, off + E_XOR, ((uint64_t)xhi << 32) | xlo);
  commit(w, off, esize);

  for (size_t k = 0; k < n; k++) link_data(w, ords[k], off);
  link_main(w, off);

  if (st[S_HEAD_SEQNUM] == 0) {
    st[S_HEAD_SEQNUM] = (double)seqnum;
    st[S_HEAD_REALTIME] = (double)realtime;
    w64(m, H_HEAD_SEQNUM, seqnum);
    w64(m, H_HEAD_REALTIME, realtime);
  }
  st[S_TAIL_SEQNUM] = (double)seqnum;
  st[S_TAIL_REALTIME] = (double)realtime;
  st[S_TAIL_MONOTONIC] = (double)monotonic;
  st[S_N_ENTRIES] += 1;
  w64(m, H_TAIL_SEQNUM, seqnum);
  w64(m, H_TAIL_REALTIME, realtime);
  w64(m, H_TAIL_MONOTONIC, monotonic);
  w64(m, H_N_ENTRIES, (uint64_t)st[S_N_ENTRIES]);
  st[S_CHANGED] = 1;
  return (int64_t)seqnum;
}


static bool line_args(napi_env env, napi_value *a, struct writer **w, int32_t **fixed, size_t *n_fixed, uint8_t **prefix,
                      size_t *prefix_len, double *field_off) {
  return napi_get_value_external(env, a[0], (void **)w) == napi_ok && typed(env, a[1], napi_int32_array, (void **)fixed, n_fixed) &&
         napi_get_buffer_info(env, a[2], (void **)prefix, prefix_len) == napi_ok && napi_get_value_double(env, a[3], field_off) == napi_ok;
}

/* journalAppendLine(handle, ords, prefix, fieldOff, value, realtime, monotonic) -> append_one's result */
static napi_value JournalAppendLine(napi_env env, napi_callback_info info) {
  napi_value a[7];
  size_t argc = 7;
  struct writer *w;
  int32_t *fixed;
  size_t n_fixed, prefix_len, value_len;
  uint8_t *prefix, *value;
  double field_off, realtime, monotonic;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc < 7 || !line_args(env, a, &w, &fixed, &n_fixed, &prefix, &prefix_len, &field_off) ||
      napi_get_buffer_info(env, a[4], (void **)&value, &value_len) != napi_ok ||
      napi_get_value_double(env, a[5], &realtime) != napi_ok || napi_get_value_double(env, a[6], &monotonic) != napi_ok) {
    napi_throw_type_error(env, NULL, "journalAppendLine: bad arguments");
    return NULL;
  }
  return svcd_int(env, append_one(w, fixed, n_fixed, prefix, prefix_len, (uint64_t)field_off, value, value_len, realtime, monotonic, NULL));
}

static uint64_t bucket_at(struct writer *w, const uint32_t *h) {
  return (uint64_t)w->st[S_DATA_TABLE] + bucket_of(h[0], h[1], (uint64_t)w->st[S_DATA_BUCKETS]) * 16;
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
 * journalAppendLines(handle, ords, prefix, fieldOff, chunk, bounds, from, count, maxEnd) -> lines
 * appended: the lines chunk[bounds[2i], bounds[2i+1]) for i in [from, from+count), each its own
 * entry with its own timestamps (journald stamps each line too), one call for a whole pipe read.
 * Stops early with st[S_REASON] = 1 once the file should rotate (its end past maxEnd, or its hash
 * table 3/4 full / a chain deeper than 100, journald's triggers), or with append_one's negative
 * result for the next line; 0 when all were appended.
 */
static napi_value JournalAppendLines(napi_env env, napi_callback_info info) {
  napi_value a[9];
  size_t argc = 9;
  struct writer *w;
  int32_t *fixed, *bounds;
  size_t n_fixed, prefix_len, chunk_len, n_bounds;
  uint8_t *prefix, *chunk;
  double field_off, max_end;
  int64_t from, count;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, a, NULL, NULL));
  if (argc < 9 || !line_args(env, a, &w, &fixed, &n_fixed, &prefix, &prefix_len, &field_off) ||
      napi_get_buffer_info(env, a[4], (void **)&chunk, &chunk_len) != napi_ok ||
      !typed(env, a[5], napi_int32_array, (void **)&bounds, &n_bounds) || napi_get_value_int64(env, a[6], &from) != napi_ok ||
      napi_get_value_int64(env, a[7], &count) != napi_ok || napi_get_value_double(env, a[8], &max_end) != napi_ok ||
      from < 0 || count < 0 || (uint64_t)(from + count) * 2 > n_bounds) {
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
  st[S_REASON] = 0;
  for (; i < to; i++) {
    int32_t s = bounds[2 * i], e = bounds[2 * i + 1];
    if (i + 2 < to) prehash(w, prefix, prefix_len, chunk, bounds, i + 2, pre[(i + 2) & 3]);
    if (i + 1 < to && pre[(i + 1) & 3][2]) {
      uint64_t head = r64(w->map, bucket_at(w, pre[(i + 1) & 3]));
      if (head != 0 && head + 64 <= w->map_len) __builtin_prefetch(w->map + head + D_HASH, 0);
    }
    int64_t r = append_one(w, fixed, n_fixed, prefix, prefix_len, (uint64_t)field_off, chunk + s, (size_t)(e - s),
                           usec(CLOCK_REALTIME), usec(CLOCK_MONOTONIC), pre[i & 3][2] ? pre[i & 3] : NULL);
    if (r < 0) {
      st[S_REASON] = (double)r;
      break;
    }
    if (st[S_END] >= max_end || st[S_N_DATA] * 4 > st[S_DATA_BUCKETS] * 3 || st[S_DATA_DEPTH] > 100) {
      st[S_REASON] = 1;
      i++;
      break;
    }
  }
  return svcd_int(env, i - from);
}

int svcd_register_journal(napi_env env, napi_value exports) {
  if (svcd_define(env, exports, "journalBind", JournalBind) < 0 ||
      svcd_define(env, exports, "journalAppendLine", JournalAppendLine) < 0 ||
      svcd_define(env, exports, "journalAppendLines", JournalAppendLines) < 0)
    return -1;
  return 0;
}
