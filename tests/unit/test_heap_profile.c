/* heap_v2 parsing, jemalloc's sampling correction, the jeprof / collapsed /
 * json writers and allocation sites, on hand-made profiles. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memory/heap_profile.h"
#include "memory/profile_formats.h"
#include "memory/profile_sites.h"
#include "unit.h"

/* Two stacks of the main binary under two allocator frames (in
 * libjemalloc), one stack with no live objects, per-thread lines. */
static const char SAMPLE[] =
    "heap_v2/524288\n"
    "  t*: 3: 2099200 [0: 0]\n"
    "  t0: 3: 2099200 [0: 0]\n"
    "@ 0x7f0000001010 0x7f0000001020 0x555500001100 0x555500001200 0x555500001300\n"
    "  t*: 2: 2097152 [0: 0]\n"
    "  t0: 2: 2097152 [0: 0]\n"
    "@ 0x7f0000001010 0x555500001400 0x555500001300\n"
    "  t*: 1: 2048 [4: 8192]\n"
    "  t0: 1: 2048 [4: 8192]\n"
    "@ 0x7f0000001010 0x555500001500\n"
    "  t*: 0: 0 [0: 0]\n"
    "\n"
    "MAPPED_LIBRARIES:\n"
    "555500000000-555500001000 r--p 00000000 fe:00 123 /opt/basalt/basalt-server\n"
    "555500001000-555500002000 r-xp 00001000 fe:00 123 /opt/basalt/basalt-server\n"
    "7f0000001000-7f0000002000 r-xp 00000000 fe:00 456 /usr/lib/libjemalloc.so.2\n"
    "7f0000003000-7f0000004000 rw-p 00000000 00:00 0\n";

static heap_profile_t *load(const char *text, int *unit_failed) {
    heap_profile_t *p = NULL;
    char err[256] = "";
    int rc = heap_profile_load(text, strlen(text), 0, &p, err, sizeof err);
    if (rc != 0) fprintf(stderr, "load failed: %s\n", err);
    CHECK_EQ(rc, 0);
    return p;
}

static uint64_t scaled(uint64_t v, double mean) { return (uint64_t)llround((double)v / (1.0 - exp(-mean / 524288.0))); }

TEST(parses_heap_v2_and_unsamples) {
    heap_profile_t *p = load(SAMPLE, unit_failed);
    if (!p) return;
    CHECK_EQ(p->sample_period, 524288);
    CHECK_EQ(p->nsamples, 2); /* the stack with no objects is left out */
    CHECK_EQ(p->nmappings, 2); /* executable file mappings only */
    CHECK(!strcmp(p->mappings[1].path, "/usr/lib/libjemalloc.so.2"));
    /* 2 objects of 1 MiB sampled at 512 KiB stand for 2/(1-e^-2) objects */
    CHECK_EQ(p->samples[0].inuse_objects, scaled(2, 1048576.0));
    CHECK_EQ(p->samples[0].inuse_bytes, scaled(2097152, 1048576.0));
    CHECK_EQ(p->samples[1].inuse_bytes, scaled(2048, 2048.0));
    CHECK_EQ(p->samples[1].alloc_objects, scaled(4, 2048.0));
    CHECK_EQ(p->total_inuse_bytes, p->samples[0].inuse_bytes + p->samples[1].inuse_bytes);
    /* allocator frames dropped: each stack starts at its allocation site */
    CHECK_EQ(p->samples[0].nlocations, 3);
    CHECK_EQ(p->locations[p->samples[0].locations[0]].address, 0x555500001100ULL);
    CHECK_EQ(p->samples[1].nlocations, 2);
    CHECK_EQ(p->locations[p->samples[1].locations[0]].address, 0x555500001400ULL);
    /* the shared caller is one location; jemalloc's are gone */
    CHECK_EQ(p->samples[0].locations[2], p->samples[1].locations[1]);
    CHECK_EQ(p->nlocations, 4);
    for (size_t i = 0; i < p->nlocations; i++) {
        CHECK_EQ(p->locations[i].mapping, 0);
        CHECK_EQ(p->locations[i].nframes, 1);
    }
    heap_profile_free(p);
}

TEST(unsample_and_resample_are_inverse) {
    uint64_t c, b, c2, b2;
    heap_unsample(524288, 7, 7 * 300000, &c, &b);
    CHECK(b > 7 * 300000);
    heap_resample(524288, c, b, &c2, &b2);
    CHECK_EQ(c2, 7);
    CHECK(llabs((long long)b2 - 7 * 300000) <= 7 * 300000 / 100);
    /* what jeprof makes of the resampled pair is the estimate again (bytes exactly) */
    uint64_t c3, b3;
    heap_unsample(524288, c2, b2, &c3, &b3);
    CHECK(llabs((long long)b3 - (long long)b) <= 2);
    CHECK(llabs((long long)c3 - (long long)c) <= 1);
    /* many small objects: fewer samples, bytes still exact */
    heap_resample(524288, 1000, 1000000, &c2, &b2);
    CHECK_EQ(c2, 1);
    heap_unsample(524288, c2, b2, &c3, &b3);
    CHECK(llabs((long long)b3 - 1000000) <= 2);
    heap_unsample(1, 5, 500, &c, &b); /* every allocation sampled: no correction */
    CHECK_EQ(c, 5);
    CHECK_EQ(b, 500);
}

TEST(rejects_what_is_not_a_profile) {
    heap_profile_t *p = NULL;
    char err[256] = "";
    CHECK_EQ(heap_profile_load("hello\n", 6, 0, &p, err, sizeof err), -1);
    CHECK(strstr(err, "heap_v2") != NULL);
    CHECK(p == NULL);
    const char *bad = "heap_v2/524288\n@ 0xzz\n  t*: 1: 1 [0: 0]\n";
    CHECK_EQ(heap_profile_load(bad, strlen(bad), 0, &p, err, sizeof err), -1);
    const char *bad2 = "heap_v2/524288\n@ 0x10\n  t*: 1 [0: 0]\n";
    CHECK_EQ(heap_profile_load(bad2, strlen(bad2), 0, &p, err, sizeof err), -1);
    CHECK_EQ(heap_profile_load("", 0, 0, &p, err, sizeof err), -1);
}

/* A profile built by hand: names with file:line, one inlined frame. */
static heap_profile_t *hand_made(void) {
    heap_profile_t *p = calloc(1, sizeof *p);
    p->sample_period = 524288;
    p->time_ms = 1700000000123;
    p->pid = 42;
    p->title = strdup("unit");
    p->nlocations = 3;
    p->locations = calloc(3, sizeof *p->locations);
    const char *names[3] = {"leak_here", "main", "helper"};
    for (size_t i = 0; i < 3; i++) {
        heap_location_t *l = &p->locations[i];
        l->address = 0x1000 + 0x10 * i;
        l->mapping = -1;
        l->nframes = i == 0 ? 2 : 1;
        l->frames = calloc(l->nframes, sizeof *l->frames);
        l->frames[0].function = strdup(names[i]);
        l->frames[0].file = strdup("src/x.c");
        l->frames[0].line = 10 + (int)i;
        if (i == 0) l->frames[1].function = strdup("inliner"); /* leak_here inlined into inliner */
    }
    p->nsamples = 2;
    p->samples = calloc(2, sizeof *p->samples);
    size_t s0[] = {0, 1}, s1[] = {2, 1};
    p->samples[0].locations = malloc(sizeof s0);
    memcpy(p->samples[0].locations, s0, sizeof s0);
    p->samples[0].nlocations = 2;
    p->samples[0].inuse_bytes = 3000000;
    p->samples[0].inuse_objects = 3;
    p->samples[1].locations = malloc(sizeof s1);
    memcpy(p->samples[1].locations, s1, sizeof s1);
    p->samples[1].nlocations = 2;
    p->samples[1].inuse_bytes = 1000000;
    p->samples[1].inuse_objects = 1000;
    p->total_inuse_bytes = 4000000;
    p->total_inuse_objects = 1003;
    return p;
}

TEST(collapsed_is_root_first) {
    heap_profile_t *p = hand_made();
    buf_t out;
    buf_init(&out);
    char err[128];
    CHECK_EQ(heap_profile_write_collapsed(p, &out, err, sizeof err), 0);
    CHECK_MEM(out.data, out.len, "main;helper 1000000\nmain;inliner;leak_here 3000000\n");
    buf_fini(&out);
    heap_profile_free(p);
}

TEST(jeprof_form_round_trips) {
    heap_profile_t *p = hand_made();
    buf_t out;
    buf_init(&out);
    char err[128];
    CHECK_EQ(heap_profile_write_jeprof(p, &out, err, sizeof err), 0);
    buf_append_char(&out, '\0');
    CHECK(!strncmp(out.data, "--- symbol\n", 11));
    /* a caller is named at its address - 1, a first frame at its own */
    CHECK(strstr(out.data, "\n0x000000000000100f main\n") != NULL);
    CHECK(strstr(out.data, "\n0x0000000000000fff inliner--leak_here\n") != NULL);
    CHECK(strstr(out.data, "\n0x0000000000001010 main\n") == NULL); /* never a first frame */
    CHECK(strstr(out.data, "\n0x0000000000001000 inliner--leak_here\n") != NULL);
    CHECK(strstr(out.data, "---\n--- heap\nheap_v2/524288\n") != NULL);
    heap_profile_t *q = NULL;
    CHECK_EQ(heap_profile_load(out.data, out.len - 1, 0, &q, err, sizeof err), 0);
    if (q) {
        CHECK_EQ(q->nsamples, 2);
        CHECK_EQ(q->time_ms, 1700000000123LL);
        CHECK_EQ(q->pid, 42);
        CHECK(!strcmp(q->title, "unit"));
        for (size_t i = 0; i < 2; i++) {
            double want = (double)p->samples[i].inuse_bytes, got = (double)q->samples[i].inuse_bytes;
            CHECK(fabs(got - want) / want < 0.001);
        }
        const heap_location_t *leaf = &q->locations[q->samples[0].locations[0]];
        CHECK_EQ(leaf->nframes, 2);
        CHECK(!strcmp(leaf->frames[0].function, "leak_here"));
        CHECK(!strcmp(leaf->frames[1].function, "inliner"));
        heap_profile_free(q);
    }
    buf_fini(&out);
    heap_profile_free(p);
}

TEST(json_has_totals_and_top_stacks) {
    heap_profile_t *p = hand_made();
    buf_t out;
    buf_init(&out);
    char err[128];
    CHECK_EQ(heap_profile_write_json(p, &out, err, sizeof err), 0);
    buf_append_char(&out, '\0');
    CHECK(strstr(out.data, "\"sample_bytes\": 524288") != NULL);
    CHECK(strstr(out.data, "\"inuse_bytes\": 4000000") != NULL);
    /* largest first */
    const char *a = strstr(out.data, "\"bytes\": 3000000"), *b = strstr(out.data, "\"bytes\": 1000000");
    CHECK(a && b && a < b);
    CHECK(strstr(out.data, "{\"function\": \"leak_here\", \"file\": \"src/x.c\", \"line\": 10") != NULL);
    buf_fini(&out);
    heap_profile_free(p);
}

TEST(sites_group_by_depth_and_diff) {
    heap_profile_t *p = hand_made();
    heap_site_list_t l;
    CHECK_EQ(heap_sites_build(p, 1, &l), 0);
    heap_sites_sort(&l, SITES_BY_BYTES);
    CHECK_EQ(l.n, 2);
    CHECK_EQ(l.sites[0].bytes, 3000000);
    CHECK_EQ(l.sites[0].nframes, 1);
    CHECK(!strcmp(l.sites[0].frames[0], "leak_here (src/x.c:10)"));
    heap_sites_sort(&l, SITES_BY_OBJECTS);
    CHECK_EQ(l.sites[0].objects, 1000);
    heap_sites_free(&l);

    /* depth 3 from the root side: both stacks end in main */
    heap_profile_t *base = hand_made();
    base->samples[0].inuse_bytes = 1000000;
    CHECK_EQ(heap_sites_diff(base, p, 0, &l), 0);
    heap_sites_sort(&l, SITES_BY_BYTES);
    CHECK_EQ(l.n, 2);
    CHECK_EQ(l.sites[0].bytes, 2000000); /* growth */
    CHECK_EQ(l.sites[0].base_bytes, 1000000);
    CHECK_EQ(l.sites[1].bytes, 0);
    heap_sites_free(&l);
    heap_profile_free(base);
    heap_profile_free(p);
}

TEST(format_names) {
    CHECK_EQ(heap_format_parse("JSON", 4), HEAP_FMT_JSON);
    CHECK_EQ(heap_format_parse("pprof", 5), HEAP_FMT_PPROF);
    CHECK_EQ(heap_format_parse("xml", 3), -1);
    CHECK(!strcmp(heap_format_extension(HEAP_FMT_PPROF), ".pb.gz"));
    CHECK(!strcmp(heap_format_extension(HEAP_FMT_JEPROF), ".heap"));
}

UNIT_MAIN
