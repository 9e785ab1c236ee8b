/*
 * Signalling and small process-level calls. Each returns 0 or an errno (or throws for bad
 * arguments), so the JS side decides what ESRCH means — usually "already gone", not an error.
 *
 * pidfds: a pid names a process only until it is reaped; after that the number may be reused and
 * kill(pid) could hit a stranger. A pidfd stays bound to the one process. pidfd_open on our own
 * child right after spawn() is race-free, because only the reaper collects children and it runs
 * on this same thread, later.
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static bool int_args(napi_env env, napi_callback_info info, size_t want, int32_t *out, const char *usage) {
  napi_value args[3];
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < want) goto bad;
  for (size_t i = 0; i < want; i++)
    if (napi_get_value_int32(env, args[i], &out[i]) != napi_ok) goto bad;
  return true;
bad:
  napi_throw_type_error(env, NULL, usage);
  return false;
}

static napi_value errno_result(napi_env env, int r) {
  return svcd_int(env, r < 0 ? errno : 0);
}

/* kill(pid, sig): a negative pid is a process group, as in kill(2). */
static napi_value Kill(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, 2, a, "kill: expected (pid, signal)")) return NULL;
  return errno_result(env, kill(a[0], a[1]));
}

static napi_value Killpg(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, 2, a, "killpg: expected (pgid, signal)")) return NULL;
  if (a[0] <= 1) return svcd_int(env, EINVAL); /* 0 would be our own group, 1 everything */
  return errno_result(env, killpg(a[0], a[1]));
}

/* pidfdOpen(pid) → fd (close-on-exec), or -errno (ENOSYS before Linux 5.3, ESRCH if gone). */
static napi_value PidfdOpen(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!int_args(env, info, 1, a, "pidfdOpen: expected (pid)")) return NULL;
  long fd = syscall(SYS_pidfd_open, a[0], 0);
  return svcd_int(env, fd < 0 ? -errno : fd);
}

static napi_value PidfdSendSignal(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, 2, a, "pidfdSendSignal: expected (pidfd, signal)")) return NULL;
  return errno_result(env, (int)syscall(SYS_pidfd_send_signal, a[0], a[1], NULL, 0));
}

static napi_value SetChildSubreaper(napi_env env, napi_callback_info info) {
  (void)info;
  return errno_result(env, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
}

/* pipe() → [readFd, writeFd], both close-on-exec (spawn dup2s the child's end into place);
 * nonBlockingRead makes the read end ready for libuv. Node has no way to make an anonymous pipe
 * whose write end a child can inherit. */
static napi_value Pipe(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  bool nonblock = false;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc >= 1) napi_get_value_bool(env, arg, &nonblock);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return svcd_throw_errno(env, "pipe2", errno);
  if (nonblock) fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  napi_value out;
  NAPI_OK(env, napi_create_array_with_length(env, 2, &out));
  napi_set_element(env, out, 0, svcd_int(env, fds[0]));
  napi_set_element(env, out, 1, svcd_int(env, fds[1]));
  return out;
}

/* peerCredentials(fd) → {pid, uid, gid} of the process at the other end of a connected AF_UNIX
 * socket (SO_PEERCRED): what the control socket checks before it obeys anyone. Node's net module
 * does not expose it. */
static napi_value PeerCredentials(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!int_args(env, info, 1, a, "peerCredentials: expected (fd)")) return NULL;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(a[0], SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return svcd_throw_errno(env, "getsockopt(SO_PEERCRED)", errno);
  napi_value out;
  NAPI_OK(env, napi_create_object(env, &out));
  napi_set_named_property(env, out, "pid", svcd_int(env, cred.pid));
  napi_set_named_property(env, out, "uid", svcd_int(env, (int32_t)cred.uid));
  napi_set_named_property(env, out, "gid", svcd_int(env, (int32_t)cred.gid));
  return out;
}

/* sameFile(a, b) → whether two fds share one open file description (kcmp KCMP_FILE), or where
 * the kernel has no kcmp, at least one inode: the fd store keeps an fd once however often a
 * service hands it over. */
static napi_value SameFile(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, 2, a, "sameFile: expected (fd, fd)")) return NULL;
  bool same = a[0] == a[1];
  if (!same) {
    pid_t self = getpid();
    long r = syscall(SYS_kcmp, self, self, 0 /* KCMP_FILE */, (unsigned long)a[0], (unsigned long)a[1]);
    if (r >= 0) {
      same = r == 0;
    } else {
      struct stat sa, sb;
      same = fstat(a[0], &sa) == 0 && fstat(a[1], &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    }
  }
  napi_value out;
  NAPI_OK(env, napi_get_boolean(env, same, &out));
  return out;
}

/* mallocTrim() → whether glibc gave pages back. A boot mallocs and frees megabytes (the units'
 * text, the transaction, the spawns' arguments) and glibc keeps the freed pages of its heap mapped
 * for reuse: with 1,000 services about 8 MiB of svcd's RSS that nothing used any more. */
static napi_value MallocTrim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
#ifdef __GLIBC__
  bool trimmed = malloc_trim(0) == 1;
#else
  bool trimmed = false; /* malloc_trim is glibc's; other C libraries have no such pool to give back */
#endif
  NAPI_OK(env, napi_get_boolean(env, trimmed, &out));
  return out;
}

/* Fields of one /proc/PID/stat row that procScan returns, in this order. */
enum { SCAN_PID, SCAN_STATE, SCAN_PPID, SCAN_PGID, SCAN_SID, SCAN_START, SCAN_FIELDS };

/* One /proc/PID/stat into row; false if the process went away or the text is not a stat line.
 * comm may hold spaces and ')', so the fields are counted from after the last ')'. */
static bool scan_stat(const char *pid, double *row, int *err) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) *err = errno;
    return false;
  }
  ssize_t len = read(fd, buf, sizeof buf - 1);
  if (len < 0 && errno == ENOMEM) *err = errno;
  close(fd);
  if (len <= 0) return false;
  buf[len] = '\0';
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ' || p[2] == '\0') return false;
  p += 2;
  row[SCAN_PID] = (double)strtol(pid, NULL, 10);
  row[SCAN_STATE] = (unsigned char)*p;
  /* After the state: ppid pgrp session, then 15 fields, then starttime (proc(5) fields 4-6 and 22). */
  double fields[19];
  for (int i = 0; i < 19; i++) {
    char *end;
    fields[i] = (double)strtoull(p + 1, &end, 10);
    if (end == p + 1) return false;
    p = end;
  }
  row[SCAN_PPID] = fields[0];
  row[SCAN_PGID] = fields[1];
  row[SCAN_SID] = fields[2];
  row[SCAN_START] = fields[18];
  return true;
}

static int pid_order(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* procScan([skip]) → Float64Array of (pid, state's char code, ppid, pgid, sid, start time) for
 * every process in /proc but those in skip (an Int32Array in ascending order), or an errno when
 * svcd could not look (out of descriptors or memory). The tracker asks this after every main
 * process's exit when units have no cgroups: read through readFileSync, 1,000 processes cost some
 * 40 ms of the main thread per restart. skip: the children whose fields svcd knows without the
 * kernel making their stat file (src/host/process-tracker.ts). */
static napi_value ProcScan(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  const int32_t *skip = NULL;
  size_t nskip = 0;
  bool typed = false;
  if (argc >= 1 && napi_is_typedarray(env, arg, &typed) == napi_ok && typed) {
    napi_typedarray_type type;
    void *data;
    NAPI_OK(env, napi_get_typedarray_info(env, arg, &type, &nskip, &data, NULL, NULL));
    if (type != napi_int32_array) {
      napi_throw_type_error(env, NULL, "procScan: expected an Int32Array of pids to skip");
      return NULL;
    }
    skip = data;
  }
  DIR *dir = opendir("/proc");
  if (!dir) return svcd_int(env, errno);
  size_t cap = 256, n = 0;
  double *rows = malloc(cap * SCAN_FIELDS * sizeof *rows);
  int err = rows ? 0 : ENOMEM;
  for (struct dirent *e; !err && (e = readdir(dir));) {
    const char *name = e->d_name;
    if (name[0] < '1' || name[0] > '9' || name[strspn(name, "0123456789")] != '\0') continue;
    int32_t pid = (int32_t)strtol(name, NULL, 10);
    if (nskip && bsearch(&pid, skip, nskip, sizeof *skip, pid_order)) continue;
    if (n == cap) {
      double *more = realloc(rows, cap * 2 * SCAN_FIELDS * sizeof *rows);
      if (!more) {
        err = ENOMEM;
        break;
      }
      rows = more;
      cap *= 2;
    }
    if (scan_stat(name, rows + n * SCAN_FIELDS, &err)) n++;
  }
  closedir(dir);
  if (err) {
    free(rows);
    return svcd_int(env, err);
  }
  void *data;
  napi_value buffer, out;
  size_t bytes = n * SCAN_FIELDS * sizeof *rows;
  if (napi_create_arraybuffer(env, bytes, &data, &buffer) != napi_ok) {
    free(rows);
    return NULL;
  }
  if (bytes) memcpy(data, rows, bytes);
  free(rows);
  NAPI_OK(env, napi_create_typedarray(env, napi_float64_array, n * SCAN_FIELDS, buffer, 0, &out));
  return out;
}

/* removeSysvIpc(kind, id): a SysV shared memory segment (0), semaphore set (1) or message queue (2)
 * removed (IPC_RMID), for RemoveIPC= (src/exec/remove-ipc.ts). Throws with the errno. */
static napi_value RemoveSysvIpc(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, 2, a, "removeSysvIpc: expected (kind, id)")) return NULL;
  int r = a[0] == 0 ? shmctl(a[1], IPC_RMID, NULL) : a[0] == 1 ? semctl(a[1], 0, IPC_RMID) : msgctl(a[1], IPC_RMID, NULL);
  if (r < 0) return svcd_throw_errno(env, "IPC_RMID", errno);
  return NULL;
}

int svcd_register_process(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "kill", Kill) | svcd_define(env, exports, "killpg", Killpg) |
         svcd_define(env, exports, "pidfdOpen", PidfdOpen) | svcd_define(env, exports, "pidfdSendSignal", PidfdSendSignal) |
         svcd_define(env, exports, "setChildSubreaper", SetChildSubreaper) | svcd_define(env, exports, "pipe", Pipe) |
         svcd_define(env, exports, "peerCredentials", PeerCredentials) | svcd_define(env, exports, "sameFile", SameFile) |
         svcd_define(env, exports, "mallocTrim", MallocTrim) |
         svcd_define(env, exports, "procScan", ProcScan) |
         svcd_define(env, exports, "removeSysvIpc", RemoveSysvIpc);
}
