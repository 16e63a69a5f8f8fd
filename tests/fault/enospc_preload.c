/* A fault-injection shim for tests: LD_PRELOAD it into the server and, while
 * the file named by $BASALT_FAULT_TRIGGER exists, every write, allocation or
 * sync of a file under $BASALT_FAULT_DIR fails with ENOSPC (a full disk).
 * Remove the trigger file and the disk has room again. No privileges needed,
 * unlike mounting a small tmpfs.
 *
 * Files outside the directory (the log on stderr, client sockets) are never
 * touched; the trigger is checked first so the shim costs one access() per
 * write while it is idle. sync_file_range is left alone: it is only a
 * write-back hint, and RocksDB probes it with an empty range at every file
 * open, asserting that the probe fails with nothing but ENOSYS. The errno can be changed with
 * $BASALT_FAULT_ERRNO=EIO to simulate a failing device instead. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int fault_errno(void) {
    const char *e = getenv("BASALT_FAULT_ERRNO");
    return e && strcmp(e, "EIO") == 0 ? EIO : ENOSPC;
}

/* 1 when the fault is on and fd is a file under the faulty directory. */
static int fault_applies(int fd) {
    const char *trigger = getenv("BASALT_FAULT_TRIGGER");
    const char *dir = getenv("BASALT_FAULT_DIR");
    if (!trigger || !dir || access(trigger, F_OK) != 0) return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = '\0';
    size_t dlen = strlen(dir);
    if (strncmp(path, dir, dlen) != 0 || (path[dlen] != '/' && path[dlen] != '\0')) return 0;
    /* $BASALT_FAULT_SPARE names one file (relative to the directory) that
     * keeps working, e.g. RocksDB's info LOG when it lives elsewhere. */
    const char *spare = getenv("BASALT_FAULT_SPARE");
    if (spare && path[dlen] == '/' && strcmp(path + dlen + 1, spare) == 0) return 0;
    return 1;
}

#define REAL(name, type) ((type)dlsym(RTLD_NEXT, name))

ssize_t write(int fd, const void *buf, size_t count) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("write", ssize_t (*)(int, const void *, size_t))(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("pwrite", ssize_t (*)(int, const void *, size_t, off_t))(fd, buf, count, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t off) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("pwrite64", ssize_t (*)(int, const void *, size_t, off_t))(fd, buf, count, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("writev", ssize_t (*)(int, const struct iovec *, int))(fd, iov, cnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("pwritev", ssize_t (*)(int, const struct iovec *, int, off_t))(fd, iov, cnt, off);
}

int fallocate(int fd, int mode, off_t off, off_t len) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("fallocate", int (*)(int, int, off_t, off_t))(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off_t off, off_t len) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("fallocate64", int (*)(int, int, off_t, off_t))(fd, mode, off, len);
}

int fsync(int fd) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("fsync", int (*)(int))(fd);
}

int fdatasync(int fd) {
    if (fault_applies(fd)) {
        errno = fault_errno();
        return -1;
    }
    return REAL("fdatasync", int (*)(int))(fd);
}
