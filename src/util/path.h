#ifndef BASALT_UTIL_PATH_H
#define BASALT_UTIL_PATH_H

#include <stddef.h>

#include "util/buf.h"

/* Whether an absolute path has a "." or ".." component anywhere
 * ("/a/./b", "/a/..", "/.."): client-named paths must not walk out of the
 * directory they appear to name. */
int path_has_dot_component(const char *path);

/* Appends the whole file to out, opened without following a final
 * symlink. 0, or -1 with errno set (EFBIG when it is longer than max_len
 * bytes; what was read stays in out). */
int path_read_file(const char *path, size_t max_len, buf_t *out);

#endif
