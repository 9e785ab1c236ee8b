/*
 * Socket units' listening fds (systemd.socket(5)): Node's net module cannot bind AF_UNIX datagram
 * or seqpacket sockets, set IP_FREEBIND/SO_PASSSEC/IPV6_V6ONLY before bind(), make FIFOs, or hand
 * its listening fds to a child, so socket units bind here and keep plain fds.
 *
 *  listenSocket({type, family, host, port, path, cid, backlog, ...}) → fd   socket()/setsockopt()/bind()/listen()
 *  makeFifo(path, mode) → fd                                               mkfifo() + open(O_RDWR)
 *  listenNetlink(protocol, group, passCredentials) → fd                    socket(AF_NETLINK, SOCK_RAW)/bind()
 *  openMessageQueue(path, mode) → fd / unlinkMessageQueue(path) → errno    mq_open(O_CREAT|O_RDONLY) / mq_unlink()
 *  watchReadable(fd, cb) → handle / unwatch(handle)                         uv_poll_t, stopped by unwatch
 *  acceptConnection(fd) → {fd, local, remote, pid, uid} | null              accept4(); null on EAGAIN
 *  svcd_fill_listen_pid(envp)                                               for spawn.c: LISTEN_PID= in the child
 *
 * Every fd is O_NONBLOCK|O_CLOEXEC, as systemd makes them; the child gets them through spawn's
 * passFds (dup2 clears close-on-exec).
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <mqueue.h>
#include <unistd.h>
#include <uv.h>

static bool get_string(napi_env env, napi_value o, const char *name, char *buf, size_t cap) {
  napi_value v;
  bool has = false;
  napi_valuetype t;
  buf[0] = '\0';
  if (napi_has_named_property(env, o, name, &has) != napi_ok || !has) return false;
  if (napi_get_named_property(env, o, name, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok || t != napi_string) return false;
  size_t n;
  return napi_get_value_string_utf8(env, v, buf, cap, &n) == napi_ok;
}

static int64_t get_int(napi_env env, napi_value o, const char *name, int64_t dflt) {
  napi_value v;
  bool has = false;
  napi_valuetype t;
  int64_t out = dflt;
  if (napi_has_named_property(env, o, name, &has) != napi_ok || !has) return dflt;
  if (napi_get_named_property(env, o, name, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return dflt;
  if (t == napi_boolean) {
    bool b;
    napi_get_value_bool(env, v, &b);
    return b;
  }
  if (t != napi_number) return dflt;
  napi_get_value_int64(env, v, &out);
  return out;
}

static int set_int(int fd, int level, int opt, int v) { return setsockopt(fd, level, opt, &v, sizeof v); }

/*
 * An option systemd only warns about when the kernel refuses it (SO_PASSSEC on an IP socket is
 * EOPNOTSUPP): "NAME failed: strerror" is handed to o.warn(text) and the socket is opened without it.
 */
static void set_or_warn(napi_env env, napi_value o, int fd, int level, int opt, const char *name) {
  if (set_int(fd, level, opt, 1) == 0) return;
  char text[128];
  snprintf(text, sizeof text, "%s failed: %s", name, strerror(errno));
  napi_value fn, arg;
  napi_valuetype t;
  if (napi_get_named_property(env, o, "warn", &fn) != napi_ok || napi_typeof(env, fn, &t) != napi_ok || t != napi_function) return;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &arg) != napi_ok) return;
  napi_call_function(env, o, fn, 1, &arg, NULL);
}

/* Throws with the syscall that failed; the caller words the unit's message from .syscall/.errno. */
static napi_value fail(napi_env env, int fd, const char *syscall) {
  int e = errno;
  if (fd >= 0) close(fd);
  return svcd_throw_errno(env, syscall, e);
}

static napi_value ListenSocket(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value o;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &o, NULL, NULL));
  char type[16], family[8], host[64], path[sizeof(((struct sockaddr_un *)0)->sun_path) + 2], v6only[16];
  get_string(env, o, "type", type, sizeof type);
  get_string(env, o, "family", family, sizeof family);
  get_string(env, o, "host", host, sizeof host);
  get_string(env, o, "path", path, sizeof path);
  get_string(env, o, "bindIPv6Only", v6only, sizeof v6only);
  int stype = strcmp(type, "dgram") == 0 ? SOCK_DGRAM : strcmp(type, "seqpacket") == 0 ? SOCK_SEQPACKET : SOCK_STREAM;
  int port = (int)get_int(env, o, "port", 0);
  union {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_vm vm;
  } addr;
  socklen_t len;
  memset(&addr, 0, sizeof addr);
  int af;
  if (strcmp(family, "inet") == 0) {
    af = AF_INET;
    addr.in.sin_family = AF_INET;
    addr.in.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &addr.in.sin_addr) != 1) return svcd_throw_errno(env, "inet_pton", EINVAL);
    len = sizeof addr.in;
  } else if (strcmp(family, "inet6") == 0) {
    af = AF_INET6;
    addr.in6.sin6_family = AF_INET6;
    addr.in6.sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host[0] ? host : "::", &addr.in6.sin6_addr) != 1) return svcd_throw_errno(env, "inet_pton", EINVAL);
    len = sizeof addr.in6;
  } else if (strcmp(family, "unix") == 0) {
    af = AF_UNIX;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof addr.un.sun_path) return svcd_throw_errno(env, "bind", ENAMETOOLONG);
    addr.un.sun_family = AF_UNIX;
    memcpy(addr.un.sun_path, path, n);
    /* "@name": the abstract namespace, its length without a NUL. */
    if (path[0] == '@') {
      addr.un.sun_path[0] = '\0';
      len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    } else {
      len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    }
  } else if (strcmp(family, "vsock") == 0) {
    af = AF_VSOCK;
    addr.vm.svm_family = AF_VSOCK;
    addr.vm.svm_cid = (unsigned)get_int(env, o, "cid", VMADDR_CID_ANY);
    addr.vm.svm_port = (unsigned)port;
    len = sizeof addr.vm;
  } else {
    return svcd_throw_errno(env, "socket", EAFNOSUPPORT);
  }

  int fd = socket(af, stype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env, -1, "socket");
  if (af == AF_INET || af == AF_INET6) {
    /* systemd sets SO_REUSEADDR on every IP socket, so a restart does not wait out TIME_WAIT. */
    if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0) return fail(env, fd, "setsockopt");
    if (get_int(env, o, "freeBind", 0)) set_or_warn(env, o, fd, af == AF_INET ? SOL_IP : SOL_IPV6, af == AF_INET ? IP_FREEBIND : IPV6_FREEBIND, "IP_FREEBIND/IPV6_FREEBIND");
    if (af == AF_INET6 && strcmp(v6only, "default") != 0 && v6only[0] &&
        set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, strcmp(v6only, "ipv6-only") == 0) < 0)
      return fail(env, fd, "setsockopt");
  }
  if (get_int(env, o, "reusePort", 0)) set_or_warn(env, o, fd, SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT");
  if (get_int(env, o, "keepAlive", 0)) set_or_warn(env, o, fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
  if (get_int(env, o, "noDelay", 0) && stype == SOCK_STREAM && (af == AF_INET || af == AF_INET6)) set_or_warn(env, o, fd, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY");
  if (get_int(env, o, "passCredentials", 0)) set_or_warn(env, o, fd, SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED");
  if (get_int(env, o, "passSecurity", 0)) set_or_warn(env, o, fd, SOL_SOCKET, SO_PASSSEC, "SO_PASSSEC");

  if (bind(fd, &addr.sa, len) < 0) {
    /* A socket file left by an earlier run is in the way: systemd unlinks it and binds again. */
    if (!(errno == EADDRINUSE && af == AF_UNIX && path[0] == '/' && unlink(path) == 0 && bind(fd, &addr.sa, len) == 0))
      return fail(env, fd, "bind");
  }
  if (stype != SOCK_DGRAM && listen(fd, (int)get_int(env, o, "backlog", SOMAXCONN)) < 0) return fail(env, fd, "listen");
  return svcd_int(env, fd);
}

static napi_value MakeFifo(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  char path[4096];
  size_t n;
  int32_t mode;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || napi_get_value_string_utf8(env, args[0], path, sizeof path, &n) != napi_ok || napi_get_value_int32(env, args[1], &mode) != napi_ok) {
    napi_throw_type_error(env, NULL, "makeFifo: expected (path, mode)");
    return NULL;
  }
  mode_t old = umask(0);
  int r = mkfifo(path, (mode_t)mode);
  umask(old);
  if (r < 0 && errno != EEXIST) return fail(env, -1, "mkfifo");
  /* O_RDWR: the FIFO never reads EOF when a writer goes, as systemd opens it. */
  int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
  if (fd < 0) return fail(env, -1, "open");
  struct stat st;
  if (fstat(fd, &st) < 0) return fail(env, fd, "fstat");
  if (!S_ISFIFO(st.st_mode)) {
    errno = EEXIST;
    return fail(env, fd, "mkfifo");
  }
  return svcd_int(env, fd);
}

/* ListenNetlink=: a raw netlink socket of `protocol` bound to the multicast `group` mask. */
static napi_value ListenNetlink(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  int32_t protocol;
  uint32_t group;
  bool passcred = false;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 3 || napi_get_value_int32(env, args[0], &protocol) != napi_ok || napi_get_value_uint32(env, args[1], &group) != napi_ok ||
      napi_get_value_bool(env, args[2], &passcred) != napi_ok) {
    napi_throw_type_error(env, NULL, "listenNetlink: expected (protocol, group, passCredentials)");
    return NULL;
  }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return fail(env, -1, "socket");
  if (passcred && set_int(fd, SOL_SOCKET, SO_PASSCRED, 1) < 0) return fail(env, fd, "setsockopt");
  struct sockaddr_nl nl;
  memset(&nl, 0, sizeof nl);
  nl.nl_family = AF_NETLINK;
  nl.nl_groups = group;
  if (bind(fd, (struct sockaddr *)&nl, sizeof nl) < 0) return fail(env, fd, "bind");
  return svcd_int(env, fd);
}

static bool path_arg(napi_env env, napi_value v, char *buf, size_t cap) {
  size_t n;
  return napi_get_value_string_utf8(env, v, buf, cap, &n) == napi_ok && n > 0 && n < cap - 1;
}

/* ListenMessageQueue=: the POSIX message queue `path`, made with `mode` (the umask cannot widen
 * it) and opened for reading, as systemd opens it. */
static napi_value OpenMessageQueue(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  char path[256];
  int32_t mode;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || !path_arg(env, args[0], path, sizeof path) || napi_get_value_int32(env, args[1], &mode) != napi_ok) {
    napi_throw_type_error(env, NULL, "openMessageQueue: expected (path, mode)");
    return NULL;
  }
  mode_t old = umask(0);
  umask(~(mode_t)mode | old);
  mqd_t q = mq_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_CREAT, (mode_t)mode, NULL);
  int e = errno;
  umask(old);
  if (q < 0) return svcd_throw_errno(env, "mq_open", e);
  return svcd_int(env, (int)q);
}

/* RemoveOnStop= of a ListenMessageQueue=: 0 or the errno. */
static napi_value UnlinkMessageQueue(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  char path[256];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || !path_arg(env, arg, path, sizeof path)) {
    napi_throw_type_error(env, NULL, "unlinkMessageQueue: expected (path)");
    return NULL;
  }
  return svcd_int(env, mq_unlink(path) < 0 ? errno : 0);
}

struct watch {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  bool closing;
};

static void on_readable(uv_poll_t *h, int status, int events) {
  (void)events;
  struct watch *w = h->data;
  if (w->closing) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(w->env, &scope) != napi_ok) return;
  napi_value arg = svcd_int(w->env, status);
  svcd_call_js(w->env, w->callback, 1, &arg);
  napi_close_handle_scope(w->env, scope);
}

static void watch_closed(uv_handle_t *h) {
  struct watch *w = h->data;
  napi_delete_reference(w->env, w->callback);
  free(w);
}

static void watch_finalize(napi_env env, void *data, void *hint) { (void)env, (void)data, (void)hint; }

/* watchReadable(fd, cb(status)) → handle: cb runs while the fd is readable (level-triggered). */
static napi_value WatchReadable(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  int32_t fd;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, args[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "watchReadable: expected (fd, callback)");
    return NULL;
  }
  uv_loop_t *loop;
  struct watch *w = calloc(1, sizeof *w);
  if (!w || napi_get_uv_event_loop(env, &loop) != napi_ok || napi_create_reference(env, args[1], 1, &w->callback) != napi_ok) {
    free(w);
    return svcd_throw_errno(env, "watchReadable", ENOMEM);
  }
  w->env = env;
  w->poll.data = w;
  int r = uv_poll_init(loop, &w->poll, fd);
  if (r == 0) r = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  if (r < 0) {
    napi_delete_reference(env, w->callback);
    free(w);
    return svcd_throw_errno(env, "uv_poll_start", -r);
  }
  napi_value handle;
  NAPI_OK(env, napi_create_external(env, w, watch_finalize, NULL, &handle));
  return handle;
}

/* unwatch(handle): stops the watch; the fd stays open (it is the caller's). */
static napi_value Unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  void *p = NULL;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, arg, &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "unwatch: expected a handle from watchReadable");
    return NULL;
  }
  struct watch *w = p;
  if (!w->closing) {
    w->closing = true;
    uv_poll_stop(&w->poll);
    uv_close((uv_handle_t *)&w->poll, watch_closed);
  }
  return NULL;
}

/* An IP endpoint as systemd writes it in an instance name: a.b.c.d:port (v4-mapped v6 too), else the v6 text:port. */
static void endpoint(const struct sockaddr_storage *ss, char *out, size_t cap) {
  char text[INET6_ADDRSTRLEN];
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    snprintf(out, cap, "%s:%u", text, ntohs(in->sin_port));
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
    else inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    snprintf(out, cap, "%s:%u", text, ntohs(in6->sin6_port));
  } else if (ss->ss_family == AF_VSOCK) {
    const struct sockaddr_vm *vm = (const struct sockaddr_vm *)ss;
    snprintf(out, cap, "%u:%u", vm->svm_cid, vm->svm_port);
  } else {
    out[0] = '\0';
  }
}

/* acceptConnection(fd) → {fd, family, local, remote, pid, uid} or null when no connection waits. */
static napi_value AcceptConnection(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  int32_t lfd;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, arg, &lfd) != napi_ok) {
    napi_throw_type_error(env, NULL, "acceptConnection: expected an fd");
    return NULL;
  }
  int cfd;
  do cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (cfd < 0 && errno == EINTR);
  if (cfd < 0) {
    napi_value null;
    napi_get_null(env, &null);
    if (errno == EAGAIN || errno == EWOULDBLOCK) return null;
    return fail(env, -1, "accept4");
  }
  /* The connection goes to a service as a blocking fd, as systemd hands it over. */
  int fl = fcntl(cfd, F_GETFL);
  if (fl >= 0) fcntl(cfd, F_SETFL, fl & ~O_NONBLOCK);
  struct sockaddr_storage local, remote;
  socklen_t ll = sizeof local, rl = sizeof remote;
  memset(&local, 0, sizeof local);
  memset(&remote, 0, sizeof remote);
  getsockname(cfd, (struct sockaddr *)&local, &ll);
  getpeername(cfd, (struct sockaddr *)&remote, &rl);
  char ltext[INET6_ADDRSTRLEN + 16], rtext[INET6_ADDRSTRLEN + 16];
  endpoint(&local, ltext, sizeof ltext);
  endpoint(&remote, rtext, sizeof rtext);
  napi_value out, s;
  NAPI_OK(env, napi_create_object(env, &out));
  napi_set_named_property(env, out, "fd", svcd_int(env, cfd));
  napi_create_string_utf8(env, local.ss_family == AF_UNIX ? "unix" : local.ss_family == AF_VSOCK ? "vsock" : "inet", NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, out, "family", s);
  napi_create_string_utf8(env, ltext, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, out, "local", s);
  napi_create_string_utf8(env, rtext, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, out, "remote", s);
  if (local.ss_family == AF_UNIX) {
    struct ucred cred = {0, (uid_t)-1, (gid_t)-1};
    socklen_t cl = sizeof cred;
    getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &cl);
    napi_set_named_property(env, out, "pid", svcd_int(env, cred.pid));
    napi_set_named_property(env, out, "uid", svcd_int(env, cred.uid == (uid_t)-1 ? -1 : (int64_t)cred.uid));
  }
  return out;
}

/* The placeholder spawn's caller puts in envp; the child overwrites it with its own pid before exec. */
#define LISTEN_PID_PLACEHOLDER "LISTEN_PID=??????????"

void svcd_fill_listen_pid(char **envp) {
  if (!envp) return;
  for (char **p = envp; *p; p++) {
    if (strcmp(*p, LISTEN_PID_PLACEHOLDER) != 0) continue;
    /* No snprintf in a CLONE_VM child: digits by hand, into the placeholder's own bytes. */
    long pid = syscall(SYS_getpid);
    char digits[12];
    int n = 0;
    do digits[n++] = (char)('0' + pid % 10), pid /= 10;
    while (pid > 0 && n < (int)sizeof digits);
    char *v = *p + strlen("LISTEN_PID=");
    for (int i = 0; i < n; i++) v[i] = digits[n - 1 - i];
    v[n] = '\0';
  }
}

int svcd_register_socket(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "listenSocket", ListenSocket) | svcd_define(env, exports, "makeFifo", MakeFifo) |
         svcd_define(env, exports, "watchReadable", WatchReadable) | svcd_define(env, exports, "unwatch", Unwatch) |
         svcd_define(env, exports, "acceptConnection", AcceptConnection) | svcd_define(env, exports, "listenNetlink", ListenNetlink) |
         svcd_define(env, exports, "openMessageQueue", OpenMessageQueue) | svcd_define(env, exports, "unlinkMessageQueue", UnlinkMessageQueue);
}
