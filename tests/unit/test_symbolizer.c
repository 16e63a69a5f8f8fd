/* In-process symbolization with libdw: a function of this test binary is
 * found by name with its file and line, and a profile of its addresses is
 * symbolized. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory/heap_profile.h"
#include "memory/symbolizer.h"
#include "unit.h"

__attribute__((noinline)) int symbolizer_known_function(int x) {
    volatile int y = x * 3;
    return y + 1;
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

TEST(resolves_own_function_with_line) {
    uint64_t pc = (uint64_t)(uintptr_t)&symbolizer_known_function + 4;
    const sym_info_t *si = symbolizer_lookup(pc);
    CHECK(si != NULL);
    if (!si) return;
    CHECK(si->nframes >= 1);
    const sym_frame_t *outer = &si->frames[si->nframes - 1];
    CHECK(!strcmp(outer->function, "symbolizer_known_function"));
    CHECK(outer->file && ends_with(outer->file, "tests/unit/test_symbolizer.c"));
    CHECK(outer->line >= 13 && outer->line <= 16);
    CHECK(si->module && ends_with(si->module, "test_symbolizer"));
    CHECK(si->build_id && strlen(si->build_id) >= 16);
    /* cached: the same answer object */
    CHECK(symbolizer_lookup(pc) == si);
    symbolizer_trim();
    CHECK(symbolizer_lookup(pc) == si);
}

TEST(unknown_address_is_question_marks) {
    const sym_info_t *si = symbolizer_lookup(16);
    CHECK(si != NULL);
    if (si) {
        CHECK_EQ(si->nframes, 1);
        CHECK(!strcmp(si->frames[0].function, "??"));
        CHECK(si->module == NULL);
    }
}

TEST(demangles_cpp_names) {
    char *s = symbolizer_demangle("_ZN7rocksdb5Arena16AllocateNewBlockEm");
    CHECK(s && !strcmp(s, "rocksdb::Arena::AllocateNewBlock(unsigned long)"));
    free(s);
    s = symbolizer_demangle("plain_c");
    CHECK(s && !strcmp(s, "plain_c"));
    free(s);
}

TEST(profile_of_own_addresses_is_symbolized) {
    char text[512];
    /* a return address just past a call inside the function */
    unsigned long long ret = (unsigned long long)(uintptr_t)&symbolizer_known_function + 5;
    snprintf(text, sizeof text, "heap_v2/1\n  t*: 1: 64 [0: 0]\n@ 0x%llx\n  t*: 1: 64 [0: 0]\n", ret);
    heap_profile_t *p = NULL;
    char err[128];
    CHECK_EQ(heap_profile_load(text, strlen(text), 1, &p, err, sizeof err), 0);
    if (!p) return;
    CHECK_EQ(p->nsamples, 1);
    CHECK_EQ(p->samples[0].inuse_bytes, 64); /* period 1: nothing to correct */
    const heap_location_t *l = &p->locations[p->samples[0].locations[0]];
    CHECK(!strcmp(l->frames[l->nframes - 1].function, "symbolizer_known_function"));
    CHECK(l->frames[l->nframes - 1].line > 0);
    heap_profile_free(p);
}

UNIT_MAIN
