/*
 * Shared between the parts of svcd's native addon (docs/design/native.md). Each part registers its
 * functions on the exports object; addon.c owns the module entry point.
 */
#ifndef SVCD_NATIVE_H
#define SVCD_NATIVE_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>

/* A failed N-API call in a binding means a broken argument or a dying environment: throw, give up. */
#define NAPI_OK(env, call)                                                    \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      svcd_throw_napi_failure((env), #call);                                  \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

void svcd_throw_napi_failure(napi_env env, const char *what);
/* Throws a JS Error with .code (e.g. "ENOENT") and .errno set, as Node's own system errors do. */
napi_value svcd_throw_errno(napi_env env, const char *syscall, int err);
/* Calls a JS callback from a libuv callback; an exception goes to process 'uncaughtException'. */
void svcd_call_js(napi_env env, napi_ref callback, size_t argc, const napi_value *argv);
napi_value svcd_int(napi_env env, int64_t v);
int svcd_define(napi_env env, napi_value exports, const char *name, napi_callback cb);

int svcd_register_spawn(napi_env env, napi_value exports);
int svcd_register_reaper(napi_env env, napi_value exports);
int svcd_register_process(napi_env env, napi_value exports);
int svcd_register_dgram(napi_env env, napi_value exports);
int svcd_register_reexec(napi_env env, napi_value exports);
int svcd_register_mmap(napi_env env, napi_value exports);
int svcd_register_journal(napi_env env, napi_value exports);
int svcd_register_inotify(napi_env env, napi_value exports);
int svcd_register_socket(napi_env env, napi_value exports);
int svcd_register_xattr(napi_env env, napi_value exports);
/* socket.c: fills the LISTEN_PID= placeholder of envp with the calling process's pid (spawn's child). */
void svcd_fill_listen_pid(char **envp);

#endif
