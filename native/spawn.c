/*
 * spawn(spec) → pid: a child made with clone(CLONE_VM|CLONE_VFORK) on its own stack, which applies
 * a unit's exec context and execs. The parent thread is suspended by the kernel until the child
 * has exec'd or exited, so the child may read the parsed spec in place — and must stay within
 * what is safe in a shared address space: no malloc, no locks, no glibc setxid wrappers (they
 * signal every thread of the *parent*), no handler of the parent's may ever run in it.
 *
 * Order in the child: default signal dispositions → session/process group → stdin/stdout/stderr
 * and passed fds → rlimits → oom_score_adj, nice, umask, CPU scheduling and affinity, IO priority,
 * timer slack → private /tmp and /var/tmp (a mount namespace) → a UTS namespace (ProtectHostname=) → groups, gid
 * → a user namespace (PrivateUsers=; first of all, before the network namespace, when the child lacks
 * CAP_SYS_ADMIN, as systemd 252) → chroot → capability bounding set → uid → ambient capabilities → chdir
 * → no_new_privs → empty signal mask → seccomp filters → execve. Privileged steps come before the ids are dropped;
 * chdir after, so a directory only the service user may enter works (systemd's reason too).
 * A failure is written as (stage, errno) to a close-on-exec pipe; the child then exits with
 * systemd's exit code for that stage.
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Stages of child setup, with the exit code systemd uses when that step fails
 * (systemd.exec(5), "Process exit codes"). The names are the JS SpawnStage union. */
enum stage {
  ST_SIGNALS, ST_SETSID, ST_SETPGID, ST_STDIN, ST_STDOUT, ST_STDERR, ST_FDS, ST_RLIMIT,
  ST_OOM_SCORE_ADJ, ST_NICE, ST_CHROOT, ST_SETGROUPS, ST_SETGID, ST_SETUID, ST_CHDIR,
  ST_NO_NEW_PRIVS, ST_EXEC, ST_SETSCHEDULER, ST_CPUAFFINITY, ST_IOPRIO, ST_TIMERSLACK, ST_CAPABILITIES,
  ST_NAMESPACE, ST_CGROUP, ST_CLONE, ST_SECCOMP, ST_MOUNTS, ST_PERSONALITY, ST_SECUREBITS, ST_USERNS, ST_COUNT
};

static const struct {
  const char *name;
  int exit_code;
} stages[ST_COUNT] = {
    [ST_SIGNALS] = {"signals", 207},       [ST_SETSID] = {"setsid", 220},
    [ST_SETPGID] = {"setpgid", 220},       [ST_STDIN] = {"stdin", 208},
    [ST_STDOUT] = {"stdout", 209},         [ST_STDERR] = {"stderr", 222},
    [ST_FDS] = {"fds", 202},               [ST_RLIMIT] = {"rlimit", 205},
    [ST_OOM_SCORE_ADJ] = {"oom_score_adj", 206}, [ST_NICE] = {"nice", 201},
    [ST_CHROOT] = {"chroot", 210},         [ST_SETGROUPS] = {"setgroups", 216},
    [ST_SETGID] = {"setgid", 216},         [ST_SETUID] = {"setuid", 217},
    [ST_CHDIR] = {"chdir", 200},           [ST_NO_NEW_PRIVS] = {"no_new_privs", 227},
    [ST_EXEC] = {"exec", 203},             [ST_SETSCHEDULER] = {"setscheduler", 214},
    [ST_CPUAFFINITY] = {"cpuaffinity", 215}, [ST_IOPRIO] = {"ioprio", 211},
    [ST_TIMERSLACK] = {"timerslack", 212}, [ST_CAPABILITIES] = {"capabilities", 218},
    [ST_NAMESPACE] = {"namespace", 226},   [ST_CGROUP] = {"cgroup", 219},
    /* In the parent: no child ran. systemd's nearest word for a failed fork is MEMORY. */
    [ST_CLONE] = {"clone", 204},
    [ST_SECCOMP] = {"seccomp", 228},
    /* The mount plan inside a namespace the container did allow (a path missing): still 226. */
    [ST_MOUNTS] = {"mounts", 226},
    [ST_PERSONALITY] = {"personality", 230}, [ST_SECUREBITS] = {"securebits", 213},
    /* PrivateUsers=: systemd 252 fails the process with 217/USER when it cannot make the user namespace. */
    [ST_USERNS] = {"userns", 217},
};

#define MAX_RLIMITS 16
#define CHILD_STACK_SIZE (256 * 1024)

struct spawn_spec {
  char *file;
  char **argv;
  char **envp;
  char *cwd;
  char *root;
  /* PrivateTmp=: host directories bound over /tmp and /var/tmp in a new mount namespace */
  char *private_tmp, *private_var_tmp;
  /* the unit's cgroup.procs files (the v2 tree's, each v1 controller's): the child moves itself
   * into every one before anything else; NULL-terminated */
  char **cgroup_procs;
  int stdio[3]; /* -1: /dev/null */
  int *pass_fds; /* become fds 3, 4, … in the child (socket activation) */
  uint32_t n_pass_fds;
  int *scratch; /* 3 + n_pass_fds ints the child fills while moving fds */
  bool has_uid, has_gid, has_groups, has_umask, has_nice, has_oom;
  bool setsid, new_pgrp, no_new_privs;
  bool has_sched, has_ioprio, has_timerslack, has_bounding, has_ambient, new_uts;
  bool has_personality, has_securebits;
  unsigned long personality; /* Personality=: the execution domain (PER_LINUX, PER_LINUX32) */
  int securebits;            /* SecureBits=: the SECBIT_* mask */
  /* seccomp filters (BPF built in JS), installed in this order after no_new_privs */
  struct sock_fprog *filters;
  uint32_t n_filters;
  /* the mount plan (src/exec/mount-plan.ts): paths parents first, their modes, fds made in the child */
  char **mount_paths;
  int64_t *mount_modes;
  int *mount_fds;
  uint32_t n_mounts;
  char *inaccessible;
  /* per entry: a bind mount's source, a tmpfs's or procfs's options ("" for none) */
  char **mount_args;
  /* PrivateDevices=: an empty directory where the new /dev is built before it is moved over /dev */
  char *dev_stage;
  /* PrivateMounts= alone: a mount namespace with nothing arranged in it */
  bool new_mount_ns;
  /* PrivateUsers=: a user namespace of its own, mapping root and the unit's user to themselves */
  bool private_users;
  /* PrivateNetwork=/PrivateIPC=: the unit's namespaces (native newNamespace()), joined first; -1: none */
  int netns_fd, ipcns_fd;
  int sched_policy, sched_priority;
  int ioprio;
  unsigned long timerslack_ns;
  uint64_t *cpu_mask; /* sched_setaffinity bitmap; NULL: inherit */
  size_t cpu_mask_bytes;
  uint64_t bounding, ambient; /* capability masks, bit n = capability n */
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  uint32_t n_groups;
  mode_t umask;
  int nice;
  char oom[16];
  size_t oom_len;
  uint32_t n_limits;
  struct {
    int resource;
    struct rlimit value;
  } limits[MAX_RLIMITS];
};

struct child_report {
  int32_t stage;
  int32_t err;
};

struct child_ctx {
  const struct spawn_spec *spec;
  int errfd;
};

/* ---------- the child ---------- */

static _Noreturn void child_fail(int errfd, enum stage st) {
  struct child_report r = {st, errno};
  /* A short or failed write still ends in the right exit code, which the reaper reports. */
  ssize_t n = write(errfd, &r, sizeof r);
  (void)n;
  _exit(stages[st].exit_code);
}

/* setrlimit, and when raising is refused (EPERM) the closest value the hard limit allows, as
 * systemd's setrlimit_closest: LimitNOFILE=65535 under a hard limit of 20000 gives 20000. */
static int setrlimit_closest(int resource, const struct rlimit *want) {
  if (setrlimit(resource, want) == 0) return 0;
  if (errno != EPERM) return -1;
  struct rlimit now;
  if (getrlimit(resource, &now) < 0) return -1;
  /* An unlimited hard limit cannot be what refused us: the EPERM has another cause. */
  if (now.rlim_max == RLIM_INFINITY) {
    errno = EPERM;
    return -1;
  }
  struct rlimit fixed = {
      .rlim_cur = want->rlim_cur < now.rlim_max ? want->rlim_cur : now.rlim_max,
      .rlim_max = want->rlim_max < now.rlim_max ? want->rlim_max : now.rlim_max,
  };
  if (fixed.rlim_cur == now.rlim_cur && fixed.rlim_max == now.rlim_max) return 0;
  return setrlimit(resource, &fixed);
}

/* Every fd from `from` up gets close-on-exec, so nothing of the daemon's leaks into services. */
static int cloexec_from(int from) {
  if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
  if (errno != ENOSYS && errno != EINVAL) return -1;
  /* Kernels before 5.11: walk the whole table (no opendir here: it allocates). */
  struct rlimit nofile;
  int max = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 65536 ? (int)nofile.rlim_cur : 65536;
  for (int fd = from; fd < max; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  return 0;
}

static void child_fds(const struct spawn_spec *s, int *errfd) {
  int n = 3 + (int)s->n_pass_fds;
  static const enum stage stdio_stage[3] = {ST_STDIN, ST_STDOUT, ST_STDERR};
  /* The error pipe must survive the shuffle below: keep it above every target fd. */
  if (*errfd < n) {
    int moved = fcntl(*errfd, F_DUPFD_CLOEXEC, n);
    if (moved < 0) child_fail(*errfd, ST_FDS);
    *errfd = moved;
  }
  /* Phase 1 lifts every source to n or above, so no dup2 of phase 2 can overwrite a source that
   * is still needed (stdout may be fd 0, a passed socket may be fd 4). The scratch array was
   * allocated by the parent for this: the child may write memory, just not allocate it. */
  int *src = s->scratch;
  for (int t = 0; t < n; t++) {
    enum stage st = t < 3 ? stdio_stage[t] : ST_FDS;
    int fd = t < 3 ? s->stdio[t] : s->pass_fds[t - 3];
    if (fd < 0) {
      fd = open("/dev/null", (t == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
      if (fd < 0) child_fail(*errfd, st);
    }
    if (fd < n) fd = fcntl(fd, F_DUPFD_CLOEXEC, n);
    if (fd < 0) child_fail(*errfd, st);
    src[t] = fd;
  }
  /* Phase 2: dup2 clears close-on-exec on the target, which is what keeps exactly these open. */
  for (int t = 0; t < n; t++) {
    if (dup2(src[t], t) < 0) child_fail(*errfd, t < 3 ? stdio_stage[t] : ST_FDS);
    /* Services expect blocking stdio (the daemon's own pipes are often non-blocking), and
     * socket-activated fds blocking as systemd hands them over without NonBlocking=yes. */
    int fl = fcntl(t, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(t, F_SETFL, fl & ~O_NONBLOCK);
  }
  if (cloexec_from(n) < 0) child_fail(*errfd, ST_FDS);
}

/* Ambient capabilities must be both permitted and inheritable to be raised; exec then gives a
 * non-root program exactly these (and the kernel drops the rest of the kept permitted set). */
static void child_ambient(const struct spawn_spec *s, int errfd) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) < 0) child_fail(errfd, ST_CAPABILITIES);
  data[0].effective = data[0].permitted;
  data[1].effective = data[1].permitted;
  data[0].inheritable = (uint32_t)s->ambient;
  data[1].inheritable = (uint32_t)(s->ambient >> 32);
  if (syscall(SYS_capset, &hdr, data) < 0) child_fail(errfd, ST_CAPABILITIES);
  for (int cap = 0; cap <= 63; cap++)
    if ((s->ambient >> cap & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) child_fail(errfd, ST_CAPABILITIES);
}

static bool has_effective_cap(int cap) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) < 0) return false;
  return data[cap / 32].effective >> (cap % 32) & 1;
}

static bool has_effective_sys_admin(void) { return has_effective_cap(CAP_SYS_ADMIN); }

/* ---------- PrivateUsers= ---------- */

/* The decimal digits of v at *at, returning the end (no snprintf: nothing here may allocate). */
static char *put_uint(char *at, unsigned v) {
  char digits[16];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10), v /= 10; while (v);
  while (n > 0) *at++ = digits[--n];
  return at;
}

/* "N N 1\n" at *at. */
static char *put_identity_line(char *at, unsigned id) {
  at = put_uint(at, id);
  *at++ = ' ';
  at = put_uint(at, id);
  *at++ = ' ', *at++ = '1', *at++ = '\n';
  return at;
}

/* The map of a PrivateUsers= namespace, as systemd 252 writes it: the manager's own id to itself and,
 * where the manager may map ids (CAP_SETUID/CAP_SETGID), the unit's to itself; every other id shows
 * as the overflow id (nobody, 65534) inside. */
static size_t identity_map(char *buf, unsigned own, bool has_target, unsigned target, int cap) {
  char *at = put_identity_line(buf, own);
  if (has_target && target != own && has_effective_cap(cap)) at = put_identity_line(at, target);
  return (size_t)(at - buf);
}

struct userns_helper {
  char pid[16];
  char uid_map[64], gid_map[64];
  size_t uid_len, gid_len;
  int ready[2];
  int err; /* written by the helper, read after it is reaped (same memory: CLONE_VM) */
};

static int write_proc_file(const char *pid, const char *name, const char *data, size_t len) {
  char path[64] = "/proc/";
  size_t n = 6;
  for (const char *p = pid; *p; p++) path[n++] = *p;
  path[n++] = '/';
  for (const char *p = name; *p; p++) path[n++] = *p;
  path[n] = 0;
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT && name[0] == 's' ? 0 : -errno; /* no setgroups file: an old kernel */
  int r = syscall(SYS_write, fd, data, len) < 0 ? -errno : 0;
  syscall(SYS_close, fd);
  return r;
}

/* Runs in the user namespace the child left (so with its privileges there): waits for the child to
 * have made its own, then writes the child's maps, which the child itself may no longer do. */
static int userns_helper_main(void *arg) {
  struct userns_helper *h = arg;
  char c;
  syscall(SYS_close, h->ready[1]);
  if (syscall(SYS_read, h->ready[0], &c, 1) != 1) h->err = EPIPE;
  int r = h->err ? -h->err : write_proc_file(h->pid, "setgroups", "deny\n", 5);
  if (!r) r = write_proc_file(h->pid, "gid_map", h->gid_map, h->gid_len);
  if (!r) r = write_proc_file(h->pid, "uid_map", h->uid_map, h->uid_len);
  h->err = -r;
  syscall(SYS_exit, 0);
  return 0;
}

/* PrivateUsers=: as systemd's setup_private_users(), a helper left behind in the current user
 * namespace writes the new one's maps (setgroups() denied, so no group can be shed inside). */
static void child_private_users(const struct spawn_spec *s, uid_t own_uid, gid_t own_gid, int errfd) {
  struct userns_helper h = {.err = 0};
  _Alignas(16) char stack[16 * 1024];
  *put_uint(h.pid, (unsigned)syscall(SYS_getpid)) = 0;
  h.uid_len = identity_map(h.uid_map, own_uid, s->has_uid, s->uid, CAP_SETUID);
  h.gid_len = identity_map(h.gid_map, own_gid, s->has_gid, s->gid, CAP_SETGID);
  if (syscall(SYS_pipe2, h.ready, O_CLOEXEC) < 0) child_fail(errfd, ST_USERNS);
  /* Shares this memory (h, the report); its own stack is this frame's array, live until it is reaped. */
  pid_t helper = clone(userns_helper_main, stack + sizeof stack, CLONE_VM | SIGCHLD, &h);
  if (helper < 0) child_fail(errfd, ST_USERNS);
  syscall(SYS_close, h.ready[0]);
  int e = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
  if (!e) syscall(SYS_write, h.ready[1], "1", 1);
  syscall(SYS_close, h.ready[1]);
  int status;
  while (syscall(SYS_wait4, helper, &status, 0, NULL) < 0 && errno == EINTR) {}
  if (!e) e = h.err;
  if (e) {
    errno = e;
    child_fail(errfd, ST_USERNS);
  }
}

/* The numbers of src/exec/mount-plan.ts's MOUNT_MODES, and its flags above the low four bits. */
enum { MNT_INACCESSIBLE, MNT_READ_ONLY, MNT_READ_WRITE, MNT_TMPFS, MNT_NO_EXEC, MNT_EXEC, MNT_BIND, MNT_PRIVATE_DEV, MNT_PROCFS, MNT_MQUEUE, MNT_KIND = 15,
       MNT_IGNORE_MISSING = 16, MNT_RDONLY = 32, MNT_RECURSIVE = 64, MNT_NOSUID = 128, MNT_NOEXEC_FLAG = 256, MNT_DEV = 512 };

static int clone_tree(const char *path) {
  return (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

static int set_mount_attr(const char *path, uint64_t attr, bool recursive) {
  struct mount_attr a = {.attr_set = attr};
  return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a, sizeof a);
}

static int clear_mount_attr(const char *path, uint64_t attr) {
  struct mount_attr a = {.attr_clr = attr};
  return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &a, sizeof a);
}

/* The path a mount of its own (a copy of what is there now), unless it is the root, which already is
 * one (and a mount stacked on it would not be seen). */
static int own_mount(const char *path) {
  if (strcmp(path, "/") == 0) return 0;
  int fd = clone_tree(path);
  if (fd < 0) return -1;
  int r = (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS);
  close(fd);
  return r;
}

/* Each missing directory of `path` made (mode 0755), as systemd makes mount points; `leaf_file`: the
 * last component is an empty file (a bind mount of a file needs one). */
static int make_path(const char *path, bool leaf_file) {
  char buf[PATH_MAX];
  size_t n = strlen(path);
  if (n >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char c = buf[i];
    buf[i] = '\0';
    bool leaf = c == '\0';
    if (leaf && leaf_file) {
      int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
      if (fd < 0 && errno != EEXIST) return -1;
      if (fd >= 0) close(fd);
    } else if (mkdir(buf, 0755) < 0 && errno != EEXIST) {
      return -1;
    }
    buf[i] = c;
  }
  return 0;
}

/* A device node of the host's in the new /dev (a copy by mknod, or a bind mount of the host's where
 * mknod is refused), with its /dev/char/MAJ:MIN link, as systemd's clone_device_node(). Missing: skipped. */
static int clone_device(const char *stage, const char *name, bool *can_mknod) {
  char host[64], node[PATH_MAX], link[PATH_MAX], target[80];
  struct stat st;
  snprintf(host, sizeof host, "/dev/%s", name);
  if (stat(host, &st) < 0) return errno == ENOENT ? 0 : -1;
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return 0;
  snprintf(node, sizeof node, "%s/%s", stage, name);
  if (!*can_mknod || mknod(node, st.st_mode, st.st_rdev) < 0) {
    if (*can_mknod && errno != EPERM) return -1;
    *can_mknod = false;
    int fd = open(node, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0) return -1;
    close(fd);
    if (mount(host, node, NULL, MS_BIND, NULL) < 0) return -1;
  }
  snprintf(link, sizeof link, "%s/%s/%u:%u", stage, S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev), minor(st.st_rdev));
  snprintf(target, sizeof target, "../%s", name);
  if (make_path(link, false) < 0 && errno != EEXIST) return -1;
  rmdir(link);
  if (symlink(target, link) < 0 && errno != EEXIST) return -1;
  return 0;
}

/* PrivateDevices=: a fresh tmpfs /dev holding only the pseudo devices, the host's /dev/pts, /dev/shm,
 * /dev/mqueue and /dev/hugepages, and the usual links, built in the stage directory; returned as a
 * detached tree (an fd), so that what the plan makes read-only before its turn does not reach it. */
static int build_private_dev(const char *stage) {
  static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  static const char *const links[][2] = {{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
                                         {"/proc/self/fd/2", "stderr"}, {"/run/systemd/journal/dev-log", "log"}};
  char p[PATH_MAX];
  struct stat st;
  bool can_mknod = true;
  int fd = -1;
  /* Nodes get the host's modes exactly. */
  mode_t old_umask = umask(0);
  if (mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME, "mode=0755,size=4m,nr_inodes=64k") < 0) goto done;
#define STAGE(name) (snprintf(p, sizeof p, "%s/%s", stage, name), p)
  if (mkdir(STAGE("pts"), 0755) < 0 || mount("/dev/pts", p, NULL, MS_BIND, NULL) < 0) goto done;
  /* A symlink /dev/ptmx (a container's) stays one; a node is copied (the one in pts/ may be mode 0000). */
  if (lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode)) {
    if (symlink("pts/ptmx", STAGE("ptmx")) < 0) goto done;
  } else if (clone_device(stage, "ptmx", &can_mknod) < 0) {
    goto done;
  }
  if (mkdir(STAGE("shm"), 01777) < 0 || mount("/dev/shm", p, NULL, MS_BIND, NULL) < 0) goto done;
  /* These two may be missing on the host: an empty directory then, as systemd leaves it. */
  if (mkdir(STAGE("mqueue"), 0755) < 0) goto done;
  (void)mount("/dev/mqueue", p, NULL, MS_BIND, NULL);
  if (mkdir(STAGE("hugepages"), 0755) < 0) goto done;
  (void)mount("/dev/hugepages", p, NULL, MS_BIND, NULL);
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlink(links[i][0], STAGE(links[i][1])) < 0) goto done;
  if (stat("/proc/kcore", &st) == 0 && symlink("/proc/kcore", STAGE("core")) < 0) goto done;
#undef STAGE
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    if (clone_device(stage, nodes[i], &can_mknod) < 0) goto done;
  fd = clone_tree(stage);
  if (fd >= 0) umount2(stage, MNT_DETACH);
done:
  umask(old_umask);
  return fd;
}

/* A detached tree (the new /dev, a bind mount's copy) put at `path`; `replace`: over whatever was
 * mounted there, which goes. */
static int put_tree(int fd, const char *path, bool replace) {
  if (replace)
    while (umount2(path, MNT_DETACH) == 0) {
    }
  return (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS);
}

/* BindPaths=, BindReadOnlyPaths=: a copy of the source (with the mounts below it for rbind), taken
 * before anything is made read-only, as systemd binds before its read-only pass; -1 with ENOENT
 * when the source is missing. */
static int clone_bind_source(const char *src, int64_t mode) {
  return (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (mode & MNT_RECURSIVE ? AT_RECURSIVE : 0));
}

/* Where a bind mount goes: made when missing (a directory, or an empty file for a file's bind), as
 * systemd makes it; then the copy put there, read-only when asked. */
static int bind_path(int fd, const char *dst, int64_t mode) {
  struct stat st;
  if (fstat(fd, &st) < 0) return -1;
  if (access(dst, F_OK) < 0 && (errno != ENOENT || make_path(dst, !S_ISDIR(st.st_mode)) < 0)) return -1;
  if (put_tree(fd, dst, false) < 0) return -1;
  return mode & MNT_RDONLY ? set_mount_attr(dst, MOUNT_ATTR_RDONLY, mode & MNT_RECURSIVE) : 0;
}

/* ProtectProc=/ProcSubset=: a new procfs instance over /proc (what was mounted there goes), with its
 * options; a kernel that does not know them (EINVAL) gets a plain one, as under systemd 252. */
static int mount_procfs(const char *options) {
  while (umount2("/proc", MNT_DETACH) == 0) {
  }
  unsigned long flags = MS_NOSUID | MS_NOEXEC | MS_NODEV;
  if (mount("proc", "/proc", "proc", flags, options[0] ? options : NULL) == 0) return 0;
  if (errno != EINVAL || !options[0]) return -1;
  return mount("proc", "/proc", "proc", flags, NULL);
}

/* The mount plan, in its order. Read-write paths are
 * copied (with every mount below, as they are now) before anything is made read-only, and put back
 * in their turn: so a writable path inside a read-only one keeps its own mounts' flags, as systemd's
 * read-only remount leaves the mounts below read-write paths alone. */
static void child_mounts(const struct spawn_spec *s, int errfd) {
  /* What must not see the read-only steps: read-write paths, bind sources, the new /dev. */
  for (uint32_t i = 0; i < s->n_mounts; i++) {
    int64_t mode = s->mount_modes[i];
    s->mount_fds[i] = -1;
    if ((mode & MNT_KIND) == MNT_READ_WRITE) s->mount_fds[i] = clone_tree(s->mount_paths[i]);
    else if ((mode & MNT_KIND) == MNT_BIND) s->mount_fds[i] = clone_bind_source(s->mount_args[i], mode);
    else if ((mode & MNT_KIND) == MNT_PRIVATE_DEV) s->mount_fds[i] = build_private_dev(s->dev_stage);
    else continue;
    if (s->mount_fds[i] < 0 && !(errno == ENOENT && (mode & MNT_IGNORE_MISSING))) child_fail(errfd, ST_MOUNTS);
  }
  char node[PATH_MAX];
  for (uint32_t i = 0; i < s->n_mounts; i++) {
    const char *path = s->mount_paths[i];
    int64_t mode = s->mount_modes[i];
    struct stat st;
    if ((mode & MNT_KIND) == MNT_BIND) {
      if (s->mount_fds[i] >= 0 && bind_path(s->mount_fds[i], path, mode) < 0) child_fail(errfd, ST_MOUNTS);
      continue;
    }
    if (stat(path, &st) < 0) {
      if (errno == ENOENT && (mode & MNT_IGNORE_MISSING)) continue;
      /* TemporaryFileSystem= and PrivateIPC='s /dev/mqueue make their mount points. */
      if (!(errno == ENOENT && ((mode & MNT_KIND) == MNT_TMPFS || (mode & MNT_KIND) == MNT_MQUEUE) && make_path(path, false) == 0)) child_fail(errfd, ST_MOUNTS);
      st.st_mode = S_IFDIR;
    }
    switch (mode & MNT_KIND) {
    case MNT_INACCESSIBLE:
      snprintf(node, sizeof node, "%s/%s", s->inaccessible, S_ISDIR(st.st_mode) ? "dir" : "reg");
      if (mount(node, path, NULL, MS_BIND, NULL) < 0 || set_mount_attr(path, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false) < 0)
        child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_READ_ONLY:
      if (own_mount(path) < 0 || set_mount_attr(path, MOUNT_ATTR_RDONLY, true) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    /* NoExecPaths=/ExecPaths=: only the exec flag changes, whatever else the path's mounts are. */
    case MNT_NO_EXEC:
      if (own_mount(path) < 0 || set_mount_attr(path, MOUNT_ATTR_NOEXEC, true) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_EXEC:
      if (own_mount(path) < 0 || clear_mount_attr(path, MOUNT_ATTR_NOEXEC) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_READ_WRITE:
      if (s->mount_fds[i] >= 0 && syscall(SYS_move_mount, s->mount_fds[i], "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_TMPFS:
      /* ProtectHome=tmpfs, TemporaryFileSystem=: empty; writable unless "ro" (systemd 252 leaves ProtectHome='s so,
       * whatever systemd.exec(5) says) */
      if (mount("tmpfs", path, "tmpfs", (mode & MNT_DEV ? 0 : MS_NODEV) | MS_STRICTATIME | (mode & MNT_RDONLY ? MS_RDONLY : 0) | (mode & MNT_NOSUID ? MS_NOSUID : 0) |
                (mode & MNT_NOEXEC_FLAG ? MS_NOEXEC : 0), s->mount_args[i][0] ? s->mount_args[i] : NULL) < 0)
        child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_PRIVATE_DEV:
      /* /dev read-only, its submounts not (systemd 252) */
      if (put_tree(s->mount_fds[i], path, true) < 0 || set_mount_attr(path, MOUNT_ATTR_RDONLY, false) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_MQUEUE:
      /* PrivateIPC=: the message queues of the unit's own IPC namespace (joined above) */
      if (mount("mqueue", path, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME, NULL) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    case MNT_PROCFS:
      if (mount_procfs(s->mount_args[i]) < 0) child_fail(errfd, ST_MOUNTS);
      break;
    }
  }
  for (uint32_t i = 0; i < s->n_mounts; i++)
    if (s->mount_fds[i] >= 0) close(s->mount_fds[i]);
}

static int child_main(void *arg) {
  const struct child_ctx *c = arg;
  const struct spawn_spec *s = c->spec;
  int errfd = c->errfd;

  /* Every disposition back to default (Node ignores SIGPIPE; ignored signals survive exec), with
   * raw syscalls because glibc refuses its two internal signals. All signals are still blocked
   * from before the clone, so none of the parent's handlers can run here in its memory. */
  static const unsigned long zero_action[4];
  for (int sig = 1; sig <= 64; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (syscall(SYS_rt_sigaction, sig, zero_action, NULL, 8) < 0 && errno != EINVAL) child_fail(errfd, ST_SIGNALS);
  }

  /* First, so that whatever setup does is already accounted to the unit, and nothing the command
   * forks can start outside it (cgroup v2: writing 0 moves the writer). */
  if (s->cgroup_procs)
    for (char **p = s->cgroup_procs; *p; p++) {
      int fd = open(*p, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, "0", 1) < 0) child_fail(errfd, ST_CGROUP);
      close(fd);
    }

  if (s->setsid && setsid() < 0) child_fail(errfd, ST_SETSID);
  if (!s->setsid && s->new_pgrp && setpgid(0, 0) < 0) child_fail(errfd, ST_SETPGID);

  /* PrivateUsers= without CAP_SYS_ADMIN: the user namespace first, as systemd 252 makes it, so that it
   * owns the namespaces made after it and the manager may make those inside it. */
  bool userns_early = s->private_users && !has_effective_sys_admin();
  /* The manager's own ids, mapped to themselves, as they are before the child changes its gid. */
  uid_t own_uid = (uid_t)syscall(SYS_getuid);
  gid_t own_gid = (gid_t)syscall(SYS_getgid);
  if (userns_early) child_private_users(s, own_uid, own_gid, errfd);

  /* PrivateNetwork=, PrivateIPC=: the unit's own namespaces, shared by all its processes (before the
   * fds are moved, which could overwrite theirs; systemd too joins them before the mount namespace). */
  if (s->netns_fd >= 0 && setns(s->netns_fd, CLONE_NEWNET) < 0) child_fail(errfd, ST_NAMESPACE);
  if (s->ipcns_fd >= 0 && setns(s->ipcns_fd, CLONE_NEWIPC) < 0) child_fail(errfd, ST_NAMESPACE);

  child_fds(s, &errfd);

  for (uint32_t i = 0; i < s->n_limits; i++)
    if (setrlimit_closest(s->limits[i].resource, &s->limits[i].value) < 0) child_fail(errfd, ST_RLIMIT);

  if (s->has_oom) {
    /* /proc/self is this child: it has its own pid even though it shares the parent's memory. */
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    /* Refused for lack of privilege (a container may not lower it): skipped, as systemd does. */
    if ((fd < 0 || write(fd, s->oom, s->oom_len) < 0) && errno != EPERM && errno != EACCES) child_fail(errfd, ST_OOM_SCORE_ADJ);
    if (fd >= 0) close(fd);
  }
  if (s->has_nice && setpriority(PRIO_PROCESS, 0, s->nice) < 0) child_fail(errfd, ST_NICE);
  if (s->has_umask) umask(s->umask);
  if (s->has_sched) {
    struct { int priority; } param = {s->sched_priority};
    if (syscall(SYS_sched_setscheduler, 0, s->sched_policy, &param) < 0) child_fail(errfd, ST_SETSCHEDULER);
  }
  if (s->cpu_mask && syscall(SYS_sched_setaffinity, 0, s->cpu_mask_bytes, s->cpu_mask) < 0) child_fail(errfd, ST_CPUAFFINITY);
  /* ioprio_set(IOPRIO_WHO_PROCESS, self, class << 13 | level) */
  if (s->has_ioprio && syscall(SYS_ioprio_set, 1, 0, s->ioprio) < 0) child_fail(errfd, ST_IOPRIO);
  if (s->has_timerslack && prctl(PR_SET_TIMERSLACK, s->timerslack_ns, 0, 0, 0) < 0) child_fail(errfd, ST_TIMERSLACK);
  if (s->has_personality && syscall(SYS_personality, s->personality) < 0) child_fail(errfd, ST_PERSONALITY);

  /* PrivateTmp=: a mount namespace of its own whose mounts do not propagate back to the host's,
   * with the unit's directories (shared by all its commands, as systemd's) over /tmp and /var/tmp.
   * No CLONE_FS in the clone, so this child may unshare while the parent sleeps. */
  if (s->private_tmp || s->n_mounts > 0 || s->new_mount_ns) {
    if (unshare(CLONE_NEWNS) < 0) child_fail(errfd, ST_NAMESPACE);
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) child_fail(errfd, ST_NAMESPACE);
  }
  if (s->private_tmp) {
    if (mount(s->private_tmp, "/tmp", NULL, MS_BIND, NULL) < 0) child_fail(errfd, ST_NAMESPACE);
    if (mount(s->private_var_tmp, "/var/tmp", NULL, MS_BIND, NULL) < 0) child_fail(errfd, ST_NAMESPACE);
  }
  if (s->n_mounts > 0) child_mounts(s, errfd);

  /* ProtectHostname=: a UTS namespace of its own where the container allows one; where it does not,
   * systemd goes on without (its seccomp part still refuses sethostname()). */
  if (s->new_uts && unshare(CLONE_NEWUTS) < 0 && errno != EPERM && errno != EACCES && errno != EINVAL && errno != ENOSYS)
    child_fail(errfd, ST_NAMESPACE);

  /* Raw syscalls: in a CLONE_VM child glibc's wrappers would broadcast to the parent's threads.
   * Dropping to a user without naming groups must not keep root's supplementary groups. Groups
   * before the user namespace (setgroups() is denied in it), as systemd's enforce_groups(). */
  size_t n_groups = s->has_groups ? s->n_groups : 0;
  /* Inside the user namespace made first (setgroups denied), none to drop is skipped, as systemd's
   * maybe_setgroups(); any to set fails with 216/GROUP, as under systemd 252. */
  if ((s->has_groups || s->has_uid || s->has_gid) && !(n_groups == 0 && userns_early)) {
    if (syscall(SYS_setgroups, n_groups, s->groups) < 0) child_fail(errfd, ST_SETGROUPS);
  }
  if (s->has_gid && syscall(SYS_setresgid, s->gid, s->gid, s->gid) < 0) child_fail(errfd, ST_SETGID);

  /* PrivateUsers= with CAP_SYS_ADMIN: last of the namespaces, so the others belong to the host's user
   * namespace as under systemd 252 (root inside cannot remount them); before chroot(), which the
   * kernel refuses a user namespace after, and before the bounding set, which a new one resets. */
  if (s->private_users && !userns_early) child_private_users(s, own_uid, own_gid, errfd);

  if (s->root) {
    if (chroot(s->root) < 0) child_fail(errfd, ST_CHROOT);
    /* Without this the old root stays reachable through the working directory. */
    if (!s->cwd && chdir("/") < 0) child_fail(errfd, ST_CHDIR);
  }

  /* The bounding set only shrinks, and dropping needs CAP_SETPCAP: before the ids change. Ambient
   * capabilities for a non-root user need the permitted set kept across setuid. */
  if (s->has_bounding)
    for (int cap = 0; cap <= 63; cap++)
      if (!(s->bounding >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) child_fail(errfd, ST_CAPABILITIES);
  if (s->has_ambient && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) child_fail(errfd, ST_CAPABILITIES);
  /* SecureBits=, while CAP_SETPCAP is still ours (a User= service loses it with the ids); keep-caps
   * stays as the ambient set needs it. The unlocked keep-caps bit is cleared by execve() anyway. */
  if (s->has_securebits) {
    int bits = s->securebits | (s->has_ambient ? 1 << 4 : 0);
    if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != bits && prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0) child_fail(errfd, ST_SECUREBITS);
  }

  if (s->has_uid && syscall(SYS_setresuid, s->uid, s->uid, s->uid) < 0) child_fail(errfd, ST_SETUID);
  if (s->has_ambient) child_ambient(s, errfd);

  if (s->cwd && chdir(s->cwd) < 0) child_fail(errfd, ST_CHDIR);
  /* A filter needs no_new_privs or CAP_SYS_ADMIN: systemd implies NoNewPrivileges= for a service
   * left without CAP_SYS_ADMIN (a User=, a cut bounding set) that asks for any seccomp filter. */
  bool nnp = s->no_new_privs || (s->n_filters > 0 && !has_effective_sys_admin());
  if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(errfd, ST_NO_NEW_PRIVS);

  /* Unblocked only now: a stop signal during setup would also freeze the suspended parent. Before
   * the filters, since an allow list need not permit rt_sigprocmask(). */
  static const uint64_t empty_mask = 0;
  if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty_mask, NULL, 8) < 0) child_fail(errfd, ST_SIGNALS);
  /* Before the filters: they need not allow getpid(). */
  svcd_fill_listen_pid(s->envp);
  /* Last before execve(), in systemd's order: each filter is already in force for the next. */
  for (uint32_t i = 0; i < s->n_filters; i++)
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &s->filters[i]) < 0) child_fail(errfd, ST_SECCOMP);
  execve(s->file, s->argv, s->envp);
  child_fail(errfd, ST_EXEC);
}

/* ---------- reading the spec (parent, before the clone) ---------- */

static void spec_free(struct spawn_spec *s) {
  free(s->file);
  free(s->cwd);
  free(s->root);
  free(s->private_tmp);
  free(s->private_var_tmp);
  if (s->cgroup_procs)
    for (char **p = s->cgroup_procs; *p; p++) free(*p);
  free(s->cgroup_procs);
  if (s->argv)
    for (char **p = s->argv; *p; p++) free(*p);
  free(s->argv);
  if (s->envp)
    for (char **p = s->envp; *p; p++) free(*p);
  free(s->envp);
  free(s->groups);
  free(s->pass_fds);
  free(s->scratch);
  free(s->cpu_mask);
  if (s->filters)
    for (uint32_t i = 0; i < s->n_filters; i++) free(s->filters[i].filter);
  free(s->filters);
  if (s->mount_paths)
    for (char **p = s->mount_paths; *p; p++) free(*p);
  free(s->mount_paths);
  free(s->mount_modes);
  free(s->mount_fds);
  free(s->inaccessible);
  if (s->mount_args)
    for (char **p = s->mount_args; *p; p++) free(*p);
  free(s->mount_args);
  free(s->dev_stage);
}

static bool type_error(napi_env env, const char *field, const char *expected) {
  char text[160];
  snprintf(text, sizeof text, "spawn: %s must be %s", field, expected);
  napi_throw_type_error(env, NULL, text);
  return false;
}

/* Present and neither undefined nor null. */
static bool has_field(napi_env env, napi_value obj, const char *name, napi_value *out) {
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return false;
  if (napi_typeof(env, *out, &t) != napi_ok) return false;
  return t != napi_undefined && t != napi_null;
}

static bool read_string(napi_env env, napi_value v, const char *field, char **out) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return type_error(env, field, "a string");
  *out = malloc(len + 1);
  if (!*out) return type_error(env, field, "smaller (out of memory)");
  napi_get_value_string_utf8(env, v, *out, len + 1, &len);
  return true;
}

static bool read_string_array(napi_env env, napi_value v, const char *field, char ***out) {
  uint32_t n;
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) return type_error(env, field, "an array of strings");
  napi_get_array_length(env, v, &n);
  *out = calloc((size_t)n + 1, sizeof(char *));
  if (!*out) return type_error(env, field, "smaller (out of memory)");
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    if (napi_get_element(env, v, i, &el) != napi_ok || !read_string(env, el, field, &(*out)[i])) return false;
  }
  return true;
}

static bool read_int(napi_env env, napi_value v, const char *field, int64_t min, int64_t max, int64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || d != (double)(int64_t)d || d < (double)min || d > (double)max)
    return type_error(env, field, "an integer in range");
  *out = (int64_t)d;
  return true;
}

static bool read_int_array(napi_env env, napi_value v, const char *field, int64_t min, int64_t max, int64_t **out, uint32_t *n) {
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) return type_error(env, field, "an array of integers");
  napi_get_array_length(env, v, n);
  *out = calloc((size_t)*n + 1, sizeof(int64_t));
  if (!*out) return type_error(env, field, "smaller (out of memory)");
  for (uint32_t i = 0; i < *n; i++) {
    napi_value el;
    if (napi_get_element(env, v, i, &el) != napi_ok || !read_int(env, el, field, min, max, &(*out)[i])) return false;
  }
  return true;
}

/* rlimit values: bigint (RLIM_INFINITY is 2^64-1, beyond a double's exact range) or number. */
static bool read_rlim(napi_env env, napi_value v, rlim_t *out) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    uint64_t r;
    bool lossless;
    if (napi_get_value_bigint_uint64(env, v, &r, &lossless) != napi_ok || !lossless)
      return type_error(env, "rlimits", "values in 0..2^64-1");
    *out = (rlim_t)r;
    return true;
  }
  int64_t r;
  if (!read_int(env, v, "rlimits", 0, INT64_MAX, &r)) return false;
  *out = (rlim_t)r;
  return true;
}

static bool read_bool(napi_env env, napi_value obj, const char *name, bool *out) {
  napi_value v;
  if (!has_field(env, obj, name, &v)) return true;
  if (napi_get_value_bool(env, v, out) != napi_ok) return type_error(env, name, "a boolean");
  return true;
}

/* seccomp: an array of Buffers, each a struct sock_filter array; copied, since the JS buffers may move. */
static bool read_filters(napi_env env, napi_value v, struct spawn_spec *s) {
  bool is_array = false;
  uint32_t n = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) return type_error(env, "seccomp", "an array of Buffers");
  napi_get_array_length(env, v, &n);
  s->filters = calloc((size_t)n + 1, sizeof(struct sock_fprog));
  if (!s->filters) return type_error(env, "seccomp", "smaller (out of memory)");
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    bool is_buffer = false;
    void *data;
    size_t len;
    if (napi_get_element(env, v, i, &el) != napi_ok || napi_is_buffer(env, el, &is_buffer) != napi_ok || !is_buffer ||
        napi_get_buffer_info(env, el, &data, &len) != napi_ok || len == 0 || len % sizeof(struct sock_filter) != 0 ||
        len / sizeof(struct sock_filter) > BPF_MAXINSNS)
      return type_error(env, "seccomp", "an array of BPF programs (Buffers of 8-byte instructions, at most 4096)");
    s->filters[i].filter = malloc(len);
    if (!s->filters[i].filter) return type_error(env, "seccomp", "smaller (out of memory)");
    memcpy(s->filters[i].filter, data, len);
    s->filters[i].len = (unsigned short)(len / sizeof(struct sock_filter));
    s->n_filters = i + 1;
  }
  return true;
}

/* The mount plan: mountPaths, mountModes (as many), and inaccessibleNodes when any path is made inaccessible. */
static bool read_mounts(napi_env env, napi_value o, napi_value paths, struct spawn_spec *s) {
  napi_value v;
  uint32_t n_modes = 0;
  if (!read_string_array(env, paths, "mountPaths", &s->mount_paths)) return false;
  if (!has_field(env, o, "mountModes", &v)) return type_error(env, "mountModes", "an array of numbers, one per mountPaths entry");
  if (!read_int_array(env, v, "mountModes", 0, 1023, &s->mount_modes, &n_modes)) return false;
  while (s->mount_paths[s->n_mounts]) s->n_mounts++;
  if (n_modes != s->n_mounts) return type_error(env, "mountModes", "as long as mountPaths");
  uint32_t n_args = 0;
  if (!has_field(env, o, "mountArgs", &v) || !read_string_array(env, v, "mountArgs", &s->mount_args)) return type_error(env, "mountArgs", "an array of strings, one per mountPaths entry");
  while (s->mount_args[n_args]) n_args++;
  if (n_args != s->n_mounts) return type_error(env, "mountArgs", "as long as mountPaths");
  for (uint32_t i = 0; i < s->n_mounts; i++)
    if ((s->mount_modes[i] & MNT_KIND) == MNT_PRIVATE_DEV && !s->dev_stage &&
        (!has_field(env, o, "devStage", &v) || !read_string(env, v, "devStage", &s->dev_stage)))
      return type_error(env, "devStage", "an empty directory to build /dev in");
  s->mount_fds = calloc((size_t)s->n_mounts + 1, sizeof(int));
  if (!s->mount_fds) return type_error(env, "mountPaths", "smaller (out of memory)");
  for (uint32_t i = 0; i < s->n_mounts; i++)
    if ((s->mount_modes[i] & MNT_KIND) == MNT_INACCESSIBLE && !s->inaccessible &&
        (!has_field(env, o, "inaccessibleNodes", &v) || !read_string(env, v, "inaccessibleNodes", &s->inaccessible)))
      return type_error(env, "inaccessibleNodes", "a directory holding dir and reg");
  return true;
}

static bool read_spec(napi_env env, napi_value o, struct spawn_spec *s) {
  napi_value v;
  int64_t x;
  if (!has_field(env, o, "file", &v) || !read_string(env, v, "file", &s->file)) return s->file ? false : type_error(env, "file", "a string");
  if (!has_field(env, o, "argv", &v)) return type_error(env, "argv", "an array of strings");
  if (!read_string_array(env, v, "argv", &s->argv)) return false;
  if (!has_field(env, o, "envp", &v)) return type_error(env, "envp", "an array of strings");
  if (!read_string_array(env, v, "envp", &s->envp)) return false;
  if (has_field(env, o, "cwd", &v) && !read_string(env, v, "cwd", &s->cwd)) return false;
  if (has_field(env, o, "rootDirectory", &v) && !read_string(env, v, "rootDirectory", &s->root)) return false;
  if (has_field(env, o, "privateTmp", &v) && !read_string(env, v, "privateTmp", &s->private_tmp)) return false;
  if (has_field(env, o, "privateVarTmp", &v) && !read_string(env, v, "privateVarTmp", &s->private_var_tmp)) return false;
  if (!s->private_tmp != !s->private_var_tmp) return type_error(env, "privateTmp", "given with privateVarTmp");
  if (has_field(env, o, "cgroupProcs", &v) && !read_string_array(env, v, "cgroupProcs", &s->cgroup_procs)) return false;

  s->stdio[0] = s->stdio[1] = s->stdio[2] = -1;
  if (has_field(env, o, "stdio", &v)) {
    int64_t *fds = NULL;
    uint32_t n = 0;
    bool ok = read_int_array(env, v, "stdio", -1, INT32_MAX, &fds, &n) && (n == 3 || type_error(env, "stdio", "three fds"));
    if (ok)
      for (int i = 0; i < 3; i++) s->stdio[i] = (int)fds[i];
    free(fds);
    if (!ok) return false;
  }
  if (has_field(env, o, "passFds", &v)) {
    int64_t *fds = NULL;
    bool ok = read_int_array(env, v, "passFds", 0, INT32_MAX, &fds, &s->n_pass_fds);
    if (ok) {
      s->pass_fds = calloc((size_t)s->n_pass_fds + 1, sizeof(int));
      ok = s->pass_fds != NULL;
      for (uint32_t i = 0; ok && i < s->n_pass_fds; i++) s->pass_fds[i] = (int)fds[i];
    }
    free(fds);
    if (!ok) return false;
  }
  if (has_field(env, o, "uid", &v)) {
    if (!read_int(env, v, "uid", 0, UINT32_MAX - 1, &x)) return false;
    s->has_uid = true, s->uid = (uid_t)x;
  }
  if (has_field(env, o, "gid", &v)) {
    if (!read_int(env, v, "gid", 0, UINT32_MAX - 1, &x)) return false;
    s->has_gid = true, s->gid = (gid_t)x;
  }
  if (has_field(env, o, "groups", &v)) {
    int64_t *groups = NULL;
    bool ok = read_int_array(env, v, "groups", 0, UINT32_MAX - 1, &groups, &s->n_groups);
    if (ok) {
      s->groups = calloc((size_t)s->n_groups + 1, sizeof(gid_t));
      ok = s->groups != NULL;
      for (uint32_t i = 0; ok && i < s->n_groups; i++) s->groups[i] = (gid_t)groups[i];
    }
    free(groups);
    if (!ok) return false;
    s->has_groups = true;
  }
  if (has_field(env, o, "umask", &v)) {
    if (!read_int(env, v, "umask", 0, 0777, &x)) return false;
    s->has_umask = true, s->umask = (mode_t)x;
  }
  if (has_field(env, o, "nice", &v)) {
    if (!read_int(env, v, "nice", -20, 19, &x)) return false;
    s->has_nice = true, s->nice = (int)x;
  }
  if (has_field(env, o, "oomScoreAdjust", &v)) {
    if (!read_int(env, v, "oomScoreAdjust", -1000, 1000, &x)) return false;
    s->has_oom = true;
    s->oom_len = (size_t)snprintf(s->oom, sizeof s->oom, "%d", (int)x);
  }
  if (has_field(env, o, "rlimits", &v)) {
    bool is_array = false;
    uint32_t n = 0;
    if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) return type_error(env, "rlimits", "an array of [resource, soft, hard]");
    napi_get_array_length(env, v, &n);
    if (n > MAX_RLIMITS) return type_error(env, "rlimits", "at most 16 entries");
    for (uint32_t i = 0; i < n; i++) {
      napi_value el, r, soft, hard;
      if (napi_get_element(env, v, i, &el) != napi_ok || napi_get_element(env, el, 0, &r) != napi_ok ||
          napi_get_element(env, el, 1, &soft) != napi_ok || napi_get_element(env, el, 2, &hard) != napi_ok)
        return type_error(env, "rlimits", "an array of [resource, soft, hard]");
      if (!read_int(env, r, "rlimits resource", 0, RLIM_NLIMITS - 1, &x)) return false;
      s->limits[i].resource = (int)x;
      if (!read_rlim(env, soft, &s->limits[i].value.rlim_cur) || !read_rlim(env, hard, &s->limits[i].value.rlim_max)) return false;
      s->n_limits = i + 1;
    }
  }
  if (has_field(env, o, "cpuScheduling", &v)) {
    napi_value f;
    int64_t policy = 0, prio = 0;
    bool reset = false;
    if (!has_field(env, v, "policy", &f) || !read_int(env, f, "cpuScheduling.policy", 0, 6, &policy)) return type_error(env, "cpuScheduling.policy", "a SCHED_* number");
    if (has_field(env, v, "priority", &f) && !read_int(env, f, "cpuScheduling.priority", 0, 99, &prio)) return false;
    if (!read_bool(env, v, "resetOnFork", &reset)) return false;
    s->has_sched = true;
    s->sched_policy = (int)policy | (reset ? 0x40000000 /* SCHED_RESET_ON_FORK */ : 0);
    s->sched_priority = (int)prio;
  }
  if (has_field(env, o, "cpuAffinity", &v)) {
    int64_t *cpus = NULL;
    uint32_t n = 0;
    bool ok = read_int_array(env, v, "cpuAffinity", 0, 8191, &cpus, &n);
    if (ok) {
      int64_t max = 0;
      for (uint32_t i = 0; i < n; i++) max = cpus[i] > max ? cpus[i] : max;
      s->cpu_mask_bytes = ((size_t)max / 64 + 1) * sizeof(uint64_t);
      s->cpu_mask = calloc(1, s->cpu_mask_bytes);
      ok = s->cpu_mask != NULL;
      for (uint32_t i = 0; ok && i < n; i++) s->cpu_mask[cpus[i] / 64] |= (uint64_t)1 << (cpus[i] % 64);
    }
    free(cpus);
    if (!ok) return false;
  }
  if (has_field(env, o, "ioprio", &v)) {
    if (!read_int(env, v, "ioprio", 0, 0xffff, &x)) return false;
    s->has_ioprio = true, s->ioprio = (int)x;
  }
  if (has_field(env, o, "timerSlackNs", &v)) {
    if (!read_int(env, v, "timerSlackNs", 1, INT64_MAX, &x)) return false;
    s->has_timerslack = true, s->timerslack_ns = (unsigned long)x;
  }
  if (has_field(env, o, "personality", &v)) {
    if (!read_int(env, v, "personality", 0, 0xffffffffL, &x)) return false;
    s->has_personality = true, s->personality = (unsigned long)x;
  }
  if (has_field(env, o, "secureBits", &v)) {
    if (!read_int(env, v, "secureBits", 0, 0x3f, &x)) return false;
    s->has_securebits = true, s->securebits = (int)x;
  }
  if (has_field(env, o, "capabilityBoundingSet", &v)) {
    bool lossless;
    if (napi_get_value_bigint_uint64(env, v, &s->bounding, &lossless) != napi_ok || !lossless) return type_error(env, "capabilityBoundingSet", "a 64-bit bigint mask");
    s->has_bounding = true;
  }
  if (has_field(env, o, "ambientCapabilities", &v)) {
    bool lossless;
    if (napi_get_value_bigint_uint64(env, v, &s->ambient, &lossless) != napi_ok || !lossless) return type_error(env, "ambientCapabilities", "a 64-bit bigint mask");
    s->has_ambient = s->ambient != 0;
  }
  if (has_field(env, o, "seccomp", &v) && !read_filters(env, v, s)) return false;
  if (has_field(env, o, "mountPaths", &v) && !read_mounts(env, o, v, s)) return false;
  s->netns_fd = s->ipcns_fd = -1;
  if (has_field(env, o, "netnsFd", &v)) {
    if (!read_int(env, v, "netnsFd", 0, INT32_MAX, &x)) return false;
    s->netns_fd = (int)x;
  }
  if (has_field(env, o, "ipcnsFd", &v)) {
    if (!read_int(env, v, "ipcnsFd", 0, INT32_MAX, &x)) return false;
    s->ipcns_fd = (int)x;
  }
  return read_bool(env, o, "setsid", &s->setsid) && read_bool(env, o, "newProcessGroup", &s->new_pgrp) &&
         read_bool(env, o, "noNewPrivileges", &s->no_new_privs) && read_bool(env, o, "newUtsNamespace", &s->new_uts) &&
         read_bool(env, o, "mountNamespace", &s->new_mount_ns) && read_bool(env, o, "privateUsers", &s->private_users);
}

/* ---------- spawn() ---------- */

/* The error JS turns into SpawnError: {stage, errno, exitCode, pid, reason (strerror, for systemd's wording)}. */
static napi_value throw_spawn_error(napi_env env, enum stage st, int err, pid_t pid) {
  char text[200];
  snprintf(text, sizeof text, "spawn failed at %s: %s", stages[st].name, strerror(err));
  napi_value msg, error, vstage;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg) != napi_ok || napi_create_error(env, NULL, msg, &error) != napi_ok)
    return NULL;
  napi_create_string_utf8(env, stages[st].name, NAPI_AUTO_LENGTH, &vstage);
  napi_set_named_property(env, error, "stage", vstage);
  napi_set_named_property(env, error, "errno", svcd_int(env, err));
  napi_set_named_property(env, error, "exitCode", svcd_int(env, stages[st].exit_code));
  napi_set_named_property(env, error, "pid", svcd_int(env, pid));
  napi_value reason;
  if (napi_create_string_utf8(env, strerror(err), NAPI_AUTO_LENGTH, &reason) == napi_ok)
    napi_set_named_property(env, error, "reason", reason);
  napi_throw(env, error);
  return NULL;
}

static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_valuetype t;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_typeof(env, arg, &t) != napi_ok || t != napi_object) {
    napi_throw_type_error(env, NULL, "spawn: expected a spec object");
    return NULL;
  }
  struct spawn_spec s;
  memset(&s, 0, sizeof s);
  if (!read_spec(env, arg, &s)) {
    spec_free(&s);
    return NULL;
  }

  s.scratch = calloc(3 + (size_t)s.n_pass_fds, sizeof(int));
  if (!s.scratch) {
    spec_free(&s);
    return throw_spawn_error(env, ST_CLONE, ENOMEM, 0);
  }
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) {
    int e = errno;
    spec_free(&s);
    return throw_spawn_error(env, ST_CLONE, e, 0);
  }
  long page = sysconf(_SC_PAGESIZE);
  size_t size = CHILD_STACK_SIZE + (size_t)page;
  char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    int e = errno;
    close(pipefd[0]), close(pipefd[1]), spec_free(&s);
    return throw_spawn_error(env, ST_CLONE, e, 0);
  }
  /* A guard page below the stack (it grows down): an overflow faults instead of corrupting. */
  mprotect(stack, (size_t)page, PROT_NONE);

  struct child_ctx ctx = {&s, pipefd[1]};
  /* Block everything, glibc's internal signals too, so no handler runs in the child before it
   * has reset them; the parent's mask is restored right after. */
  uint64_t all = ~(uint64_t)0, old = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
  pid_t pid = clone(child_main, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &ctx);
  int clone_errno = errno;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);

  munmap(stack, size);
  close(pipefd[1]);
  spec_free(&s);
  if (pid < 0) {
    close(pipefd[0]);
    return throw_spawn_error(env, ST_CLONE, clone_errno, 0);
  }
  /* CLONE_VFORK returned: the child has exec'd (the pipe is closed, read gives 0) or has
   * written its report and exited. */
  struct child_report r;
  ssize_t n;
  do n = read(pipefd[0], &r, sizeof r);
  while (n < 0 && errno == EINTR);
  close(pipefd[0]);
  if (n == (ssize_t)sizeof r && r.stage >= 0 && r.stage < ST_COUNT) {
    /* Collected here, so the reaper never reports a process JS was told did not start. */
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return throw_spawn_error(env, (enum stage)r.stage, r.err, pid);
  }
  return svcd_int(env, pid);
}

/* Brings the loopback device up in the calling thread's network namespace (the kernel gives it
 * 127.0.0.1 and ::1 then), as systemd's loopback_setup() does for PrivateNetwork=. */
static int loopback_up(void) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  int r = ioctl(fd, SIOCGIFFLAGS, &ifr);
  if (r == 0 && !(ifr.ifr_flags & IFF_UP)) {
    ifr.ifr_flags |= IFF_UP;
    r = ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  int e = errno;
  close(fd);
  errno = e;
  return r;
}

/* newNamespace("net" | "ipc") → fd: a new namespace of that type for a unit's processes to join
 * (spawn's netnsFd/ipcnsFd). Namespaces belong to threads: this one enters the new namespace, keeps
 * an fd to it, and goes back to its own, so no process need hold it. Throws with the errno (EPERM:
 * the container refuses). */
static napi_value NewNamespace(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  char type[8] = "";
  size_t len;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, arg, type, sizeof type, &len) != napi_ok || (strcmp(type, "net") && strcmp(type, "ipc"))) {
    napi_throw_type_error(env, NULL, "newNamespace: expected \"net\" or \"ipc\"");
    return NULL;
  }
  bool net = strcmp(type, "net") == 0;
  int flag = net ? CLONE_NEWNET : CLONE_NEWIPC;
  const char *self = net ? "/proc/thread-self/ns/net" : "/proc/thread-self/ns/ipc";
  int old = open(self, O_RDONLY | O_CLOEXEC);
  if (old < 0) return svcd_throw_errno(env, "open", errno);
  if (unshare(flag) < 0) {
    int e = errno;
    close(old);
    return svcd_throw_errno(env, "unshare", e);
  }
  int fd = open(self, O_RDONLY | O_CLOEXEC);
  int e = fd < 0 ? errno : 0;
  const char *failed = fd < 0 ? "open" : NULL;
  if (fd >= 0 && net && loopback_up() < 0) e = errno, failed = "SIOCSIFFLAGS";
  /* Back home; a thread left in the new namespace would be svcd's own network gone. */
  if (setns(old, flag) < 0) abort();
  close(old);
  if (failed) {
    if (fd >= 0) close(fd);
    return svcd_throw_errno(env, failed, e);
  }
  return svcd_int(env, fd);
}

int svcd_register_spawn(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "spawn", Spawn) < 0 ? -1 : svcd_define(env, exports, "newNamespace", NewNamespace);
}
