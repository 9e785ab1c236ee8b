/*
 * Extended attributes and inode flags, for svcd's tmpfiles (`t T a A h H`): Node has no call for
 * either. The *xattr calls never follow a final symlink (tmpfiles sets a link's own attributes, as
 * systemd-tmpfiles does with its O_PATH fds); POSIX ACLs are xattrs too (system.posix_acl_*), in the
 * kernel's binary form, built in JS. Inode flags (chattr's) go through FS_IOC_GETFLAGS/SETFLAGS on
 * an fd opened without following a link, as systemd's chattr_full() does.
 */
#define _GNU_SOURCE
#include "svcd_native.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>

/* An argument as a NUL-terminated string in buf; false (and a thrown TypeError) when it is not one. */
static bool string_arg(napi_env env, napi_value v, char *buf, size_t size) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, buf, size, &n) != napi_ok || n == 0 || n >= size - 1) {
    napi_throw_type_error(env, NULL, "expected a non-empty string");
    return false;
  }
  return true;
}

/* The (path, name) arguments of the calls on one attribute; false (with a JS exception) when they are not strings. */
static bool path_and_name(napi_env env, napi_callback_info info, char *path, char *name) {
  size_t argc = 2;
  napi_value args[2];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok) return false;
  return argc >= 2 && string_arg(env, args[0], path, PATH_MAX) && string_arg(env, args[1], name, XATTR_NAME_MAX + 1);
}

/* lgetxattr(path, name): a Buffer, or null when the attribute is not set (ENODATA). */
static napi_value LGetXattr(napi_env env, napi_callback_info info) {
  napi_value out;
  char path[PATH_MAX], name[XATTR_NAME_MAX + 1];
  if (!path_and_name(env, info, path, name)) return NULL;
  for (;;) {
    ssize_t size = lgetxattr(path, name, NULL, 0);
    if (size < 0) {
      if (errno == ENODATA) {
        NAPI_OK(env, napi_get_null(env, &out));
        return out;
      }
      return svcd_throw_errno(env, "lgetxattr", errno);
    }
    void *data;
    NAPI_OK(env, napi_create_buffer(env, (size_t)size, &data, &out));
    ssize_t got = size == 0 ? 0 : lgetxattr(path, name, data, (size_t)size);
    if (got == size) return out;
    /* Grown between the two calls: ask again. */
    if (got < 0 && errno != ERANGE) return svcd_throw_errno(env, "lgetxattr", errno);
  }
}

/* lsetxattr(path, name, value: Buffer). */
static napi_value LSetXattr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  char path[PATH_MAX], name[XATTR_NAME_MAX + 1];
  void *data;
  size_t len;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 3 || !string_arg(env, args[0], path, sizeof path) || !string_arg(env, args[1], name, sizeof name)) return NULL;
  NAPI_OK(env, napi_get_buffer_info(env, args[2], &data, &len));
  if (lsetxattr(path, name, data, len, 0) < 0) return svcd_throw_errno(env, "lsetxattr", errno);
  return NULL;
}

/* lremovexattr(path, name): false when the attribute was not set (ENODATA) or the file system has
 * none (EOPNOTSUPP, ENOSYS, ENOTTY), as systemd tolerates both; throws on any other failure. */
static napi_value LRemoveXattr(napi_env env, napi_callback_info info) {
  napi_value out;
  char path[PATH_MAX], name[XATTR_NAME_MAX + 1];
  if (!path_and_name(env, info, path, name)) return NULL;
  bool removed = true;
  if (lremovexattr(path, name) < 0) {
    if (errno != ENODATA && errno != EOPNOTSUPP && errno != ENOSYS && errno != ENOTTY) return svcd_throw_errno(env, "lremovexattr", errno);
    removed = false;
  }
  NAPI_OK(env, napi_get_boolean(env, removed, &out));
  return out;
}

/* llistxattr(path): the attribute names. */
static napi_value LListXattr(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1], out;
  char path[PATH_MAX];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 1 || !string_arg(env, args[0], path, sizeof path)) return NULL;
  char *names = NULL;
  ssize_t size;
  for (;;) {
    size = llistxattr(path, NULL, 0);
    if (size < 0) return svcd_throw_errno(env, "llistxattr", errno);
    free(names);
    names = malloc((size_t)size + 1);
    if (!names) return svcd_throw_errno(env, "malloc", ENOMEM);
    ssize_t got = size == 0 ? 0 : llistxattr(path, names, (size_t)size);
    if (got >= 0) {
      size = got;
      break;
    }
    if (errno != ERANGE) {
      int e = errno;
      free(names);
      return svcd_throw_errno(env, "llistxattr", e);
    }
  }
  NAPI_OK(env, napi_create_array(env, &out));
  uint32_t i = 0;
  for (ssize_t at = 0; at < size; at += (ssize_t)strlen(names + at) + 1) {
    napi_value s;
    if (napi_create_string_utf8(env, names + at, NAPI_AUTO_LENGTH, &s) != napi_ok || napi_set_element(env, out, i++, s) != napi_ok) {
      free(names);
      svcd_throw_napi_failure(env, "llistxattr result");
      return NULL;
    }
  }
  free(names);
  return out;
}

static int open_nofollow(const char *path) {
  return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
}

/* inodeFlags(path): FS_IOC_GETFLAGS. */
static napi_value InodeFlags(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  char path[PATH_MAX];
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 1 || !string_arg(env, args[0], path, sizeof path)) return NULL;
  int fd = open_nofollow(path);
  if (fd < 0) return svcd_throw_errno(env, "open", errno);
  unsigned flags = 0;
  int r = ioctl(fd, FS_IOC_GETFLAGS, &flags);
  int e = errno;
  close(fd);
  if (r < 0) return svcd_throw_errno(env, "ioctl(FS_IOC_GETFLAGS)", e);
  return svcd_int(env, flags);
}

/* setInodeFlags(path, flags): FS_IOC_SETFLAGS. */
static napi_value SetInodeFlags(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  char path[PATH_MAX];
  uint32_t flags;
  NAPI_OK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc < 2 || !string_arg(env, args[0], path, sizeof path)) return NULL;
  NAPI_OK(env, napi_get_value_uint32(env, args[1], &flags));
  int fd = open_nofollow(path);
  if (fd < 0) return svcd_throw_errno(env, "open", errno);
  unsigned value = flags;
  int r = ioctl(fd, FS_IOC_SETFLAGS, &value);
  int e = errno;
  close(fd);
  if (r < 0) return svcd_throw_errno(env, "ioctl(FS_IOC_SETFLAGS)", e);
  return NULL;
}

int svcd_register_xattr(napi_env env, napi_value exports) {
  return svcd_define(env, exports, "lgetxattr", LGetXattr) < 0 || svcd_define(env, exports, "lsetxattr", LSetXattr) < 0 ||
                 svcd_define(env, exports, "lremovexattr", LRemoveXattr) < 0 ||
                 svcd_define(env, exports, "llistxattr", LListXattr) < 0 || svcd_define(env, exports, "inodeFlags", InodeFlags) < 0 ||
                 svcd_define(env, exports, "setInodeFlags", SetInodeFlags) < 0
             ? -1
             : 0;
}
