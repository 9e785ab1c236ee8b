/*
 * AF_UNIX datagram sockets on libuv's loop (uv_poll_t): NOTIFY_SOCKET, /dev/log and the journal
 * socket. Node has none; the npm unix-dgram package gives no sender and cuts at 64 KiB.
 *
 * Each datagram is first sized with MSG_PEEK|MSG_TRUNC (Linux ≥3.4 reports the real length for
 * unix datagrams), the buffer grown to fit, then received whole together with the kernel's
 * SCM_CREDENTIALS (SO_PASSCRED): the sender's pid, what NotifyAccess= is checked against, and the
 * kernel's receive time (SO_TIMESTAMP: journald's _SOURCE_REALTIME_TIMESTAMP=). Passed fds
 * (SCM_RIGHTS) go to the callback where the socket was bound to take them (NOTIFY_SOCKET:
 * FDSTORE=1), close-on-exec, the callback's to keep or close; elsewhere they are closed rather than
 * leaked — except the one case of the journal's native protocol: an empty datagram carrying a
 * single sealed memfd is sd_journal_send()'s way of sending a message too large for a datagram,
 * and the memfd's contents are delivered as the datagram.
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <fcntl.h>
#include <sys/un.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

struct dgram {
  uv_poll_t poll;
  int fd;
  napi_env env;
  napi_ref callback;
  char *buf;
  size_t cap;
  bool closing;
  /* Passed fds are handed to the callback (sender.fds) instead of being closed. */
  bool keep_fds;
};

/* The most fds one datagram may carry (the kernel's SCM_MAX_FD). */
#define MAX_FDS 253

/* Datagrams delivered per wakeup before yielding to the rest of the loop: a flood of log lines
 * must not starve child exits and timers. Level-triggered polling brings us back for the rest. */
#define MAX_PER_WAKEUP 256

/* journald's cap on a memfd-passed entry (ENTRY_SIZE_MAX is 768 MiB there); svcd keeps it smaller. */
#define MEMFD_MAX (64 * 1024 * 1024)

static void deliver(struct dgram *d, size_t len, const struct ucred *cred, const struct timeval *tv, const int *fds, size_t nfds) {
  napi_env env = d->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value args[2];
  void *data;
  napi_create_buffer_copy(env, len, d->buf, &data, &args[0]);
  napi_create_object(env, &args[1]);
  napi_set_named_property(env, args[1], "pid", svcd_int(env, cred->pid));
  napi_set_named_property(env, args[1], "uid", svcd_int(env, cred->uid == (uid_t)-1 ? -1 : (int64_t)cred->uid));
  napi_set_named_property(env, args[1], "gid", svcd_int(env, cred->gid == (gid_t)-1 ? -1 : (int64_t)cred->gid));
  napi_value usec;
  napi_create_double(env, (double)tv->tv_sec * 1e6 + (double)tv->tv_usec, &usec);
  napi_set_named_property(env, args[1], "realtimeUsec", usec);
  napi_value list;
  napi_create_array_with_length(env, nfds, &list);
  for (size_t k = 0; k < nfds; k++) napi_set_element(env, list, (uint32_t)k, svcd_int(env, fds[k]));
  napi_set_named_property(env, args[1], "fds", list);
  svcd_call_js(env, d->callback, 2, args);
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  (void)events;
  struct dgram *d = h->data;
  if (status < 0) return;
  for (int i = 0; i < MAX_PER_WAKEUP && !d->closing; i++) {
    ssize_t want = recv(d->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (want < 0 && errno == EINTR) continue;
    if (want < 0) break;
    /* +1 keeps a zero-length datagram from asking realloc for nothing. */
    if ((size_t)want + 1 > d->cap) {
      char *nb = realloc(d->buf, (size_t)want + 1);
      if (!nb) break;
      d->buf = nb;
      d->cap = (size_t)want + 1;
    }
    struct iovec iov = {d->buf, d->cap};
    union {
      struct cmsghdr align;
      char space[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(int) * MAX_FDS)];
    } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(d->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    struct ucred cred = {0, (uid_t)-1, (gid_t)-1};
    struct timeval tv = {0, 0};
    int memfd = -1;
    int kept[MAX_FDS];
    size_t nkept = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof cred)) {
        memcpy(&cred, CMSG_DATA(c), sizeof cred);
      } else if (c->cmsg_type == SCM_TIMESTAMP && c->cmsg_len == CMSG_LEN(sizeof tv)) {
        memcpy(&tv, CMSG_DATA(c), sizeof tv);
      } else if (c->cmsg_type == SCM_RIGHTS) {
        size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t k = 0; k < nfds; k++) {
          int fd;
          memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
          if (d->keep_fds && nkept < MAX_FDS) kept[nkept++] = fd;
          else if (n == 0 && nfds == 1 && memfd < 0) memfd = fd;
          else close(fd);
        }
      }
    }
    if (tv.tv_sec == 0) gettimeofday(&tv, NULL);
    if (memfd >= 0) {
      /* Only a sealed memfd (its contents can no longer change under us), as journald demands. */
      struct stat st;
      int seals = fcntl(memfd, F_GET_SEALS);
      bool ok = seals >= 0 && (seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)) == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) &&
                fstat(memfd, &st) == 0 && st.st_size > 0 && st.st_size <= MEMFD_MAX;
      if (ok && (size_t)st.st_size + 1 > d->cap) {
        char *nb = realloc(d->buf, (size_t)st.st_size + 1);
        if (nb) {
          d->buf = nb;
          d->cap = (size_t)st.st_size + 1;
        } else {
          ok = false;
        }
      }
      ssize_t got = ok ? pread(memfd, d->buf, (size_t)st.st_size, 0) : -1;
      close(memfd);
      if (got != (ssize_t)(ok ? st.st_size : 0) || got <= 0) continue;
      n = got;
    }
    deliver(d, (size_t)n, &cred, &tv, kept, nkept);
  }
}

static void dgram_closed(uv_handle_t *h) {
  struct dgram *d = h->data;
  close(d->fd);
  napi_delete_reference(d->env, d->callback);
  free(d->buf);
  free(d);
}

static void dgram_finalize(napi_env env, void *data, void *hint) {
  (void)env, (void)data, (void)hint; /* lifetime is explicit: closeDatagram() */
}

static bool unix_address(napi_env env, napi_value v, struct sockaddr_un *sa, socklen_t *len) {
  size_t n;
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  if (napi_get_value_string_utf8(env, v, sa->sun_path, sizeof sa->sun_path, &n) != napi_ok || n == 0 ||
      n >= sizeof sa->sun_path - 1) {
    napi_throw_type_error(env, NULL, "expected a unix socket path of 1..106 bytes");
    return false;
  }
  /* A leading '@' names the abstract namespace, as systemd writes it in NOTIFY_SOCKET. */
  if (sa->sun_path[0] == '@') {
    sa->sun_path[0] = '\0';
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
  } else {
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
  }
  return true;
}

/* bindDatagram(path, cb(buffer, {pid, uid, gid, realtimeUsec, fds}), keepFds?) → handle. A stale
 * socket file is replaced. With keepFds, passed fds reach cb in `fds`; otherwise `fds` is empty. */
static napi_value BindDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_valuetype t;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || napi_typeof(env, args[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "bindDatagram: expected (path, callback)");
    return NULL;
  }
  struct sockaddr_un sa;
  socklen_t len;
  if (!unix_address(env, args[0], &sa, &len)) return NULL;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return svcd_throw_errno(env, "socket", errno);
  int one = 1;
  if (sa.sun_path[0] != '\0') {
    struct stat st;
    if (lstat(sa.sun_path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(sa.sun_path);
  }
  if (bind(fd, (struct sockaddr *)&sa, len) < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one) < 0) {
    int e = errno;
    close(fd);
    return svcd_throw_errno(env, "bind", e);
  }
  /* Room for bursts of notify/log datagrams; as root the cap can exceed rmem_max. */
  int big = 8 * 1024 * 1024;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  uv_loop_t *loop;
  struct dgram *d = calloc(1, sizeof *d);
  if (!d || napi_get_uv_event_loop(env, &loop) != napi_ok || napi_create_reference(env, args[1], 1, &d->callback) != napi_ok) {
    free(d);
    close(fd);
    return svcd_throw_errno(env, "bindDatagram", ENOMEM);
  }
  d->fd = fd;
  d->env = env;
  d->poll.data = d;
  bool keep = false;
  if (argc >= 3) napi_get_value_bool(env, args[2], &keep);
  d->keep_fds = keep;
  int r = uv_poll_init(loop, &d->poll, fd);
  if (r == 0) r = uv_poll_start(&d->poll, UV_READABLE, on_readable);
  if (r < 0) {
    napi_delete_reference(env, d->callback);
    free(d);
    close(fd);
    return svcd_throw_errno(env, "uv_poll_start", -r);
  }
  napi_value handle;
  NAPI_OK(env, napi_create_external(env, d, dgram_finalize, NULL, &handle));
  return handle;
}

static napi_value CloseDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  void *p = NULL;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, arg, &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "closeDatagram: expected a handle from bindDatagram");
    return NULL;
  }
  struct dgram *d = p;
  if (!d->closing) {
    d->closing = true;
    uv_close((uv_handle_t *)&d->poll, dgram_closed);
  }
  return NULL;
}

/* sendDatagram(path, buffer) → 0 or errno: sd_notify's way, for tests and JS clients. */
static napi_value SendDatagram(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  void *data;
  size_t n;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  struct sockaddr_un sa;
  socklen_t len;
  if (argc < 2 || !unix_address(env, args[0], &sa, &len)) return NULL;
  if (napi_get_buffer_info(env, args[1], &data, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "sendDatagram: expected a Buffer");
    return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return svcd_int(env, errno);
  /* A datagram larger than the send buffer fails with EMSGSIZE: size the buffer to the message. */
  int want = (int)(n + 4096 < 64 * 1024 * 1024 ? n + 4096 : 64 * 1024 * 1024);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof want) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
  ssize_t r = sendto(fd, data, n, MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
  int e = r < 0 ? errno : 0;
  close(fd);
  return svcd_int(env, e);
}

/*
 * openDatagramSender() → fd or -errno: one unbound, non-blocking datagram socket that sends to many
 * paths (journald's syslog_fd): forwarding a line must not cost a socket of its own, nor wait for
 * a syslog daemon that reads too slowly.
 */
static napi_value OpenDatagramSender(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  return svcd_int(env, fd < 0 ? -errno : fd);
}

/*
 * sendDatagramAs(fd, path, buffer, pid, uid, gid) → 0 or errno: one datagram carrying the original
 * sender's credentials (SCM_CREDENTIALS; pid 0: none), as journald forwards a message to syslog.
 * A sender that is gone (ESRCH) or a pid svcd may not claim (EPERM) is replaced by svcd's own pid
 * and the send tried once more, as journald does.
 */
static napi_value SendDatagramAs(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value args[6];
  int32_t fd, pid, uid, gid;
  void *data;
  size_t n;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  struct sockaddr_un sa;
  socklen_t len;
  if (argc < 6 || napi_get_value_int32(env, args[0], &fd) != napi_ok || !unix_address(env, args[1], &sa, &len)) return NULL;
  if (napi_get_buffer_info(env, args[2], &data, &n) != napi_ok || napi_get_value_int32(env, args[3], &pid) != napi_ok ||
      napi_get_value_int32(env, args[4], &uid) != napi_ok || napi_get_value_int32(env, args[5], &gid) != napi_ok) {
    napi_throw_type_error(env, NULL, "sendDatagramAs: expected (fd, path, Buffer, pid, uid, gid)");
    return NULL;
  }
  struct iovec iov = {.iov_base = data, .iov_len = n};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(struct ucred))];
  } control;
  struct msghdr mh = {.msg_name = &sa, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};
  struct ucred *cred = NULL;
  if (pid > 0) {
    memset(&control, 0, sizeof control);
    mh.msg_control = &control;
    mh.msg_controllen = sizeof control.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
    cred = (struct ucred *)CMSG_DATA(c);
    *cred = (struct ucred){.pid = pid, .uid = (uid_t)uid, .gid = (gid_t)gid};
  }
  if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0) return svcd_int(env, 0);
  if (cred && (errno == ESRCH || errno == EPERM)) {
    cred->pid = getpid();
    if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0) return svcd_int(env, 0);
  }
  return svcd_int(env, errno);
}

int svcd_register_dgram(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "bindDatagram", BindDatagram) | svcd_define(env, exports, "closeDatagram", CloseDatagram) |
         svcd_define(env, exports, "sendDatagram", SendDatagram) | svcd_define(env, exports, "openDatagramSender", OpenDatagramSender) |
         svcd_define(env, exports, "sendDatagramAs", SendDatagramAs);
}
