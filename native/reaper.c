/*
 * The reaper and signal watchers, both on libuv's loop through uv_signal_t. Not signalfd: that
 * needs the signal blocked in every thread, which takes it away from libuv's own handler (the
 * prototype saw libuv starve that way).
 *
 * Reaper: on every SIGCHLD, waitpid(-1, WNOHANG) until nothing is left, then one JS call with the
 * whole batch. Signals coalesce, so one SIGCHLD may stand for hundreds of exits; looping until
 * 0/ECHILD is what leaves no zombie. Orphans re-parented to us (PID 1, or a child subreaper) are
 * collected the same way — which Node alone never does.
 *
 * Signals: a handler for any signal number, the real-time ones included. Node cannot listen for
 * SIGRTMIN+n at all, and as PID 1 of a PID namespace a signal without a handler is dropped by the
 * kernel, so installing a handler is what makes `kill -TERM 1` and SIGRTMIN+3 work.
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <uv.h>

struct watcher {
  uv_signal_t handle;
  napi_env env;
  napi_ref callback;
  struct watcher *next; /* all live signal watchers, for stopAll() */
  bool closing;
};

static struct watcher *reaper;
static struct watcher *signal_watchers;

static void watcher_closed(uv_handle_t *h) {
  struct watcher *w = h->data;
  napi_delete_reference(w->env, w->callback);
  free(w);
}

static void watcher_close(struct watcher *w) {
  if (w->closing) return;
  w->closing = true;
  uv_close((uv_handle_t *)&w->handle, watcher_closed);
}

static void reap_all(struct watcher *w) {
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value batch;
  napi_create_array(env, &batch);
  uint32_t count = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) break;
    napi_value e, core;
    napi_create_object(env, &e);
    napi_get_boolean(env, WIFSIGNALED(status) && WCOREDUMP(status), &core);
    napi_set_named_property(env, e, "pid", svcd_int(env, pid));
    napi_set_named_property(env, e, "code", svcd_int(env, WIFEXITED(status) ? WEXITSTATUS(status) : -1));
    napi_set_named_property(env, e, "signal", svcd_int(env, WIFSIGNALED(status) ? WTERMSIG(status) : 0));
    napi_set_named_property(env, e, "coreDumped", core);
    napi_set_element(env, batch, count++, e);
  }
  if (count > 0 && !w->closing) svcd_call_js(env, w->callback, 1, &batch);
  napi_close_handle_scope(env, scope);
}

static void on_sigchld(uv_signal_t *h, int signum) {
  (void)signum;
  reap_all(h->data);
}

static struct watcher *watcher_new(napi_env env, napi_value cb) {
  struct watcher *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || napi_create_reference(env, cb, 1, &w->callback) != napi_ok) {
    free(w);
    return NULL;
  }
  w->env = env;
  w->handle.data = w;
  uv_signal_init(loop, &w->handle);
  return w;
}

static bool is_function(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_function;
}

/* startReaper(cb(exits)): the one process-wide reaper; it keeps the loop alive. */
static napi_value StartReaper(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value cb;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &cb, NULL, NULL));
  if (argc < 1 || !is_function(env, cb)) {
    napi_throw_type_error(env, NULL, "startReaper: expected a callback");
    return NULL;
  }
  if (reaper) {
    napi_throw_error(env, NULL, "startReaper: the reaper is already running");
    return NULL;
  }
  reaper = watcher_new(env, cb);
  if (!reaper) return svcd_throw_errno(env, "startReaper", ENOMEM);
  int r = uv_signal_start(&reaper->handle, on_sigchld, SIGCHLD);
  if (r < 0) {
    watcher_close(reaper);
    reaper = NULL;
    return svcd_throw_errno(env, "uv_signal_start", -r);
  }
  /* Children that exited before the watcher existed have sent their SIGCHLD already. */
  reap_all(reaper);
  return NULL;
}

/* reapNow(): one sweep outside SIGCHLD, e.g. right after becoming a subreaper. */
static napi_value ReapNow(napi_env env, napi_callback_info info) {
  (void)info;
  if (reaper) reap_all(reaper);
  return NULL;
}

static napi_value StopReaper(napi_env env, napi_callback_info info) {
  (void)env, (void)info;
  if (reaper) watcher_close(reaper);
  reaper = NULL;
  return NULL;
}

static void on_signal(uv_signal_t *h, int signum) {
  struct watcher *w = h->data;
  if (w->closing) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(w->env, &scope) != napi_ok) return;
  napi_value arg = svcd_int(w->env, signum);
  svcd_call_js(w->env, w->callback, 1, &arg);
  napi_close_handle_scope(w->env, scope);
}

static void unlink_watcher(struct watcher *w) {
  for (struct watcher **p = &signal_watchers; *p; p = &(*p)->next)
    if (*p == w) {
      *p = w->next;
      return;
    }
}

static void signal_handle_finalize(napi_env env, void *data, void *hint) {
  (void)env, (void)data, (void)hint; /* lifetime is explicit: unwatchSignal / stopAll */
}

/* watchSignal(signum, cb(signum)) → handle. One uv handle per signal; several may share a number. */
static napi_value WatchSignal(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  int32_t signum;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, args[0], &signum) != napi_ok || signum < 1 || signum >= 65 ||
      !is_function(env, args[1])) {
    napi_throw_type_error(env, NULL, "watchSignal: expected (signal number 1..64, callback)");
    return NULL;
  }
  if (signum == SIGCHLD) {
    napi_throw_error(env, NULL, "watchSignal: SIGCHLD belongs to the reaper");
    return NULL;
  }
  struct watcher *w = watcher_new(env, args[1]);
  if (!w) return svcd_throw_errno(env, "watchSignal", ENOMEM);
  int r = uv_signal_start(&w->handle, on_signal, signum);
  if (r < 0) {
    watcher_close(w);
    return svcd_throw_errno(env, "uv_signal_start", -r);
  }
  w->next = signal_watchers;
  signal_watchers = w;
  napi_value handle;
  NAPI_OK(env, napi_create_external(env, w, signal_handle_finalize, NULL, &handle));
  return handle;
}

static napi_value UnwatchSignal(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  void *p = NULL;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, &arg, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, arg, &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "unwatchSignal: expected a handle from watchSignal");
    return NULL;
  }
  struct watcher *w = p;
  if (!w->closing) {
    unlink_watcher(w);
    watcher_close(w);
  }
  return NULL;
}

/* Every signal watcher and the reaper closed, so a finished process can exit by itself. */
static napi_value StopAll(napi_env env, napi_callback_info info) {
  while (signal_watchers) {
    struct watcher *w = signal_watchers;
    signal_watchers = w->next;
    watcher_close(w);
  }
  return StopReaper(env, info);
}

static napi_value SigRtMin(napi_env env, napi_callback_info info) {
  (void)info;
  return svcd_int(env, SIGRTMIN);
}

int svcd_register_reaper(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "startReaper", StartReaper) | svcd_define(env, exports, "reapNow", ReapNow) |
         svcd_define(env, exports, "stopReaper", StopReaper) | svcd_define(env, exports, "watchSignal", WatchSignal) |
         svcd_define(env, exports, "unwatchSignal", UnwatchSignal) | svcd_define(env, exports, "stopAll", StopAll) |
         svcd_define(env, exports, "sigrtmin", SigRtMin);
}
