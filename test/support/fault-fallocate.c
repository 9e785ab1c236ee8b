/* Fault injection for tests (LD_PRELOAD): posix_fallocate() fails with the errno named in the file
 * $SVCD_FAULT_FALLOCATE (a number, e.g. 5 for EIO) while that file exists; otherwise it is libc's.
 * svcd grows its journal files with posix_fallocate (native/mmap.c), so this is a disk that
 * starts and stops failing under it. Built by the test that uses it (gcc -shared -fPIC). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

typedef int (*fallocate_fn)(int, off_t, off_t);

static int injected(void) {
  const char *path = getenv("SVCD_FAULT_FALLOCATE");
  if (path == NULL) return 0;
  FILE *f = fopen(path, "re");
  if (f == NULL) return 0;
  int err = 0;
  if (fscanf(f, "%d", &err) != 1) err = 0;
  fclose(f);
  return err;
}

static int call_real(const char *name, int fd, off_t offset, off_t len) {
  fallocate_fn real = (fallocate_fn)dlsym(RTLD_NEXT, name);
  return real ? real(fd, offset, len) : 38; /* ENOSYS */
}

int posix_fallocate64(int fd, off_t offset, off_t len) {
  int err = injected();
  return err ? err : call_real("posix_fallocate64", fd, offset, len);
}

int posix_fallocate(int fd, off_t offset, off_t len) {
  int err = injected();
  return err ? err : call_real("posix_fallocate", fd, offset, len);
}
