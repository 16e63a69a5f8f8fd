#include <string.h>

#include "server/config.h"
#include "server/output_limit.h"
#include "unit.h"

static void format_to(const obuf_limit_t *l, char *dst, size_t cap) {
    buf_t b;
    buf_init(&b);
    obuf_limits_format(l, &b);
    snprintf(dst, cap, "%.*s", (int)b.len, b.data);
    buf_fini(&b);
}

TEST(parse_replaces_only_named_classes) {
    obuf_limit_t l[OBUF_CLASSES] = {{0, 0, 0}, {1, 2, 3}, {4, 5, 6}};
    char err[128], text[256];
    CHECK_EQ(obuf_limits_parse("normal 1mb 64kb 10", l, err, sizeof err), 0);
    CHECK_EQ(l[OBUF_NORMAL].hard_bytes, 1024 * 1024);
    CHECK_EQ(l[OBUF_NORMAL].soft_bytes, 64 * 1024);
    CHECK_EQ(l[OBUF_NORMAL].soft_seconds, 10);
    CHECK_EQ(l[OBUF_REPLICA].hard_bytes, 1);
    CHECK_EQ(obuf_limits_parse("replica 7 8 9 SLAVE 10 11 12 pubsub 1k 2 0", l, err, sizeof err), 0);
    format_to(l, text, sizeof text);
    CHECK(strcmp(text, "normal 1048576 65536 10 slave 10 11 12 pubsub 1000 2 0") == 0);
    CHECK_EQ(obuf_limits_parse("", l, err, sizeof err), 0); /* Redis: no change */
}

TEST(parse_errors_leave_limits_unchanged) {
    obuf_limit_t l[OBUF_CLASSES] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    char err[128];
    CHECK_EQ(obuf_limits_parse("normal 1 2", l, err, sizeof err), -1);
    CHECK(strstr(err, "Wrong number of arguments") != NULL);
    CHECK_EQ(obuf_limits_parse("master 1 2 3", l, err, sizeof err), -1);
    CHECK(strstr(err, "Invalid client class") != NULL);
    CHECK_EQ(obuf_limits_parse("normal 5 5 5 pubsub 1x 2 3", l, err, sizeof err), -1);
    CHECK_EQ(obuf_limits_parse("normal 5 5 -1", l, err, sizeof err), -1);
    CHECK_EQ(obuf_limits_parse("normal -5 5 1", l, err, sizeof err), -1);
    CHECK_EQ(l[OBUF_NORMAL].hard_bytes, 1); /* the valid first class was not applied */
    CHECK_EQ(l[OBUF_PUBSUB].hard_bytes, 7);
}

TEST(config_key_merges_and_formats_like_redis) {
    config_t *c = config_new();
    char err[256];
    CHECK_EQ(config_obuf_limit(c, OBUF_NORMAL).hard_bytes, 1024LL * 1024 * 1024);
    CHECK_EQ(config_set_runtime(c, "client-output-buffer-limit", "normal 1mb 512kb 2", err, sizeof err), 0);
    obuf_limit_t n = config_obuf_limit(c, OBUF_NORMAL);
    CHECK_EQ(n.hard_bytes, 1024 * 1024);
    CHECK_EQ(n.soft_bytes, 512 * 1024);
    CHECK_EQ(n.soft_seconds, 2);
    CHECK_EQ(config_obuf_limit(c, OBUF_REPLICA).hard_bytes, 256LL * 1024 * 1024);
    buf_t b;
    buf_init(&b);
    config_format(c, CONF_CLIENT_OUTPUT_BUFFER_LIMIT, &b);
    buf_append_char(&b, '\0');
    CHECK(strcmp(b.data, "normal 1048576 524288 2 slave 268435456 67108864 60 pubsub 33554432 8388608 60") == 0);
    buf_fini(&b);
    CHECK_EQ(config_set_runtime(c, "client-output-buffer-limit", "normal 1 2", err, sizeof err), -1);
    CHECK(strstr(err, "client-output-buffer-limit") != NULL);
    CHECK_EQ(config_obuf_limit(c, OBUF_NORMAL).hard_bytes, 1024 * 1024);
    config_free(c);
}

UNIT_MAIN
