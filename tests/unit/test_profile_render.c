/* The pprof and SVG writers on hand-made profiles: the pprof output is
 * gunzipped and decoded here field by field; the SVG is checked for the
 * numbers, escaping and layout it must carry. With PROFILE_RENDER_OUT=<dir>
 * the binary also writes its outputs there (for the offline integration
 * test, which reads them with go tool pprof and Chromium) and prints the
 * time each format takes on a 10,000-stack profile. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "memory/heap_profile.h"
#include "memory/profile_pprof.h"
#include "memory/profile_svg.h"
#include "unit.h"
#include "util/buf.h"

/* ---- a small synthetic profile -------------------------------------- */

#define CXX_NAME "std::vector<std::pair<int, char>>::reserve<&operator new>"

static heap_frame_t frames_arena[] = {
    {CXX_NAME, "/usr/include/c++/12/bits/vector.tcc", 66}, /* inlined into... */
    {"rocksdb::Arena::AllocateAligned", "memory/arena.cc", 42},
};
static heap_frame_t frames_hold[] = {{"debug_heap_hold", "src/memory/heap_hold.c", 77}};
static heap_frame_t frames_cmd[] = {{"cmd_debug", "src/commands/cmd_debug.c", 120}};
static heap_frame_t frames_main[] = {{"main", "src/server/main.c", 31}};
static heap_frame_t frames_unknown[] = {{"??", NULL, 0}};
static heap_frame_t frames_thread[] = {{"start_thread", NULL, 0}};

static heap_location_t locations[] = {
    {0x555555601000, 0, frames_arena, 2},
    {0x555555602000, 0, frames_hold, 1},
    {0x555555603000, 0, frames_cmd, 1},
    {0x555555604000, 0, frames_main, 1},
    {0x7ffff7a01000, 1, frames_unknown, 1},
    {0x999, -1, frames_thread, 1},
};

static heap_mapping_t mappings[] = {
    {0x555555554000, 0x555555700000, 0x1000, "/usr/local/bin/basalt-server", "0123456789abcdef0123"},
    {0x7ffff7a00000, 0x7ffff7b00000, 0, "/usr/lib/x86_64-linux-gnu/libc.so.6", ""},
};

static size_t stack_hold[] = {1, 2, 3};
static size_t stack_arena[] = {0, 2, 3};
static size_t stack_unknown[] = {4, 5};

static heap_sample_t samples[] = {
    {stack_hold, 3, 3, 3000, 6, 5000},
    {stack_arena, 3, 1, 1000, 1, 1000},
    {stack_unknown, 2, 2, 500, 0, 0},
};

#define TIME_MS 1795500760520LL

static heap_profile_t synthetic(void) {
    heap_profile_t p = {
        .sample_period = 524288,
        .time_ms = TIME_MS,
        .pid = 4242,
        .title = "basalt-server 0.1.0 pid 4242",
        .total_inuse_objects = 6,
        .total_inuse_bytes = 4500,
        .total_alloc_objects = 7,
        .total_alloc_bytes = 6000,
        .samples = samples,
        .nsamples = 3,
        .locations = locations,
        .nlocations = 6,
        .mappings = mappings,
        .nmappings = 2,
    };
    return p;
}

/* ---- reading the pprof output back ----------------------------------- */

static int gunzip(const char *data, size_t len, buf_t *out) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) return -1;
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    int rc;
    do {
        if (buf_reserve(out, 65536) != 0) break;
        z.next_out = (Bytef *)out->data + out->len;
        z.avail_out = 65536;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len += 65536 - z.avail_out;
    } while (rc == Z_OK);
    int done = rc == Z_STREAM_END && z.avail_in == 0;
    inflateEnd(&z);
    return done ? 0 : -1;
}

typedef struct pbr {
    const unsigned char *p, *end;
    int bad;
} pbr_t;

static uint64_t pbr_varint(pbr_t *r) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (r->p >= r->end) break;
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return v;
    }
    r->bad = 1;
    return 0;
}

/* The next field: 1 and its number, wire type and either its varint value
 * or its bytes as a sub-reader; 0 at the end or on malformed input. */
static int pbr_next(pbr_t *r, uint32_t *field, uint64_t *v, pbr_t *sub) {
    if (r->bad || r->p >= r->end) return 0;
    uint64_t key = pbr_varint(r);
    *field = (uint32_t)(key >> 3);
    sub->p = sub->end = NULL;
    sub->bad = 0;
    if ((key & 7) == 0) {
        *v = pbr_varint(r);
    } else if ((key & 7) == 2) {
        uint64_t len = pbr_varint(r);
        if (len > (uint64_t)(r->end - r->p)) {
            r->bad = 1;
            return 0;
        }
        sub->p = r->p;
        sub->end = r->p + len;
        r->p += len;
        *v = len;
    } else {
        r->bad = 1;
        return 0;
    }
    return !r->bad;
}

typedef struct dec_location {
    uint64_t id, mapping_id, address;
    uint64_t function_id[4], line[4];
    size_t nlines;
} dec_location_t;

typedef struct dec_function {
    uint64_t id, name, system_name, filename;
} dec_function_t;

typedef struct dec_mapping {
    uint64_t id, start, limit, offset, filename, build_id, has[4];
} dec_mapping_t;

typedef struct dec_sample {
    uint64_t loc[64];
    size_t nloc;
    uint64_t value[8];
    size_t nvalue;
} dec_sample_t;

typedef struct decoded {
    char **strings;
    size_t nstrings;
    uint64_t sample_type[8][2];
    size_t nsample_types;
    dec_sample_t *samples;
    size_t nsamples;
    dec_location_t *locations;
    size_t nlocations;
    dec_function_t *functions;
    size_t nfunctions;
    dec_mapping_t *mappings;
    size_t nmappings;
    uint64_t time_nanos, period, period_type[2], default_sample_type;
    uint64_t comments[16];
    size_t ncomments;
    int bad;
} decoded_t;

#define GROW(arr, n) ((arr) = realloc((arr), ((n) + 1) * sizeof *(arr)), memset(&(arr)[n], 0, sizeof *(arr)), &(arr)[(n)++])

static void dec_packed(pbr_t *sub, uint64_t v, pbr_t *r_unused, uint64_t *dst, size_t *n, size_t cap, int is_len) {
    (void)r_unused;
    if (!is_len) {
        if (*n < cap) dst[(*n)++] = v;
        return;
    }
    while (sub->p < sub->end && !sub->bad) {
        uint64_t x = pbr_varint(sub);
        if (*n < cap) dst[(*n)++] = x;
    }
}

static void dec_value_type(pbr_t *r, uint64_t out[2]) {
    uint32_t f;
    uint64_t v;
    pbr_t sub;
    while (pbr_next(r, &f, &v, &sub))
        if (f == 1 || f == 2) out[f - 1] = v;
}

static int decode(const buf_t *gz, decoded_t *d) {
    memset(d, 0, sizeof *d);
    buf_t raw;
    buf_init(&raw);
    if (gunzip(gz->data, gz->len, &raw) != 0) {
        buf_fini(&raw);
        return -1;
    }
    pbr_t r = {(const unsigned char *)raw.data, (const unsigned char *)raw.data + raw.len, 0};
    uint32_t f, g;
    uint64_t v, w;
    pbr_t sub, sub2;
    while (pbr_next(&r, &f, &v, &sub)) {
        switch (f) {
        case 1:
            if (d->nsample_types < 8) dec_value_type(&sub, d->sample_type[d->nsample_types++]);
            break;
        case 2: {
            dec_sample_t *s = GROW(d->samples, d->nsamples);
            while (pbr_next(&sub, &g, &w, &sub2)) {
                if (g == 1) dec_packed(&sub2, w, NULL, s->loc, &s->nloc, 64, sub2.p != NULL);
                if (g == 2) dec_packed(&sub2, w, NULL, s->value, &s->nvalue, 8, sub2.p != NULL);
            }
            break;
        }
        case 3: {
            dec_mapping_t *m = GROW(d->mappings, d->nmappings);
            while (pbr_next(&sub, &g, &w, &sub2)) {
                uint64_t *fields[] = {NULL, &m->id, &m->start, &m->limit, &m->offset, &m->filename,
                                      &m->build_id, &m->has[0], &m->has[1], &m->has[2], &m->has[3]};
                if (g >= 1 && g <= 10) *fields[g] = w;
            }
            break;
        }
        case 4: {
            dec_location_t *l = GROW(d->locations, d->nlocations);
            while (pbr_next(&sub, &g, &w, &sub2)) {
                if (g == 1) l->id = w;
                if (g == 2) l->mapping_id = w;
                if (g == 3) l->address = w;
                if (g == 4 && l->nlines < 4) {
                    uint32_t h;
                    uint64_t x;
                    pbr_t sub3;
                    while (pbr_next(&sub2, &h, &x, &sub3)) {
                        if (h == 1) l->function_id[l->nlines] = x;
                        if (h == 2) l->line[l->nlines] = x;
                    }
                    l->nlines++;
                }
            }
            break;
        }
        case 5: {
            dec_function_t *fn = GROW(d->functions, d->nfunctions);
            while (pbr_next(&sub, &g, &w, &sub2)) {
                if (g == 1) fn->id = w;
                if (g == 2) fn->name = w;
                if (g == 3) fn->system_name = w;
                if (g == 4) fn->filename = w;
            }
            break;
        }
        case 6: {
            char **s = GROW(d->strings, d->nstrings);
            *s = strndup((const char *)sub.p, (size_t)v);
            break;
        }
        case 9: d->time_nanos = v; break;
        case 11: dec_value_type(&sub, d->period_type); break;
        case 12: d->period = v; break;
        case 13:
            if (d->ncomments < 16) d->comments[d->ncomments++] = v;
            break;
        case 14: d->default_sample_type = v; break;
        default: d->bad = 1;
        }
    }
    if (r.bad) d->bad = 1;
    buf_fini(&raw);
    return d->bad ? -1 : 0;
}

static void decoded_free(decoded_t *d) {
    for (size_t i = 0; i < d->nstrings; i++) free(d->strings[i]);
    free(d->strings);
    free(d->samples);
    free(d->locations);
    free(d->functions);
    free(d->mappings);
}

static const char *str_at(const decoded_t *d, uint64_t i) { return i < d->nstrings ? d->strings[i] : "<out of range>"; }

static const dec_function_t *function_by_id(const decoded_t *d, uint64_t id) {
    for (size_t i = 0; i < d->nfunctions; i++)
        if (d->functions[i].id == id) return &d->functions[i];
    return NULL;
}

static const char *line_name(const decoded_t *d, const dec_location_t *l, size_t line) {
    const dec_function_t *fn = function_by_id(d, l->function_id[line]);
    return fn ? str_at(d, fn->name) : "<no function>";
}

/* ---- the wire format ------------------------------------------------- */

TEST(pprof_is_gzip_with_string_table_starting_empty) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), 0);
    CHECK(out.len > 18);
    CHECK((unsigned char)out.data[0] == 0x1f && (unsigned char)out.data[1] == 0x8b);
    decoded_t d;
    CHECK_EQ(decode(&out, &d), 0);
    CHECK(d.nstrings > 10);
    CHECK(d.nstrings > 0 && strcmp(d.strings[0], "") == 0);
    /* Every string once. */
    for (size_t i = 0; i < d.nstrings; i++)
        for (size_t j = i + 1; j < d.nstrings; j++) CHECK(strcmp(d.strings[i], d.strings[j]) != 0);
    decoded_free(&d);
    buf_fini(&out);
}

TEST(pprof_sample_types_period_time_and_comments) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), 0);
    decoded_t d;
    CHECK_EQ(decode(&out, &d), 0);
    static const char *types[4][2] = {
        {"alloc_objects", "count"}, {"alloc_space", "bytes"}, {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
    CHECK_EQ(d.nsample_types, 4);
    for (size_t i = 0; i < 4 && i < d.nsample_types; i++) {
        CHECK(!strcmp(str_at(&d, d.sample_type[i][0]), types[i][0]));
        CHECK(!strcmp(str_at(&d, d.sample_type[i][1]), types[i][1]));
    }
    CHECK(!strcmp(str_at(&d, d.period_type[0]), "space"));
    CHECK(!strcmp(str_at(&d, d.period_type[1]), "bytes"));
    CHECK_EQ(d.period, 524288);
    CHECK(d.time_nanos == (uint64_t)TIME_MS * 1000000u);
    CHECK(!strcmp(str_at(&d, d.default_sample_type), "inuse_space"));
    int have_title = 0, have_inuse = 0, have_alloc = 0, have_interval = 0;
    for (size_t i = 0; i < d.ncomments; i++) {
        const char *c = str_at(&d, d.comments[i]);
        have_title |= !strcmp(c, "basalt-server 0.1.0 pid 4242");
        have_inuse |= !strcmp(c, "in use: 4500 bytes in 6 objects");
        have_alloc |= !strcmp(c, "allocated: 6000 bytes in 7 objects");
        have_interval |= strstr(c, "sample interval: 524288 bytes") != NULL;
    }
    CHECK(have_title && have_inuse && have_alloc && have_interval);
    decoded_free(&d);
    buf_fini(&out);
}

TEST(pprof_samples_keep_values_and_leaf_first_stacks) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), 0);
    decoded_t d;
    CHECK_EQ(decode(&out, &d), 0);
    CHECK_EQ(d.nsamples, 3);
    for (size_t i = 0; i < 3 && i < d.nsamples; i++) {
        const dec_sample_t *s = &d.samples[i];
        CHECK_EQ(s->nloc, samples[i].nlocations);
        for (size_t j = 0; j < s->nloc; j++) CHECK_EQ(s->loc[j], samples[i].locations[j] + 1);
        CHECK_EQ(s->nvalue, 4);
        CHECK_EQ(s->value[0], samples[i].alloc_objects);
        CHECK_EQ(s->value[1], samples[i].alloc_bytes);
        CHECK_EQ(s->value[2], samples[i].inuse_objects);
        CHECK_EQ(s->value[3], samples[i].inuse_bytes);
    }
    /* Zeros of a packed value list are kept: the third sample has no
     * allocation counts but still four values. */
    CHECK(d.nsamples == 3 && d.samples[2].value[0] == 0 && d.samples[2].value[3] == 500);
    decoded_free(&d);
    buf_fini(&out);
}

TEST(pprof_locations_inlined_lines_and_functions) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), 0);
    decoded_t d;
    CHECK_EQ(decode(&out, &d), 0);
    CHECK_EQ(d.nlocations, 6);
    if (d.nlocations == 6) {
        const dec_location_t *l = &d.locations[0];
        CHECK_EQ(l->id, 1);
        CHECK_EQ(l->mapping_id, 1);
        CHECK(l->address == 0x555555601000);
        /* Inlined callee first, the function it was inlined into last. */
        CHECK_EQ(l->nlines, 2);
        CHECK(!strcmp(line_name(&d, l, 0), CXX_NAME));
        CHECK(!strcmp(line_name(&d, l, 1), "rocksdb::Arena::AllocateAligned"));
        CHECK_EQ(l->line[0], 66);
        CHECK_EQ(l->line[1], 42);
        CHECK_EQ(d.locations[4].mapping_id, 2);
        CHECK_EQ(d.locations[5].mapping_id, 0); /* no mapping covers it */
        CHECK(!strcmp(line_name(&d, &d.locations[4], 0), "??"));
        CHECK_EQ(d.locations[4].line[0], 0);
    }
    /* Seven distinct functions; name = system name; a missing file is "". */
    CHECK_EQ(d.nfunctions, 7);
    int found_hold = 0;
    for (size_t i = 0; i < d.nfunctions; i++) {
        const dec_function_t *fn = &d.functions[i];
        CHECK_EQ(fn->id, i + 1);
        CHECK_EQ(fn->name, fn->system_name);
        if (!strcmp(str_at(&d, fn->name), "debug_heap_hold")) {
            found_hold = 1;
            CHECK(!strcmp(str_at(&d, fn->filename), "src/memory/heap_hold.c"));
        }
        if (!strcmp(str_at(&d, fn->name), "start_thread")) CHECK_EQ(fn->filename, 0);
    }
    CHECK(found_hold);
    decoded_free(&d);
    buf_fini(&out);
}

TEST(pprof_mappings_are_marked_symbolized) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), 0);
    decoded_t d;
    CHECK_EQ(decode(&out, &d), 0);
    CHECK_EQ(d.nmappings, 2);
    if (d.nmappings == 2) {
        const dec_mapping_t *m = &d.mappings[0];
        CHECK_EQ(m->id, 1);
        CHECK(m->start == 0x555555554000 && m->limit == 0x555555700000 && m->offset == 0x1000);
        CHECK(!strcmp(str_at(&d, m->filename), "/usr/local/bin/basalt-server"));
        CHECK(!strcmp(str_at(&d, m->build_id), "0123456789abcdef0123"));
        CHECK(m->has[0] && m->has[1] && m->has[2] && m->has[3]);
        CHECK_EQ(d.mappings[1].build_id, 0);
        CHECK(!strcmp(str_at(&d, d.mappings[1].filename), "/usr/lib/x86_64-linux-gnu/libc.so.6"));
    }
    decoded_free(&d);
    buf_fini(&out);
}

TEST(pprof_refuses_out_of_range_indexes_and_leaves_out_alone) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    buf_append_cstr(&out, "keep");
    char err[128] = "";
    size_t bad_stack[] = {1, 6};
    heap_sample_t bad = {bad_stack, 2, 1, 1, 1, 1};
    p.samples = &bad;
    p.nsamples = 1;
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), -1);
    CHECK(strstr(err, "location 6") != NULL);
    CHECK_MEM(out.data, out.len, "keep");
    CHECK_EQ(heap_profile_write_svg(&p, &out, err, sizeof err), -1);
    CHECK_MEM(out.data, out.len, "keep");

    heap_profile_t q = synthetic();
    heap_location_t bad_locations[6];
    memcpy(bad_locations, locations, sizeof bad_locations);
    bad_locations[3].mapping = 2;
    q.locations = bad_locations;
    CHECK_EQ(heap_profile_write_pprof(&q, &out, err, sizeof err), -1);
    CHECK(strstr(err, "mapping 2") != NULL);
    CHECK_MEM(out.data, out.len, "keep");
    buf_fini(&out);
}

TEST(pprof_empty_profile_is_valid) {
    heap_profile_t p = {.sample_period = 1 << 19, .title = ""};
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &out, err, sizeof err), 0);
    decoded_t d;
    CHECK_EQ(decode(&out, &d), 0);
    CHECK_EQ(d.nsamples, 0);
    CHECK_EQ(d.nsample_types, 4);
    CHECK_EQ(d.period, 1 << 19);
    decoded_free(&d);
    buf_fini(&out);
}

/* ---- the flame graph ------------------------------------------------- */

static size_t count(const char *hay, size_t len, const char *needle) {
    size_t n = 0, nl = strlen(needle);
    for (size_t i = 0; i + nl <= len; i++)
        if (!memcmp(hay + i, needle, nl)) n++;
    return n;
}

/* Every '&' starts one of XML's predefined entities, no '<' appears inside
 * text, and elements open and close in pairs. Not a parser (the integration
 * test uses one), but catches the escaping mistakes. */
static int svg_basics_ok(const buf_t *svg) {
    const char *s = svg->data;
    size_t n = svg->len;
    if (n < 20 || memcmp(s, "<?xml", 5) != 0) return 0;
    if (n < 7 || memcmp(s + n - 7, "</svg>\n", 7) != 0) return 0;
    static const char *entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') continue;
        int ok = 0;
        for (size_t e = 0; e < 5; e++) ok |= !strncmp(s + i, entities[e], strlen(entities[e]));
        if (!ok) return 0;
    }
    return count(s, n, "<g>") == count(s, n, "</g>") && count(s, n, "<title>") == count(s, n, "</title>") &&
           count(s, n, "<text") == count(s, n, "</text>") && count(s, n, "<svg") == 1;
}

/* The width attribute of the box whose hover title starts with name. */
static double box_width(const buf_t *svg, const char *name) {
    char needle[256];
    snprintf(needle, sizeof needle, "<g><title>%s", name);
    char *z = strndup(svg->data, svg->len);
    const char *at = strstr(z, needle);
    double w = -1;
    if (at && (at = strstr(at, "width=\""))) w = strtod(at + 7, NULL);
    free(z);
    return w;
}

TEST(svg_is_a_complete_escaped_document_with_totals) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_svg(&p, &out, err, sizeof err), 0);
    CHECK(svg_basics_ok(&out));
    CHECK(count(out.data, out.len, "std::vector<") == 0);
    CHECK(count(out.data, out.len, "std::vector&lt;std::pair&lt;int, char&gt;&gt;::reserve&lt;&amp;operator new&gt;") ==
          1);
    /* Title: totals, interval and time. */
    CHECK(count(out.data, out.len, "4.4 KiB in use in 6 objects") == 1);
    CHECK(count(out.data, out.len, "sample interval 512.0 KiB") == 1);
    CHECK(count(out.data, out.len, "2026-11-24 06:12:40 UTC") == 1);
    CHECK(count(out.data, out.len, "basalt-server 0.1.0 pid 4242") >= 1);
    /* Hover text: bytes and share. */
    CHECK(count(out.data, out.len, "debug_heap_hold\nsrc/memory/heap_hold.c\n3000 bytes (2.9 KiB), 66.67%; 3 objects") ==
          1);
    /* The inlined frame has its own box, marked as such. */
    CHECK(count(out.data, out.len, "reserve&lt;&amp;operator new&gt; (inlined)") == 1);
    buf_fini(&out);
}

TEST(svg_widths_follow_inuse_bytes_and_equal_frames_merge) {
    heap_profile_t p = synthetic();
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_svg(&p, &out, err, sizeof err), 0);
    double all = box_width(&out, "all");
    CHECK(all > 1000);
    CHECK(box_width(&out, "debug_heap_hold") > 0);
    /* 3000 and 1000 of 4500 bytes; main holds both stacks in one box. */
    CHECK_EQ((long)(box_width(&out, "debug_heap_hold") * 100 / all + 0.5), 67);
    CHECK_EQ((long)(box_width(&out, "rocksdb::Arena::AllocateAligned") * 100 / all + 0.5), 22);
    CHECK_EQ((long)(box_width(&out, "main") * 100 / all + 0.5), 89);
    CHECK_EQ(count(out.data, out.len, "<g><title>main\n"), 1);
    CHECK_EQ(count(out.data, out.len, "<g><title>cmd_debug\n"), 1);
    CHECK_EQ(count(out.data, out.len, "<g><title>"), 8); /* all + 7 functions */
    buf_fini(&out);
}

TEST(svg_is_deterministic_and_colours_follow_names) {
    heap_profile_t p = synthetic();
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_svg(&p, &a, err, sizeof err), 0);
    CHECK_EQ(heap_profile_write_svg(&p, &b, err, sizeof err), 0);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    /* cmd_debug appears under main in two stacks: one box; distinct names
     * get distinct fills (with overwhelming probability for these). */
    CHECK(count(a.data, a.len, "fill=\"rgb(200,200,200)\"") == 2); /* all and ?? */
    buf_fini(&a);
    buf_fini(&b);
}

TEST(svg_truncates_labels_and_sanitizes_bytes) {
    char long_name[400];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    long_name[0] = 'L';
    heap_frame_t fr_long[] = {{long_name, NULL, 0}};
    heap_frame_t fr_bad[] = {{"bad\x01name\xff\xc3(", "f\"ile'", 1}};
    heap_location_t locs[] = {{1, -1, fr_long, 1}, {2, -1, fr_bad, 1}};
    size_t s0[] = {0}, s1[] = {1};
    heap_sample_t ss[] = {{s0, 1, 1, 100, 0, 0}, {s1, 1, 1, 100, 0, 0}};
    heap_profile_t p = {.sample_period = 1, .title = "t<&>", .total_inuse_bytes = 200, .total_inuse_objects = 2,
                        .samples = ss, .nsamples = 2, .locations = locs, .nlocations = 2};
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_svg(&p, &out, err, sizeof err), 0);
    CHECK(svg_basics_ok(&out));
    CHECK(count(out.data, out.len, "bad?name?" "?(") >= 2); /* hover and label */
    CHECK(count(out.data, out.len, "f&quot;ile&apos;") == 1);
    CHECK(count(out.data, out.len, "t&lt;&amp;&gt;") >= 1);
    /* The long name: full in the hover text, cut with ".." in a half-width
     * box (about 590 px = 81 glyphs of 7.2 px). */
    CHECK_EQ(count(out.data, out.len, long_name), 1);
    char *z = strndup(out.data, out.len);
    char *label = strstr(z, "\">Lxxx"); /* the <text>, not the <title> */
    CHECK(label != NULL);
    if (label) {
        size_t len = strcspn(label + 2, "<");
        CHECK(len >= 70 && len <= 84);
        CHECK(!strncmp(label + 2 + len - 3, "\xe2\x80\xa6", 3)); /* ends with an ellipsis */
    }
    free(z);
    buf_fini(&out);
}

TEST(svg_groups_narrow_callees_and_counts_what_is_left_out) {
    /* Under "big": one wide callee, 100 callees of 0.45 px each (drawn as
     * one "+100 small" box) and, at the root, one sliver too narrow even
     * as a group (counted under the graph). */
    heap_frame_t fr_big[] = {{"big", NULL, 0}}, fr_wide[] = {{"wide", NULL, 0}}, fr_tiny[] = {{"tiny", NULL, 0}};
    heap_frame_t fr_small[100];
    char names[100][16];
    heap_location_t locs[103] = {{1, -1, fr_big, 1}, {2, -1, fr_wide, 1}, {3, -1, fr_tiny, 1}};
    size_t stacks[103][2];
    heap_sample_t ss[102];
    for (size_t i = 0; i < 100; i++) {
        snprintf(names[i], sizeof names[i], "small_%zu", i);
        fr_small[i] = (heap_frame_t){names[i], NULL, 0};
        locs[3 + i] = (heap_location_t){4 + i, -1, &fr_small[i], 1};
        stacks[i][0] = 3 + i;
        stacks[i][1] = 0;
        ss[i] = (heap_sample_t){stacks[i], 2, 1, 400, 0, 0};
    }
    stacks[100][0] = 1, stacks[100][1] = 0;
    ss[100] = (heap_sample_t){stacks[100], 2, 1, 1000000, 0, 0};
    stacks[101][0] = 2;
    ss[101] = (heap_sample_t){stacks[101], 1, 1, 10, 0, 0};
    heap_profile_t p = {.sample_period = 1, .title = "", .samples = ss, .nsamples = 102, .locations = locs,
                        .nlocations = 103};
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_svg(&p, &out, err, sizeof err), 0);
    CHECK(svg_basics_ok(&out));
    CHECK_EQ(count(out.data, out.len, "<g><title>small_"), 0);
    CHECK_EQ(count(out.data, out.len, "<g><title>tiny"), 0);
    CHECK_EQ(count(out.data, out.len, "<g><title>wide"), 1);
    CHECK_EQ(count(out.data, out.len, "<g><title>100 callees, each narrower than 0.5 px\n40000 bytes (39.1 KiB), 3.85%"),
             1);
    CHECK_EQ(count(out.data, out.len, ">+100\xe2\x80\xa6</text>"), 1); /* "+100 small", cut */
    CHECK_EQ(count(out.data, out.len, "Not drawn: 1 call paths narrower than 0.5 px even together, 10 bytes (0.00%)"),
             1);
    buf_fini(&out);
}

TEST(svg_empty_profile_says_so) {
    heap_profile_t p = {.sample_period = 1 << 19, .title = ""};
    buf_t out;
    buf_init(&out);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_svg(&p, &out, err, sizeof err), 0);
    CHECK(svg_basics_ok(&out));
    CHECK_EQ(count(out.data, out.len, "No in-use memory in this profile."), 1);
    CHECK_EQ(count(out.data, out.len, "<g>"), 0);
    buf_fini(&out);
}

/* ---- 10,000 distinct stacks ------------------------------------------ */

typedef struct big_profile {
    heap_profile_t p;
    heap_frame_t *frames;
    char (*names)[64];
    size_t *stacks;
} big_profile_t;

#define BIG_STACKS 10000
#define BIG_FUNCS 3000
#define BIG_LOCS 20000
#define BIG_DEPTH 24

static uint64_t rng_next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* 10,000 stacks of 8..BIG_DEPTH locations under a few shared roots, leaf
 * location i for stack i (so every stack is distinct), some locations
 * with an inlined frame, C++-like names. */
static void big_profile_build(big_profile_t *b) {
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    b->names = calloc(BIG_FUNCS, sizeof *b->names);
    for (size_t i = 0; i < BIG_FUNCS; i++)
        snprintf(b->names[i], sizeof b->names[i], i % 3 ? "module%zu::Class<int>::method_%zu" : "c_function_%zu",
                 i % 17, i);
    b->frames = calloc(BIG_LOCS * 2, sizeof *b->frames);
    heap_location_t *locs = calloc(BIG_LOCS, sizeof *locs);
    for (size_t i = 0; i < BIG_LOCS; i++) {
        size_t nf = i % 5 == 0 ? 2 : 1;
        for (size_t k = 0; k < nf; k++) {
            heap_frame_t *fr = &b->frames[i * 2 + k];
            fr->function = b->names[rng_next(&rng) % BIG_FUNCS];
            fr->file = i % 7 ? "src/some/file.c" : NULL;
            fr->line = (int)(i % 1000);
        }
        locs[i] = (heap_location_t){0x400000 + i * 16, 0, &b->frames[i * 2], nf};
    }
    heap_sample_t *ss = calloc(BIG_STACKS, sizeof *ss);
    b->stacks = calloc((size_t)BIG_STACKS * BIG_DEPTH, sizeof *b->stacks);
    uint64_t inuse = 0, objects = 0;
    for (size_t i = 0; i < BIG_STACKS; i++) {
        size_t *st = &b->stacks[i * BIG_DEPTH];
        size_t depth = 8 + rng_next(&rng) % (BIG_DEPTH - 8);
        st[0] = i;
        for (size_t j = 1; j < depth; j++) {
            /* Callers near the root repeat across stacks, as in a server. */
            size_t spread = j + 2 >= depth ? 4 : 40 * (depth - j);
            st[j] = BIG_STACKS + (rng_next(&rng) % spread) + 100 * (depth - j);
        }
        ss[i].locations = st;
        ss[i].nlocations = depth;
        ss[i].inuse_objects = 1 + rng_next(&rng) % 100;
        ss[i].inuse_bytes = ss[i].inuse_objects * (16 + rng_next(&rng) % 4096);
        ss[i].alloc_objects = ss[i].inuse_objects * 2;
        ss[i].alloc_bytes = ss[i].inuse_bytes * 2;
        inuse += ss[i].inuse_bytes;
        objects += ss[i].inuse_objects;
    }
    static heap_mapping_t big_map[] = {{0x400000, 0x400000 + BIG_LOCS * 16, 0, "/usr/local/bin/basalt-server", "feedface"}};
    b->p = (heap_profile_t){.sample_period = 524288, .time_ms = TIME_MS, .pid = 1, .title = "synthetic 10000 stacks",
                            .total_inuse_objects = objects, .total_inuse_bytes = inuse,
                            .total_alloc_objects = objects * 2, .total_alloc_bytes = inuse * 2,
                            .samples = ss, .nsamples = BIG_STACKS, .locations = locs, .nlocations = BIG_LOCS,
                            .mappings = big_map, .nmappings = 1};
}

static void big_profile_free(big_profile_t *b) {
    free(b->names);
    free(b->frames);
    free(b->stacks);
    free(b->p.samples);
    free(b->p.locations);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int write_file(const char *dir, const char *name, const buf_t *b) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = fwrite(b->data, 1, b->len, f);
    return fclose(f) == 0 && n == b->len ? 0 : -1;
}

#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#else
#define SLOW_BUILD 0
#endif

TEST(ten_thousand_stacks_render_within_a_second) {
    big_profile_t b;
    big_profile_build(&b);
    buf_t pb, svg;
    buf_init(&pb);
    buf_init(&svg);
    char err[128] = "";
    double t0 = now_ms();
    CHECK_EQ(heap_profile_write_pprof(&b.p, &pb, err, sizeof err), 0);
    double t1 = now_ms();
    CHECK_EQ(heap_profile_write_svg(&b.p, &svg, err, sizeof err), 0);
    double t2 = now_ms();
    printf("profile_render: %d stacks, %d locations: pprof %.1f ms (%zu bytes), svg %.1f ms (%zu bytes)\n",
           BIG_STACKS, BIG_LOCS, t1 - t0, pb.len, t2 - t1, svg.len);
    /* The budget is for the release build; sanitizers cost several times. */
    if (!SLOW_BUILD) {
        CHECK(t1 - t0 < 1000);
        CHECK(t2 - t1 < 1000);
    }
    decoded_t d;
    CHECK_EQ(decode(&pb, &d), 0);
    CHECK_EQ(d.nsamples, BIG_STACKS);
    uint64_t sum = 0;
    for (size_t i = 0; i < d.nsamples; i++) sum += d.samples[i].value[3];
    CHECK(sum == b.p.total_inuse_bytes);
    CHECK_EQ(d.nlocations, BIG_LOCS);
    decoded_free(&d);
    CHECK(svg_basics_ok(&svg));

    const char *dir = getenv("PROFILE_RENDER_OUT");
    if (dir && *dir) {
        CHECK_EQ(write_file(dir, "big.pb.gz", &pb), 0);
        CHECK_EQ(write_file(dir, "big.svg", &svg), 0);
        printf("profile_render: big totals inuse_bytes=%" PRIu64 " inuse_objects=%" PRIu64 "\n",
               b.p.total_inuse_bytes, b.p.total_inuse_objects);
    }
    buf_fini(&pb);
    buf_fini(&svg);
    big_profile_free(&b);
}

TEST(writes_synthetic_outputs_when_asked) {
    const char *dir = getenv("PROFILE_RENDER_OUT");
    if (!dir || !*dir) return;
    heap_profile_t p = synthetic();
    buf_t pb, svg;
    buf_init(&pb);
    buf_init(&svg);
    char err[128] = "";
    CHECK_EQ(heap_profile_write_pprof(&p, &pb, err, sizeof err), 0);
    CHECK_EQ(heap_profile_write_svg(&p, &svg, err, sizeof err), 0);
    CHECK_EQ(write_file(dir, "profile.pb.gz", &pb), 0);
    CHECK_EQ(write_file(dir, "flame.svg", &svg), 0);
    buf_fini(&pb);
    buf_fini(&svg);
}

UNIT_MAIN
