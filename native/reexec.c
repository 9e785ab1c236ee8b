/*
 * daemon-reexec: svcd replaces its own program image and keeps its pid — as PID 1 it cannot do
 * otherwise, and its children stay its children. What must survive the exec is kept open by
 * clearing FD_CLOEXEC (Node opens everything close-on-exec): the read ends of the services'
 * journal pipes, so a service writing to stdout never sees EPIPE. Everything else closes.
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* keepAcrossExec(fd): clears FD_CLOEXEC; 0 or an errno. */
static napi_value KeepAcrossExec(napi_env env, napi_callback_info info) {
  napi_value arg;
  size_t argc = 1;
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, &arg, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, arg, &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "keepAcrossExec: expected (fd)");
    return NULL;
  }
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) return svcd_int(env, errno);
  return svcd_int(env, 0);
}

/* A JS array of strings as a NULL-terminated vector; NULL (with a JS exception) on bad input. */
static char **string_vector(napi_env env, napi_value array) {
  uint32_t n;
  if (napi_get_array_length(env, array, &n) != napi_ok) return NULL;
  char **v = calloc(n + 1, sizeof *v);
  if (!v) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    size_t len;
    if (napi_get_element(env, array, i, &e) != napi_ok || napi_get_value_string_utf8(env, e, NULL, 0, &len) != napi_ok) goto bad;
    v[i] = malloc(len + 1);
    if (!v[i] || napi_get_value_string_utf8(env, e, v[i], len + 1, &len) != napi_ok) goto bad;
  }
  return v;
bad:
  for (uint32_t i = 0; i < n; i++) free(v[i]);
  free(v);
  return NULL;
}

/* execve(path, argv, envp): returns only on failure (throws). Signals are unblocked first: a
 * blocked mask would outlive the exec and keep SIGCHLD from the new image's reaper. */
static napi_value Execve(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  size_t len;
  char path[4096];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_string_utf8(env, args[0], path, sizeof path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "execve: expected (path, argv[], envp[])");
    return NULL;
  }
  char **argv = string_vector(env, args[1]);
  char **envp = string_vector(env, args[2]);
  if (!argv || !envp) {
    napi_throw_type_error(env, NULL, "execve: argv and envp must be arrays of strings");
    return NULL;
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execve(path, argv, envp);
  int err = errno;
  for (char **p = argv; *p; p++) free(*p);
  for (char **p = envp; *p; p++) free(*p);
  free(argv);
  free(envp);
  return svcd_throw_errno(env, "execve", err);
}

int svcd_register_reexec(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "keepAcrossExec", KeepAcrossExec) | svcd_define(env, exports, "execve", Execve);
}
