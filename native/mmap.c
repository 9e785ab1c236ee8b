/*
 * Shared file mappings for the journal writer (src/journal/file-writer.ts), which Node cannot make:
 * the file is mapped MAP_SHARED and handed to JS as an ArrayBuffer, so appending an entry, linking
 * it into hash chains and entry arrays and updating the header are plain stores into the page
 * cache (what journald does), instead of a write(2) per link and a rewrite of every dirty hash
 * table page at each sync.
 *
 * A store into a file mapping that the file cannot back raises SIGBUS, which would kill PID 1:
 *  - past the end of the file: the writer only touches bytes below the size it reserved with
 *    allocate() (posix_fallocate, so a full disk fails there, as an errno, not later in a store);
 *  - the file truncated or its disk failing under us: the SIGBUS handler below puts an anonymous
 *    page over the faulting page of one of our mappings (the store then succeeds, into memory
 *    only) and counts it; the writer sees the count and gives that file up. A SIGBUS anywhere
 *    else is handed on to the previous handler or the default action. journald does the same.
 *
 * mapShared(fd, length) -> ArrayBuffer   mapping of the first `length` bytes (may exceed the file)
 * unmap(arrayBuffer)                     detaches the buffer (JS then sees 0 bytes) and unmaps it
 * allocate(fd, offset, length) -> errno  posix_fallocate
 * sigbusCount() -> number                faults absorbed so far
 * populate(arrayBuffer, offset, length)  prefaults a range (MADV_POPULATE_WRITE)
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_MAPPINGS 256

struct region;
struct mapping {
  void *addr;
  size_t len;
  struct region *region;
};

/* Live mappings, read by the signal handler: slots are written on the JS thread only, a slot's
 * length last when adding and first when removing. */
static struct mapping mappings[MAX_MAPPINGS];
static volatile sig_atomic_t sigbus_count;
static struct sigaction previous;
static bool handler_installed;

/* Read once when the handler is installed: sysconf() is not async-signal-safe. */
static long page_size = 4096;

static void on_sigbus(int sig, siginfo_t *si, void *uc) {
  uintptr_t a = (uintptr_t)si->si_addr;
  for (int i = 0; i < MAX_MAPPINGS; i++) {
    uintptr_t start = (uintptr_t)mappings[i].addr;
    size_t len = mappings[i].len;
    if (len == 0 || a < start || a >= start + len) continue;
    void *p = (void *)(a & ~(uintptr_t)(page_size - 1));
    if (mmap(p, (size_t)page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      sigbus_count++;
      return;
    }
    break;
  }
  /* Not ours (or no way to patch it): whatever would have happened without us. */
  if (previous.sa_flags & SA_SIGINFO) {
    if (previous.sa_sigaction) previous.sa_sigaction(sig, si, uc);
    return;
  }
  if (previous.sa_handler == SIG_IGN) return;
  if (previous.sa_handler != SIG_DFL && previous.sa_handler) {
    previous.sa_handler(sig);
    return;
  }
  signal(SIGBUS, SIG_DFL);
  raise(SIGBUS);
}

static int install_handler(void) {
  if (handler_installed) return 0;
  page_size = sysconf(_SC_PAGESIZE);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGBUS, &sa, &previous) < 0) return errno;
  handler_installed = true;
  return 0;
}

struct region {
  void *addr;
  size_t len;
  int slot;
};

static void forget(struct region *r) {
  if (!r->addr) return;
  if (r->slot >= 0) {
    mappings[r->slot].len = 0;
    mappings[r->slot].addr = NULL;
    mappings[r->slot].region = NULL;
  }
  munmap(r->addr, r->len);
  r->addr = NULL;
}

static void finalize_region(napi_env env, void *data, void *hint) {
  struct region *r = hint;
  forget(r);
  free(r);
}

static napi_value MapShared(napi_env env, napi_callback_info info) {
  napi_value args[2];
  size_t argc = 2;
  int32_t fd;
  int64_t length;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, args[0], &fd) != napi_ok ||
      napi_get_value_int64(env, args[1], &length) != napi_ok || length <= 0) {
    napi_throw_type_error(env, NULL, "mapShared: expected (fd, length > 0)");
    return NULL;
  }
  int err = install_handler();
  if (err) return svcd_throw_errno(env, "sigaction", err);
  int slot = -1;
  for (int i = 0; i < MAX_MAPPINGS; i++)
    if (mappings[i].len == 0) {
      slot = i;
      break;
    }
  if (slot < 0) return svcd_throw_errno(env, "mapShared", EMFILE);
  void *addr = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) return svcd_throw_errno(env, "mmap", errno);
  struct region *r = malloc(sizeof *r);
  if (!r) {
    munmap(addr, (size_t)length);
    return svcd_throw_errno(env, "mapShared", ENOMEM);
  }
  r->addr = addr;
  r->len = (size_t)length;
  r->slot = slot;
  mappings[slot].addr = addr;
  mappings[slot].region = r;
  mappings[slot].len = (size_t)length;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, addr, (size_t)length, finalize_region, r, &ab) != napi_ok) {
    forget(r);
    free(r);
    svcd_throw_napi_failure(env, "napi_create_external_arraybuffer");
    return NULL;
  }
  return ab;
}

/* The region behind an ArrayBuffer mapShared made: found by its address among the live ones. */
static napi_value Unmap(napi_env env, napi_callback_info info) {
  napi_value args[1];
  size_t argc = 1;
  void *data = NULL;
  size_t len = 0;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 1 || napi_get_arraybuffer_info(env, args[0], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "unmap: expected an ArrayBuffer from mapShared");
    return NULL;
  }
  if (!data || len == 0) return NULL; /* already detached */
  int slot = -1;
  for (int i = 0; i < MAX_MAPPINGS; i++)
    if (mappings[i].len != 0 && mappings[i].addr == data) slot = i;
  if (slot < 0) {
    napi_throw_type_error(env, NULL, "unmap: not a live mapping");
    return NULL;
  }
  /* Detach first: no JS view can reach the memory once it is gone. The finalizer still runs
   * later; it finds the region already released. */
  NAPI_OK(env, napi_detach_arraybuffer(env, args[0]));
  forget(mappings[slot].region);
  return NULL;
}

static napi_value Allocate(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  int32_t fd;
  int64_t off, len;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 3 || napi_get_value_int32(env, args[0], &fd) != napi_ok || napi_get_value_int64(env, args[1], &off) != napi_ok ||
      napi_get_value_int64(env, args[2], &len) != napi_ok || off < 0 || len <= 0) {
    napi_throw_type_error(env, NULL, "allocate: expected (fd, offset >= 0, length > 0)");
    return NULL;
  }
  return svcd_int(env, posix_fallocate(fd, (off_t)off, (off_t)len));
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* populate(arrayBuffer, offset, length) -> errno: faults the range in, writable, in one call
 * (MADV_POPULATE_WRITE, Linux 5.14) instead of one page fault per 4 KiB page at first store.
 * EINVAL on older kernels: the pages then fault in one by one, as before. */
static napi_value Populate(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  void *data = NULL;
  size_t len = 0;
  int64_t off, n;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 3 || napi_get_arraybuffer_info(env, args[0], &data, &len) != napi_ok || napi_get_value_int64(env, args[1], &off) != napi_ok ||
      napi_get_value_int64(env, args[2], &n) != napi_ok || off < 0 || n < 0 || (uint64_t)(off + n) > len) {
    napi_throw_type_error(env, NULL, "populate: expected (mapping, offset, length) inside the mapping");
    return NULL;
  }
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)data + (uintptr_t)off) & ~(uintptr_t)(page - 1);
  uintptr_t end = (uintptr_t)data + (uintptr_t)(off + n);
  if (end <= start) return svcd_int(env, 0);
  return svcd_int(env, madvise((void *)start, end - start, MADV_POPULATE_WRITE) < 0 ? errno : 0);
}

static napi_value SigbusCount(napi_env env, napi_callback_info info) {
  return svcd_int(env, sigbus_count);
}

int svcd_register_mmap(napi_env env, napi_value exports) {
  if (svcd_define(env, exports, "mapShared", MapShared) < 0 || svcd_define(env, exports, "unmap", Unmap) < 0 ||
      svcd_define(env, exports, "allocate", Allocate) < 0 || svcd_define(env, exports, "sigbusCount", SigbusCount) < 0 ||
      svcd_define(env, exports, "populate", Populate) < 0)
    return -1;
  return 0;
}
