/*
 * svcd's native part: what Node cannot do for a PID 1 (docs/design/native.md).
 *
 *  spawn()            fork + exec with the exec context applied in between (fds, session, rlimits
 *                     with systemd's "closest allowed value", umask, nice, oom_score_adj, groups,
 *                     gid, uid, cwd, no_new_privs); a failure in the child is reported as
 *                     (systemd exit code of the step, errno) over a close-on-exec pipe.
 *  reaper             a SIGCHLD watcher on libuv's loop that waitpid(-1)s until nothing is left
 *                     and hands every exit, orphans included, to JS in one batch.
 *  signals            handlers for any signal number, real-time ones included (Node can't
 *                     listen for SIGRTMIN+n; a PID 1 ignores signals it has no handler for).
 *  setChildSubreaper  so that orphans come back to svcd when it is not PID 1.
 *  datagrams         AF_UNIX SOCK_DGRAM receive with the sender's pid/uid/gid (SCM_CREDENTIALS),
 *                     never truncated (NOTIFY_SOCKET, /dev/log; Node has no datagram unix sockets).
 *
 * The daemon never uses child_process: this reaper would steal its children's statuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <node_api.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#define EXIT_CHDIR 200
#define EXIT_NICE 201
#define EXIT_EXEC 203
#define EXIT_LIMITS 205
#define EXIT_OOM_ADJUST 206
#define EXIT_SIGNAL_MASK 207
#define EXIT_STDIN 208
#define EXIT_STDOUT 209
#define EXIT_GROUP 216
#define EXIT_USER 217
#define EXIT_SETSID 220
#define EXIT_STDERR 222
#define EXIT_NO_NEW_PRIVILEGES 227
#define EXIT_MEMORY_FALLBACK 204

#define CHECK(call)                                                         \
  do {                                                                      \
    if ((call) != napi_ok) {                                                \
      napi_throw_error(env, NULL, "svcd_native: N-API call failed: " #call); \
      return NULL;                                                          \
    }                                                                       \
  } while (0)

#define MAX_RLIMITS 16
#define MAX_GROUPS 64

struct spawn_spec {
  char *file;
  char **argv;
  char **envp;
  char *cwd;
  int fds[3];
  int has_uid, has_gid, has_umask, has_nice, has_oom, setsid, no_new_privs;
  uid_t uid;
  gid_t gid;
  gid_t groups[MAX_GROUPS];
  int ngroups, has_groups;
  mode_t umask;
  int nice;
  char oom[16];
  int nlimits;
  struct {
    int resource;
    struct rlimit value;
  } limits[MAX_RLIMITS];
};

struct child_error {
  int32_t code;
  int32_t err;
};

/* setrlimit, or the closest value the kernel allows when raising is refused (systemd's
 * setrlimit_closest): LimitNOFILE=65535 under a hard limit of 20000 becomes 20000. */
static int setrlimit_closest(int resource, const struct rlimit *want) {
  if (setrlimit(resource, want) == 0) return 0;
  if (errno != EPERM) return -1;
  struct rlimit cur;
  if (getrlimit(resource, &cur) < 0) return -1;
  struct rlimit fixed = {
      .rlim_cur = want->rlim_cur < cur.rlim_max ? want->rlim_cur : cur.rlim_max,
      .rlim_max = want->rlim_max < cur.rlim_max ? want->rlim_max : cur.rlim_max,
  };
  if (fixed.rlim_cur > fixed.rlim_max) fixed.rlim_cur = fixed.rlim_max;
  return setrlimit(resource, &fixed);
}

static void child_fail(int pipefd, int code) {
  struct child_error e = {code, errno};
  ssize_t n = write(pipefd, &e, sizeof e);
  (void)n;
  _exit(code);
}

/* Runs in the forked child: only async-signal-safe calls, nothing allocated. */
static void child_exec(const struct spawn_spec *s, int pipefd) {
  sigset_t all;
  sigemptyset(&all);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
  if (sigprocmask(SIG_SETMASK, &all, NULL) < 0) child_fail(pipefd, EXIT_SIGNAL_MASK);

  /* Move the given fds out of the way of 0..2 first, so dup2 never clobbers a source. */
  int fds[3];
  static const int codes[3] = {EXIT_STDIN, EXIT_STDOUT, EXIT_STDERR};
  for (int i = 0; i < 3; i++) {
    fds[i] = s->fds[i];
    if (fds[i] < 0) {
      fds[i] = open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY);
      if (fds[i] < 0) child_fail(pipefd, codes[i]);
    }
    if (fds[i] < 3) {
      int moved = fcntl(fds[i], F_DUPFD, 3);
      if (moved < 0) child_fail(pipefd, codes[i]);
      fds[i] = moved;
    }
  }
  for (int i = 0; i < 3; i++) {
    if (dup2(fds[i], i) < 0) child_fail(pipefd, codes[i]);
    int fl = fcntl(i, F_GETFL);
    if (fl >= 0) fcntl(i, F_SETFL, fl & ~O_NONBLOCK);
  }

  if (s->setsid && setsid() < 0) child_fail(pipefd, EXIT_SETSID);
  for (int i = 0; i < s->nlimits; i++)
    if (setrlimit_closest(s->limits[i].resource, &s->limits[i].value) < 0) child_fail(pipefd, EXIT_LIMITS);
  if (s->has_umask) umask(s->umask);
  if (s->has_nice && setpriority(PRIO_PROCESS, 0, s->nice) < 0) child_fail(pipefd, EXIT_NICE);
  if (s->has_oom) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, s->oom, strlen(s->oom)) < 0) child_fail(pipefd, EXIT_OOM_ADJUST);
    close(fd);
  }
  /* Raw syscalls: glibc's setxid wrappers coordinate all threads, which a fork child has not. */
  if (s->has_groups && syscall(SYS_setgroups, s->ngroups, s->groups) < 0) child_fail(pipefd, EXIT_GROUP);
  if (s->has_gid && syscall(SYS_setresgid, s->gid, s->gid, s->gid) < 0) child_fail(pipefd, EXIT_GROUP);
  if (s->has_uid && syscall(SYS_setresuid, s->uid, s->uid, s->uid) < 0) child_fail(pipefd, EXIT_USER);
  if (s->cwd && chdir(s->cwd) < 0) child_fail(pipefd, EXIT_CHDIR);
  if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(pipefd, EXIT_NO_NEW_PRIVILEGES);
  execve(s->file, s->argv, s->envp);
  child_fail(pipefd, EXIT_EXEC);
}

/* ---------- argument helpers ---------- */

static char *get_string(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *buf = malloc(len + 1);
  if (!buf) return NULL;
  napi_get_value_string_utf8(env, v, buf, len + 1, &len);
  return buf;
}

static int get_prop(napi_env env, napi_value obj, const char *name, napi_value *out) {
  bool has = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return 0;
  napi_valuetype t;
  napi_typeof(env, *out, &t);
  return t != napi_undefined && t != napi_null;
}

static char **get_string_array(napi_env env, napi_value arr) {
  uint32_t n = 0;
  if (napi_get_array_length(env, arr, &n) != napi_ok) return NULL;
  char **out = calloc(n + 1, sizeof(char *));
  if (!out) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    napi_get_element(env, arr, i, &el);
    out[i] = get_string(env, el);
  }
  return out;
}

static void free_string_array(char **a) {
  if (!a) return;
  for (char **p = a; *p; p++) free(*p);
  free(a);
}

static int64_t get_int(napi_env env, napi_value obj, const char *name, int *present) {
  napi_value v;
  *present = get_prop(env, obj, name, &v);
  int64_t r = 0;
  if (*present) napi_get_value_int64(env, v, &r);
  return r;
}

/* rlimit values come as bigint (RLIM_INFINITY does not fit a double exactly) or number. */
static rlim_t get_rlim(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    uint64_t r;
    bool lossless;
    napi_get_value_bigint_uint64(env, v, &r, &lossless);
    return (rlim_t)r;
  }
  int64_t r = 0;
  napi_get_value_int64(env, v, &r);
  return r < 0 ? RLIM_INFINITY : (rlim_t)r;
}

static napi_value throw_spawn_error(napi_env env, int code, int err) {
  napi_value msg, error, vcode, verr;
  char text[128];
  snprintf(text, sizeof text, "spawn failed at step %d: %s", code, strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &error);
  napi_create_int32(env, code, &vcode);
  napi_create_int32(env, err, &verr);
  napi_set_named_property(env, error, "exitCode", vcode);
  napi_set_named_property(env, error, "errno", verr);
  napi_throw(env, error);
  return NULL;
}

/* spawn({file, argv, envp, cwd?, fds?: [in,out,err], uid?, gid?, groups?, umask?, nice?,
 *        oomScoreAdjust?, rlimits?: [[resource, soft, hard]...], setsid?, noNewPrivileges?}) → pid */
static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value spec_v;
  CHECK(napi_get_cb_info(env, info, &argc, &spec_v, NULL, NULL));
  struct spawn_spec s;
  memset(&s, 0, sizeof s);
  s.fds[0] = s.fds[1] = s.fds[2] = -1;
  napi_value v;
  if (get_prop(env, spec_v, "file", &v)) s.file = get_string(env, v);
  if (get_prop(env, spec_v, "argv", &v)) s.argv = get_string_array(env, v);
  if (get_prop(env, spec_v, "envp", &v)) s.envp = get_string_array(env, v);
  if (get_prop(env, spec_v, "cwd", &v)) s.cwd = get_string(env, v);
  if (!s.file || !s.argv || !s.envp) {
    free(s.file), free_string_array(s.argv), free_string_array(s.envp), free(s.cwd);
    napi_throw_type_error(env, NULL, "spawn: file, argv and envp are required");
    return NULL;
  }
  if (get_prop(env, spec_v, "fds", &v)) {
    for (uint32_t i = 0; i < 3; i++) {
      napi_value el;
      int32_t fd = -1;
      if (napi_get_element(env, v, i, &el) == napi_ok) napi_get_value_int32(env, el, &fd);
      s.fds[i] = fd;
    }
  }
  s.uid = (uid_t)get_int(env, spec_v, "uid", &s.has_uid);
  s.gid = (gid_t)get_int(env, spec_v, "gid", &s.has_gid);
  s.umask = (mode_t)get_int(env, spec_v, "umask", &s.has_umask);
  s.nice = (int)get_int(env, spec_v, "nice", &s.has_nice);
  int64_t oom = get_int(env, spec_v, "oomScoreAdjust", &s.has_oom);
  if (s.has_oom) snprintf(s.oom, sizeof s.oom, "%lld", (long long)oom);
  if (get_prop(env, spec_v, "setsid", &v)) { bool b; napi_get_value_bool(env, v, &b); s.setsid = b; }
  if (get_prop(env, spec_v, "noNewPrivileges", &v)) { bool b; napi_get_value_bool(env, v, &b); s.no_new_privs = b; }
  if (get_prop(env, spec_v, "groups", &v)) {
    uint32_t n = 0;
    napi_get_array_length(env, v, &n);
    s.has_groups = 1;
    for (uint32_t i = 0; i < n && i < MAX_GROUPS; i++) {
      napi_value el;
      int64_t g;
      napi_get_element(env, v, i, &el);
      napi_get_value_int64(env, el, &g);
      s.groups[s.ngroups++] = (gid_t)g;
    }
  }
  if (get_prop(env, spec_v, "rlimits", &v)) {
    uint32_t n = 0;
    napi_get_array_length(env, v, &n);
    for (uint32_t i = 0; i < n && i < MAX_RLIMITS; i++) {
      napi_value el, r, soft, hard;
      int32_t resource;
      napi_get_element(env, v, i, &el);
      napi_get_element(env, el, 0, &r);
      napi_get_element(env, el, 1, &soft);
      napi_get_element(env, el, 2, &hard);
      napi_get_value_int32(env, r, &resource);
      s.limits[s.nlimits].resource = resource;
      s.limits[s.nlimits].value.rlim_cur = get_rlim(env, soft);
      s.limits[s.nlimits].value.rlim_max = get_rlim(env, hard);
      s.nlimits++;
    }
  }

  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) {
    free(s.file), free_string_array(s.argv), free_string_array(s.envp), free(s.cwd);
    return throw_spawn_error(env, EXIT_MEMORY_FALLBACK, errno);
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    child_exec(&s, p[1]);
  }
  int fork_errno = errno;
  close(p[1]);
  free(s.file), free_string_array(s.argv), free_string_array(s.envp), free(s.cwd);
  if (pid < 0) {
    close(p[0]);
    return throw_spawn_error(env, EXIT_MEMORY_FALLBACK, fork_errno);
  }
  struct child_error ce;
  ssize_t n;
  do n = read(p[0], &ce, sizeof ce);
  while (n < 0 && errno == EINTR);
  close(p[0]);
  if (n == (ssize_t)sizeof ce) {
    /* The child has _exit()ed; collect it here unless the reaper was faster. */
    waitpid(pid, NULL, 0);
    return throw_spawn_error(env, ce.code, ce.err);
  }
  napi_value out;
  CHECK(napi_create_int32(env, pid, &out));
  return out;
}

/* ---------- reaper and signals ---------- */

struct watcher {
  uv_signal_t handle;
  napi_env env;
  napi_ref callback;
};

static struct watcher *reaper;

static void call_js(struct watcher *w, napi_value arg) {
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, global, result;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &global);
  if (napi_call_function(env, global, cb, 1, &arg, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
  napi_close_handle_scope(env, scope);
}

static void reap_all(struct watcher *w) {
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value batch;
  napi_create_array(env, &batch);
  uint32_t count = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    napi_value e, vpid, vcode, vsig, vcore;
    napi_create_object(env, &e);
    napi_create_int32(env, pid, &vpid);
    napi_create_int32(env, WIFEXITED(status) ? WEXITSTATUS(status) : -1, &vcode);
    napi_create_int32(env, WIFSIGNALED(status) ? WTERMSIG(status) : 0, &vsig);
    napi_get_boolean(env, WIFSIGNALED(status) && WCOREDUMP(status), &vcore);
    napi_set_named_property(env, e, "pid", vpid);
    napi_set_named_property(env, e, "code", vcode);
    napi_set_named_property(env, e, "signal", vsig);
    napi_set_named_property(env, e, "coreDumped", vcore);
    napi_set_element(env, batch, count++, e);
  }
  if (count > 0) call_js(w, batch);
  napi_close_handle_scope(env, scope);
}

static void on_sigchld(uv_signal_t *h, int signum) {
  reap_all((struct watcher *)h->data);
}

static napi_value StartReaper(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cb;
  CHECK(napi_get_cb_info(env, info, &argc, &cb, NULL, NULL));
  if (reaper) {
    napi_throw_error(env, NULL, "reaper already started");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  reaper = calloc(1, sizeof *reaper);
  reaper->env = env;
  reaper->handle.data = reaper;
  CHECK(napi_create_reference(env, cb, 1, &reaper->callback));
  uv_signal_init(loop, &reaper->handle);
  uv_signal_start(&reaper->handle, on_sigchld, SIGCHLD);
  /* Children that exited before the watcher existed sent their SIGCHLD already. */
  reap_all(reaper);
  return NULL;
}

#define MAX_SIGNAL_WATCHERS 64
static struct watcher *signal_watchers[MAX_SIGNAL_WATCHERS];
static int n_signal_watchers;

static void on_signal(uv_signal_t *h, int signum) {
  struct watcher *w = h->data;
  napi_handle_scope scope;
  napi_open_handle_scope(w->env, &scope);
  napi_value v;
  napi_create_int32(w->env, signum, &v);
  call_js(w, v);
  napi_close_handle_scope(w->env, scope);
}

/* watchSignals([signum...], cb): cb(signum) for each delivery, real-time signals included. */
static napi_value WatchSignals(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  uint32_t n = 0;
  CHECK(napi_get_array_length(env, args[0], &n));
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  for (uint32_t i = 0; i < n && n_signal_watchers < MAX_SIGNAL_WATCHERS; i++) {
    napi_value el;
    int32_t signum;
    napi_get_element(env, args[0], i, &el);
    napi_get_value_int32(env, el, &signum);
    struct watcher *w = calloc(1, sizeof *w);
    w->env = env;
    w->handle.data = w;
    napi_create_reference(env, args[1], 1, &w->callback);
    uv_signal_init(loop, &w->handle);
    int r = uv_signal_start(&w->handle, on_signal, signum);
    if (r < 0) {
      napi_throw_error(env, NULL, uv_strerror(r));
      return NULL;
    }
    signal_watchers[n_signal_watchers++] = w;
  }
  return NULL;
}

static void close_cb(uv_handle_t *h) {
  struct watcher *w = h->data;
  napi_delete_reference(w->env, w->callback);
  free(w);
}

/* Stop every watcher, so a process that is done can exit by itself. */
static napi_value StopAll(napi_env env, napi_callback_info info) {
  if (reaper) {
    uv_close((uv_handle_t *)&reaper->handle, close_cb);
    reaper = NULL;
  }
  for (int i = 0; i < n_signal_watchers; i++) uv_close((uv_handle_t *)&signal_watchers[i]->handle, close_cb);
  n_signal_watchers = 0;
  return NULL;
}

static napi_value SetChildSubreaper(napi_env env, napi_callback_info info) {
  napi_value out;
  int r = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  CHECK(napi_create_int32(env, r < 0 ? errno : 0, &out));
  return out;
}

/* kill(pid, signum) → 0 or errno. */
static napi_value Kill(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2], out;
  int32_t pid, sig;
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  CHECK(napi_get_value_int32(env, args[0], &pid));
  CHECK(napi_get_value_int32(env, args[1], &sig));
  int r = kill(pid, sig);
  CHECK(napi_create_int32(env, r < 0 ? errno : 0, &out));
  return out;
}


/* ---------- AF_UNIX datagram sockets (NOTIFY_SOCKET, /dev/log, the journal socket) ---------- */

struct dgram {
  uv_poll_t poll;
  int fd;
  napi_env env;
  napi_ref callback;
  char *buf;
  size_t cap;
};

static void on_dgram(uv_poll_t *h, int status, int events) {
  struct dgram *d = h->data;
  if (status < 0) return;
  for (;;) {
    /* Size the buffer to the next datagram first, so nothing is ever truncated. */
    ssize_t want = recv(d->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (want < 0) break;
    if ((size_t)want + 1 > d->cap) {
      char *nb = realloc(d->buf, (size_t)want + 1);
      if (!nb) break;
      d->buf = nb;
      d->cap = (size_t)want + 1;
    }
    struct iovec iov = {d->buf, d->cap};
    union {
      struct cmsghdr align;
      char space[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 16)];
    } control;
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(d->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) break;
    struct ucred cred = {0, (uid_t)-1, (gid_t)-1};
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof cred))
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
      else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        /* Passed fds are not accepted yet: close them rather than leak them. */
        int nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int *fds = (int *)CMSG_DATA(c);
        for (int i = 0; i < nfds; i++) close(fds[i]);
      }
    }
    napi_env env = d->env;
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    napi_value args[2], buffer, cb, global, result, vpid, vuid, vgid;
    void *data;
    napi_create_buffer_copy(env, (size_t)n, d->buf, &data, &buffer);
    napi_create_object(env, &args[1]);
    napi_create_int32(env, cred.pid, &vpid);
    napi_create_int64(env, cred.uid == (uid_t)-1 ? -1 : (int64_t)cred.uid, &vuid);
    napi_create_int64(env, cred.gid == (gid_t)-1 ? -1 : (int64_t)cred.gid, &vgid);
    napi_set_named_property(env, args[1], "pid", vpid);
    napi_set_named_property(env, args[1], "uid", vuid);
    napi_set_named_property(env, args[1], "gid", vgid);
    args[0] = buffer;
    napi_get_reference_value(env, d->callback, &cb);
    napi_get_global(env, &global);
    if (napi_call_function(env, global, cb, 2, args, &result) == napi_pending_exception) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
    napi_close_handle_scope(env, scope);
  }
}

static void dgram_close_cb(uv_handle_t *h) {
  struct dgram *d = h->data;
  close(d->fd);
  napi_delete_reference(d->env, d->callback);
  free(d->buf);
  free(d);
}

static void dgram_finalize(napi_env env, void *data, void *hint) {
  /* Lifetime is explicit (closeDatagram); nothing to do when the JS handle goes away. */
}

static int unix_address(napi_env env, napi_value v, struct sockaddr_un *sa, socklen_t *len) {
  size_t n;
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  if (napi_get_value_string_utf8(env, v, sa->sun_path, sizeof sa->sun_path, &n) != napi_ok) return -1;
  if (n >= sizeof sa->sun_path - 1) return -1;
  *len = offsetof(struct sockaddr_un, sun_path) + n + 1;
  return 0;
}

/* bindDatagram(path, cb(buffer, {pid, uid, gid})) → handle. Replaces a stale socket file. */
static napi_value BindDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  struct sockaddr_un sa;
  socklen_t len;
  if (unix_address(env, args[0], &sa, &len) < 0) {
    napi_throw_error(env, NULL, "bindDatagram: bad socket path");
    return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int one = 1, big = 8 * 1024 * 1024;
  if (fd < 0 || (unlink(sa.sun_path) < 0 && errno != ENOENT) || bind(fd, (struct sockaddr *)&sa, len) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    napi_throw_error(env, NULL, strerror(e));
    return NULL;
  }
  /* A large receive buffer absorbs bursts; as root the limit can be raised past rmem_max. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  struct dgram *d = calloc(1, sizeof *d);
  d->fd = fd;
  d->env = env;
  d->poll.data = d;
  napi_create_reference(env, args[1], 1, &d->callback);
  uv_poll_init(loop, &d->poll, fd);
  uv_poll_start(&d->poll, UV_READABLE, on_dgram);
  napi_value handle;
  CHECK(napi_create_external(env, d, dgram_finalize, NULL, &handle));
  return handle;
}

static napi_value CloseDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  void *p;
  CHECK(napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  CHECK(napi_get_value_external(env, arg, &p));
  struct dgram *d = p;
  if (d && !uv_is_closing((uv_handle_t *)&d->poll)) uv_close((uv_handle_t *)&d->poll, dgram_close_cb);
  return NULL;
}

/* sendDatagram(path, buffer) → 0 or errno: what sd_notify does, for tests and clients. */
static napi_value SendDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2], out;
  CHECK(napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  struct sockaddr_un sa;
  socklen_t len;
  void *data;
  size_t n;
  if (unix_address(env, args[0], &sa, &len) < 0) {
    napi_throw_error(env, NULL, "sendDatagram: bad socket path");
    return NULL;
  }
  CHECK(napi_get_buffer_info(env, args[1], &data, &n));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int big = 8 * 1024 * 1024;
  if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  int r = fd < 0 ? -1 : (int)sendto(fd, data, n, MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
  int e = r < 0 ? errno : 0;
  if (fd >= 0) close(fd);
  CHECK(napi_create_int32(env, e, &out));
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"spawn", NULL, Spawn, NULL, NULL, NULL, napi_default, NULL},
      {"startReaper", NULL, StartReaper, NULL, NULL, NULL, napi_default, NULL},
      {"watchSignals", NULL, WatchSignals, NULL, NULL, NULL, napi_default, NULL},
      {"stopAll", NULL, StopAll, NULL, NULL, NULL, napi_default, NULL},
      {"setChildSubreaper", NULL, SetChildSubreaper, NULL, NULL, NULL, napi_default, NULL},
      {"kill", NULL, Kill, NULL, NULL, NULL, napi_default, NULL},
      {"bindDatagram", NULL, BindDatagram, NULL, NULL, NULL, napi_default, NULL},
      {"closeDatagram", NULL, CloseDatagram, NULL, NULL, NULL, napi_default, NULL},
      {"sendDatagram", NULL, SendDatagram, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
