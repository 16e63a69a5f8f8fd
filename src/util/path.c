#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int path_has_dot_component(const char *path) {
    for (const char *c = path; (c = strchr(c, '/')) != NULL; c++) {
        if ((c[1] == '.' && (c[2] == '/' || c[2] == '\0')) ||
            (c[1] == '.' && c[2] == '.' && (c[3] == '/' || c[3] == '\0')))
            return 1;
    }
    return 0;
}

int path_read_file(const char *path, size_t max_len, buf_t *out) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t start = out->len;
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        if (out->len - start + (size_t)n > max_len) {
            close(fd);
            errno = EFBIG;
            return -1;
        }
        buf_append(out, chunk, (size_t)n);
    }
    int saved = errno;
    close(fd);
    if (n < 0) {
        errno = saved;
        return -1;
    }
    return 0;
}
