#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "util/path.h"

TEST(dot_components_anywhere) {
    CHECK(path_has_dot_component("/tmp/../etc"));
    CHECK(path_has_dot_component("/tmp/./x"));
    CHECK(path_has_dot_component("/tmp/.."));
    CHECK(path_has_dot_component("/tmp/."));
    CHECK(path_has_dot_component("/.."));
    CHECK(!path_has_dot_component("/tmp/.hidden"));
    CHECK(!path_has_dot_component("/tmp/..x/a"));
    CHECK(!path_has_dot_component("/tmp/a.b/c"));
    CHECK(!path_has_dot_component("/"));
}

TEST(read_file_whole_and_bounded) {
    char path[] = "/tmp/basalt-unit-path-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "hello world", 11), 11);
    close(fd);
    buf_t b;
    buf_init(&b);
    buf_append(&b, "x", 1);
    CHECK_EQ(path_read_file(path, 11, &b), 0); /* the limit counts this file's bytes only */
    CHECK_EQ(b.len, 12);
    CHECK(memcmp(b.data, "xhello world", 12) == 0);
    buf_clear(&b);
    errno = 0;
    CHECK_EQ(path_read_file(path, 10, &b), -1);
    CHECK_EQ(errno, EFBIG);
    errno = 0;
    CHECK_EQ(path_read_file("/nonexistent/basalt", 10, &b), -1);
    CHECK_EQ(errno, ENOENT);
    buf_fini(&b);
    unlink(path);
}

UNIT_MAIN
