#include <string.h>

#include "server/reply.h"
#include "unit.h"

TEST(reply_stops_growing_at_max_len) {
    reply_t r;
    reply_init(&r);
    r.max_len = 100;
    reply_ok(&r);
    CHECK_EQ(r.out.len, 5);
    char big[200];
    memset(big, 'x', sizeof big);
    reply_bulk(&r, big, 80); /* "$80\r\n" + 80 + "\r\n" = 87 bytes: 92 in all */
    CHECK_EQ(r.overflowed, 0);
    CHECK_EQ(r.out.len, 92);
    reply_bulk(&r, big, 1); /* 7 more bytes would make 99: still fits */
    CHECK_EQ(r.out.len, 99);
    reply_int(&r, 5); /* ":5\r\n" would make 103 */
    CHECK_EQ(r.overflowed, 1);
    CHECK(r.out.len <= 100);
    size_t len = r.out.len;
    reply_simple(&r, "OK"); /* everything after an overflow is dropped */
    reply_error(&r, "ERR x");
    reply_bulk(&r, big, 0);
    size_t mark = reply_deferred_begin(&r);
    reply_deferred_array(&r, mark, 3);
    CHECK_EQ(r.out.len, len);
    reply_fini(&r);
}

TEST(deferred_header_respects_max_len) {
    reply_t r;
    reply_init(&r);
    r.max_len = 10;
    size_t mark = reply_deferred_begin(&r);
    reply_int(&r, 1);
    reply_int(&r, 2); /* 8 bytes */
    reply_deferred_array(&r, mark, 2); /* "*2\r\n" would make 12 */
    CHECK_EQ(r.overflowed, 1);
    CHECK_EQ(r.out.len, 8);
    reply_fini(&r);
}

TEST(unlimited_by_default) {
    reply_t r;
    reply_init(&r);
    char big[4096];
    memset(big, 'y', sizeof big);
    for (int i = 0; i < 1000; i++) reply_bulk(&r, big, sizeof big);
    CHECK_EQ(r.overflowed, 0);
    CHECK_EQ(r.out.len, 1000 * (sizeof big + 9)); /* "$4096\r\n" + data + "\r\n" */
    reply_fini(&r);
}

UNIT_MAIN
