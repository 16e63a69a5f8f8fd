#include <stdlib.h>

#include "server/resp_parser.h"
#include "unit.h"

static const resp_limits_t limits = {512 * 1024 * 1024LL, 1024 * 1024, 64 * 1024, 0};

/* Parses one complete request from a string literal copy. */
static enum resp_status parse_all(resp_parser_t *p, char *buf, size_t len, size_t *consumed) {
    resp_parser_init(p);
    return resp_parse(p, buf, len, &limits, consumed);
}

TEST(multibulk_whole) {
    char buf[] = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, buf, sizeof buf - 1, &used), RESP_DONE);
    CHECK_EQ(used, sizeof buf - 1);
    CHECK_EQ(p.argc, 2);
    slice_t argv[2];
    resp_parser_args(&p, buf, argv);
    CHECK_MEM(argv[0].ptr, argv[0].len, "GET");
    CHECK_MEM(argv[1].ptr, argv[1].len, "k");
    resp_parser_fini(&p);
}

TEST(multibulk_byte_by_byte) {
    char buf[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nva\0ue\r\n";
    size_t total = sizeof buf - 1;
    resp_parser_t p;
    resp_parser_init(&p);
    size_t used = 0;
    for (size_t n = 1; n < total; n++) CHECK_EQ(resp_parse(&p, buf, n, &limits, &used), RESP_INCOMPLETE);
    CHECK_EQ(resp_parse(&p, buf, total, &limits, &used), RESP_DONE);
    slice_t argv[3];
    resp_parser_args(&p, buf, argv);
    CHECK_EQ(argv[2].len, 5);
    CHECK(memcmp(argv[2].ptr, "va\0ue", 5) == 0);
    resp_parser_fini(&p);
}

TEST(pipelined_requests_consume_one_at_a_time) {
    char buf[] = "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, buf, sizeof buf - 1, &used), RESP_DONE);
    CHECK_EQ(used, 14);
    resp_parser_reset(&p);
    CHECK_EQ(resp_parse(&p, buf + used, sizeof buf - 1 - used, &limits, &used), RESP_DONE);
    resp_parser_fini(&p);
}

TEST(inline_with_quotes) {
    char buf[] = "SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n";
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, buf, sizeof buf - 1, &used), RESP_DONE);
    CHECK_EQ(p.argc, 4);
    slice_t argv[4];
    resp_parser_args(&p, buf, argv);
    CHECK_MEM(argv[1].ptr, argv[1].len, "a b");
    CHECK_MEM(argv[2].ptr, argv[2].len, "c'd");
    CHECK_MEM(argv[3].ptr, argv[3].len, "A\n");
    resp_parser_fini(&p);
}

TEST(inline_unbalanced_quotes) {
    char buf[] = "SET \"abc\r\n";
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, buf, sizeof buf - 1, &used), RESP_ERROR);
    CHECK(strstr(p.error, "unbalanced quotes") != NULL);
    resp_parser_fini(&p);
}

TEST(empty_requests) {
    char blank[] = "\r\n";
    char zero[] = "*0\r\n";
    char negative[] = "*-1\r\n";
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, blank, 2, &used), RESP_EMPTY);
    resp_parser_fini(&p);
    CHECK_EQ(parse_all(&p, zero, 4, &used), RESP_EMPTY);
    CHECK_EQ(used, 4);
    resp_parser_fini(&p);
    CHECK_EQ(parse_all(&p, negative, 5, &used), RESP_EMPTY);
    resp_parser_fini(&p);
}

static void expect_error(int *unit_failed, const char *input, const char *fragment) {
    char *buf = strdup(input);
    resp_parser_t p;
    size_t used = 0;
    enum resp_status st = parse_all(&p, buf, strlen(buf), &used);
    if (st != RESP_ERROR || !strstr(p.error, fragment)) {
        fprintf(stderr, "input %s: status %d, error '%s', expected '%s'\n", input, st, p.error, fragment);
        (*unit_failed)++;
    }
    resp_parser_fini(&p);
    free(buf);
}

TEST(protocol_errors) {
    expect_error(unit_failed, "*abc\r\n", "invalid multibulk length");
    expect_error(unit_failed, "*9223372036854775808\r\n", "invalid multibulk length");
    expect_error(unit_failed, "*2000000\r\n", "invalid multibulk length");
    expect_error(unit_failed, "*1\r\n$-5\r\n", "invalid bulk length");
    expect_error(unit_failed, "*1\r\n$9999999999\r\n", "invalid bulk length");
    expect_error(unit_failed, "*1\r\n$x\r\n", "invalid bulk length");
    expect_error(unit_failed, "*1\r\n+OK\r\n", "expected '$', got '+'");
    expect_error(unit_failed, "*1\r\n$3\r\nGETxx", "expected CRLF");
}

TEST(bytes_wanted_for_large_bulk) {
    char buf[] = "*1\r\n$100000\r\nabc";
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, buf, sizeof buf - 1, &used), RESP_INCOMPLETE);
    CHECK_EQ(resp_parser_bytes_wanted(&p, sizeof buf - 1), 100000 + 2 - 3);
    resp_parser_fini(&p);
}

TEST(too_long_inline) {
    size_t n = 70 * 1024;
    char *buf = malloc(n);
    memset(buf, 'a', n);
    resp_parser_t p;
    size_t used = 0;
    CHECK_EQ(parse_all(&p, buf, n, &used), RESP_ERROR);
    CHECK(strstr(p.error, "too big inline request") != NULL);
    resp_parser_fini(&p);
    free(buf);
}

TEST(unauthenticated_limits_name_themselves) {
    resp_limits_t pre_auth = {16384, 10, 64 * 1024, 1};
    char many[] = "*11\r\n";
    char big[] = "*1\r\n$16385\r\n";
    resp_parser_t p;
    size_t used = 0;
    resp_parser_init(&p);
    CHECK_EQ(resp_parse(&p, many, sizeof many - 1, &pre_auth, &used), RESP_ERROR);
    CHECK(strstr(p.error, "unauthenticated multibulk length") != NULL);
    resp_parser_fini(&p);
    resp_parser_init(&p);
    CHECK_EQ(resp_parse(&p, big, sizeof big - 1, &pre_auth, &used), RESP_ERROR);
    CHECK(strstr(p.error, "unauthenticated bulk length") != NULL);
    resp_parser_fini(&p);
}

UNIT_MAIN
