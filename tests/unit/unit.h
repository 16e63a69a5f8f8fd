#ifndef BASALT_TESTS_UNIT_H
#define BASALT_TESTS_UNIT_H

/* A tiny unit-test harness: TEST(name) defines a test that registers
 * itself; CHECK/CHECK_EQ print both sides and file:line on failure; main()
 * runs every test and prints "N passed, N failed". */
#include <stdio.h>
#include <string.h>

typedef void (*unit_fn)(int *failed);
struct unit_test {
    const char *name;
    unit_fn fn;
};
extern struct unit_test unit_tests[256];
extern int unit_ntests;

#define TEST(tname)                                                                           \
    static void test_##tname(int *unit_failed);                                               \
    __attribute__((constructor)) static void register_##tname(void) {                          \
        unit_tests[unit_ntests].name = #tname;                                                \
        unit_tests[unit_ntests++].fn = test_##tname;                                          \
    }                                                                                         \
    static void test_##tname(int *unit_failed)

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);          \
            (*unit_failed)++;                                                                 \
        }                                                                                     \
    } while (0)

#define CHECK_EQ(a, b)                                                                        \
    do {                                                                                      \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                 \
        if (va_ != vb_) {                                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, \
                    va_, vb_);                                                                \
            (*unit_failed)++;                                                                 \
        }                                                                                     \
    } while (0)

#define CHECK_MEM(ptr, len, expect)                                                           \
    do {                                                                                      \
        size_t el_ = strlen(expect);                                                          \
        if ((size_t)(len) != el_ || memcmp((ptr), (expect), el_) != 0) {                      \
            fprintf(stderr, "%s:%d: got \"%.*s\", expected \"%s\"\n", __FILE__, __LINE__,      \
                    (int)(len), (const char *)(ptr), (expect));                               \
            (*unit_failed)++;                                                                 \
        }                                                                                     \
    } while (0)

#define UNIT_MAIN                                                                             \
    struct unit_test unit_tests[256];                                                         \
    int unit_ntests;                                                                          \
    int main(void) {                                                                          \
        int passed = 0, failed = 0;                                                           \
        for (int i = 0; i < unit_ntests; i++) {                                               \
            int f = 0;                                                                        \
            unit_tests[i].fn(&f);                                                             \
            if (f) {                                                                          \
                failed++;                                                                     \
                fprintf(stderr, "FAIL %s\n", unit_tests[i].name);                             \
            } else {                                                                          \
                passed++;                                                                     \
            }                                                                                 \
        }                                                                                     \
        printf("%s: %d passed, %d failed\n", __FILE__, passed, failed);                       \
        return failed ? 1 : 0;                                                                \
    }

#endif
