/*
 * svcd's native addon: the few things a Node PID 1 cannot do by itself (docs/design/native.md).
 *
 *  spawn.c    clone(CLONE_VM|CLONE_VFORK) + exec with the exec context applied in between; setup
 *             failures come back as (stage, errno) and become systemd's 2xx exit codes in JS.
 *  reaper.c   a SIGCHLD watcher that collects every child, orphans included, and handlers for
 *             any signal (SIGRTMIN+n too, which Node cannot listen for).
 *  process.c  kill/killpg, pidfds, the child-subreaper flag, close-on-exec pipes.
 *  dgram.c    AF_UNIX datagram sockets with the sender's credentials, never truncated.
 *  mmap.c     shared file mappings for the journal writer, with a SIGBUS guard.
 *  journal.c  the journal writer's hot path: one captured line appended as a compact entry.
 *  inotify.c  inotify instances for path units (close-after-write, which fs.watch cannot ask for).
 *  socket.c   socket units' listening fds: bind with systemd's options, FIFOs, readiness, accept.
 *  xattr.c    extended attributes (POSIX ACLs among them) and inode flags, for tmpfiles' t/a/h lines.
 *
 * All of it runs on the main JS thread; the daemon never uses child_process (the reaper would
 * steal its children's statuses).
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void svcd_throw_napi_failure(napi_env env, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    char text[256];
    snprintf(text, sizeof text, "svcd_native: N-API call failed: %s", what);
    napi_throw_error(env, NULL, text);
  }
}

napi_value svcd_throw_errno(napi_env env, const char *syscall, int err) {
  char text[256];
  snprintf(text, sizeof text, "%s: %s", syscall, strerror(err));
  napi_value msg, error, verr, vsys;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
      napi_create_error(env, NULL, msg, &error) != napi_ok)
    return NULL;
  napi_create_int32(env, err, &verr);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &vsys);
  napi_set_named_property(env, error, "errno", verr);
  napi_set_named_property(env, error, "syscall", vsys);
  napi_throw(env, error);
  return NULL;
}

void svcd_call_js(napi_env env, napi_ref callback, size_t argc, const napi_value *argv) {
  napi_value cb, global, result;
  if (napi_get_reference_value(env, callback, &cb) != napi_ok || cb == NULL) return;
  napi_get_global(env, &global);
  if (napi_call_function(env, global, cb, argc, argv, &result) == napi_pending_exception) {
    /* A throwing callback must not leave the exception pending inside libuv's callback, where
     * nothing would ever see it; hand it to Node's uncaught-exception machinery instead. */
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
}

napi_value svcd_int(napi_env env, int64_t v) {
  napi_value out = NULL;
  napi_create_int64(env, v, &out);
  return out;
}

int svcd_define(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) != napi_ok) return -1;
  return napi_set_named_property(env, exports, name, fn) == napi_ok ? 0 : -1;
}

/* The reaper, signal watchers and sockets are process-wide and bound to one loop: a second JS
 * environment (a worker thread) would get callbacks into the wrong isolate. */
static napi_env owner;

static napi_value Init(napi_env env, napi_value exports) {
  if (owner && owner != env) {
    napi_throw_error(env, NULL, "svcd_native: already loaded by another thread; use it from the main thread only");
    return NULL;
  }
  owner = env;
  if (svcd_register_spawn(env, exports) < 0 || svcd_register_reaper(env, exports) < 0 ||
      svcd_register_process(env, exports) < 0 || svcd_register_dgram(env, exports) < 0 ||
      svcd_register_reexec(env, exports) < 0 || svcd_register_mmap(env, exports) < 0 ||
      svcd_register_journal(env, exports) < 0 || svcd_register_inotify(env, exports) < 0 ||
      svcd_register_socket(env, exports) < 0 || svcd_register_xattr(env, exports) < 0) {
    svcd_throw_napi_failure(env, "registering functions");
    return NULL;
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
