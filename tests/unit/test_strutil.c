#include <limits.h>
#include <math.h>

#include "unit.h"
#include "util/strutil.h"

#define S(lit) lit, sizeof(lit) - 1

TEST(str_to_ll_accepts_redis_integers) {
    long long v = 0;
    CHECK(str_to_ll(S("0"), &v) && v == 0);
    CHECK(str_to_ll(S("-1"), &v) && v == -1);
    CHECK(str_to_ll(S("9223372036854775807"), &v) && v == LLONG_MAX);
    CHECK(str_to_ll(S("-9223372036854775808"), &v) && v == LLONG_MIN);
}

TEST(str_to_ll_refuses_non_canonical) {
    long long v;
    CHECK(!str_to_ll(S(""), &v));
    CHECK(!str_to_ll(S("-"), &v));
    CHECK(!str_to_ll(S("+1"), &v));
    CHECK(!str_to_ll(S(" 1"), &v));
    CHECK(!str_to_ll(S("01"), &v));
    CHECK(!str_to_ll(S("-0"), &v));
    CHECK(!str_to_ll(S("1.0"), &v));
    CHECK(!str_to_ll(S("9223372036854775808"), &v));
    CHECK(!str_to_ll(S("-9223372036854775809"), &v));
    CHECK(!str_to_ll(S("1\0"), &v));
}

TEST(ll_to_str_round_trips) {
    char buf[32];
    CHECK_MEM(buf, ll_to_str(buf, LLONG_MIN), "-9223372036854775808");
    CHECK_MEM(buf, ll_to_str(buf, 0), "0");
    CHECK_MEM(buf, ll_to_str(buf, 12345), "12345");
}

TEST(long_double_human_format) {
    char buf[5200];
    long double a, b;
    CHECK(str_to_ld(S("10.5"), &a) && str_to_ld(S("0.1"), &b));
    CHECK_MEM(buf, ld_to_human_str(buf, sizeof buf, a + b), "10.6");
    CHECK(str_to_ld(S("5.0e3"), &a));
    CHECK_MEM(buf, ld_to_human_str(buf, sizeof buf, a), "5000");
    CHECK_MEM(buf, ld_to_human_str(buf, sizeof buf, -0.0L), "0");
    CHECK_EQ(ld_to_human_str(buf, sizeof buf, INFINITY), 0);
    CHECK(!str_to_ld(S("nan"), &a));
    CHECK(!str_to_ld(S(" 1"), &a));
    CHECK(!str_to_ld(S("1abc"), &a));
}

TEST(glob_match_patterns) {
    CHECK(glob_match(S("*"), S(""), 0));
    CHECK(glob_match(S("h?llo"), S("hello"), 0));
    CHECK(glob_match(S("h*llo"), S("heeeello"), 0));
    CHECK(glob_match(S("h[ae]llo"), S("hallo"), 0));
    CHECK(!glob_match(S("h[ae]llo"), S("hillo"), 0));
    CHECK(glob_match(S("h[^e]llo"), S("hallo"), 0));
    CHECK(!glob_match(S("h[^e]llo"), S("hello"), 0));
    CHECK(glob_match(S("h[a-b]llo"), S("hbllo"), 0));
    CHECK(glob_match(S("a\\*b"), S("a*b"), 0));
    CHECK(!glob_match(S("a\\*b"), S("axb"), 0));
    CHECK(glob_match(S("*port*"), S("tcp-port-x"), 0));
    CHECK(glob_match(S("PORT"), S("port"), 1));
    CHECK(!glob_match(S("PORT"), S("port"), 0));
}

TEST(glob_match_is_bounded_on_hostile_patterns) {
    char pattern[4000], subject[4000];
    for (int i = 0; i < 3999; i++) pattern[i] = i % 2 ? 'a' : '*';
    memset(subject, 'a', sizeof subject);
    pattern[3998] = 'b'; /* "*a*a...*b" never matches a run of 'a' */
    CHECK(!glob_match(pattern, sizeof pattern - 1, subject, sizeof subject, 0));
}

UNIT_MAIN
