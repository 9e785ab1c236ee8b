/*
 * inotify instances on libuv's loop (uv_poll_t), for path units. Node's fs.watch (and chokidar on
 * it) cannot ask for IN_CLOSE_WRITE, IN_DELETE_SELF or IN_MOVE_SELF and reports no watch
 * descriptors, so it cannot tell PathChanged= (close after write) from PathModified= (every
 * write), nor which component of a path moved: systemd.path(5) needs all of that.
 *
 * One instance per watched path (as systemd has one per PathXxx= line). Each wakeup reads every
 * queued event and hands them to JS as one flat array [wd, mask, wd, mask, …]; names are not
 * needed (a path unit only asks which watch fired).
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <uv.h>

struct watcher {
  uv_poll_t poll;
  int fd;
  napi_env env;
  napi_ref callback;
  bool closing;
};

static void on_events(uv_poll_t *h, int status, int events) {
  (void)events;
  struct watcher *w = h->data;
  if (status < 0 || w->closing) return;
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  for (;;) {
    ssize_t len = read(w->fd, buf, sizeof buf);
    if (len < 0 && errno == EINTR) continue;
    if (len <= 0) break;
    for (char *p = buf; p < buf + len;) {
      const struct inotify_event *e = (const struct inotify_event *)p;
      napi_set_element(env, list, n++, svcd_int(env, e->wd));
      napi_set_element(env, list, n++, svcd_int(env, e->mask));
      p += sizeof(struct inotify_event) + e->len;
    }
  }
  if (n > 0) svcd_call_js(env, w->callback, 1, &list);
  napi_close_handle_scope(env, scope);
}

static void watcher_closed(uv_handle_t *h) {
  struct watcher *w = h->data;
  close(w->fd);
  napi_delete_reference(w->env, w->callback);
  free(w);
}

static void watcher_finalize(napi_env env, void *data, void *hint) {
  (void)env, (void)data, (void)hint; /* lifetime is explicit: inotifyClose() */
}

static struct watcher *unwrap(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "expected a handle from inotifyOpen");
    return NULL;
  }
  return p;
}

/* inotifyOpen(cb([wd, mask, …])) → handle. */
static napi_value InotifyOpen(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_valuetype t;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_typeof(env, arg, &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "inotifyOpen: expected (callback)");
    return NULL;
  }
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return svcd_throw_errno(env, "inotify_init1", errno);
  uv_loop_t *loop;
  struct watcher *w = calloc(1, sizeof *w);
  if (!w || napi_get_uv_event_loop(env, &loop) != napi_ok || napi_create_reference(env, arg, 1, &w->callback) != napi_ok) {
    free(w);
    close(fd);
    return svcd_throw_errno(env, "inotifyOpen", ENOMEM);
  }
  w->fd = fd;
  w->env = env;
  w->poll.data = w;
  int r = uv_poll_init(loop, &w->poll, fd);
  if (r == 0) r = uv_poll_start(&w->poll, UV_READABLE, on_events);
  if (r < 0) {
    napi_delete_reference(env, w->callback);
    free(w);
    close(fd);
    return svcd_throw_errno(env, "uv_poll_start", -r);
  }
  napi_value handle;
  NAPI_OK(env, napi_create_external(env, w, watcher_finalize, NULL, &handle));
  return handle;
}

/* inotifyAddWatch(handle, path, mask) → wd, or -errno. */
static napi_value InotifyAddWatch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  struct watcher *w = argc == 3 ? unwrap(env, args[0]) : NULL;
  if (!w) return NULL;
  char path[4097];
  size_t n;
  uint32_t mask;
  if (napi_get_value_string_utf8(env, args[1], path, sizeof path, &n) != napi_ok || n == 0 || n >= sizeof path - 1 ||
      napi_get_value_uint32(env, args[2], &mask) != napi_ok) {
    napi_throw_type_error(env, NULL, "inotifyAddWatch: expected (handle, path, mask)");
    return NULL;
  }
  int wd = inotify_add_watch(w->fd, path, mask);
  return svcd_int(env, wd < 0 ? -errno : wd);
}

static napi_value InotifyClose(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  struct watcher *w = argc == 1 ? unwrap(env, arg) : NULL;
  if (w && !w->closing) {
    w->closing = true;
    uv_close((uv_handle_t *)&w->poll, watcher_closed);
  }
  return NULL;
}

int svcd_register_inotify(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "inotifyOpen", InotifyOpen) | svcd_define(env, exports, "inotifyAddWatch", InotifyAddWatch) |
         svcd_define(env, exports, "inotifyClose", InotifyClose);
}
