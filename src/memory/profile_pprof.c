/* The pprof writer. The protobuf is written by hand with util/pb_writer
 * (a handful of message types, all integers and strings) rather than with
 * generated code from protoc, which would add a build step and a runtime
 * library for ~200 lines of straightforward encoding. */
#include "memory/profile_pprof.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/intern.h"
#include "util/pb_writer.h"

/* Field numbers of profile.proto. */
enum {
    PROFILE_SAMPLE_TYPE = 1,
    PROFILE_SAMPLE = 2,
    PROFILE_MAPPING = 3,
    PROFILE_LOCATION = 4,
    PROFILE_FUNCTION = 5,
    PROFILE_STRING_TABLE = 6,
    PROFILE_TIME_NANOS = 9,
    PROFILE_PERIOD_TYPE = 11,
    PROFILE_PERIOD = 12,
    PROFILE_COMMENT = 13,
    PROFILE_DEFAULT_SAMPLE_TYPE = 14,
    VALUE_TYPE_TYPE = 1,
    VALUE_TYPE_UNIT = 2,
    SAMPLE_LOCATION_ID = 1,
    SAMPLE_VALUE = 2,
    MAPPING_ID = 1,
    MAPPING_MEMORY_START = 2,
    MAPPING_MEMORY_LIMIT = 3,
    MAPPING_FILE_OFFSET = 4,
    MAPPING_FILENAME = 5,
    MAPPING_BUILD_ID = 6,
    MAPPING_HAS_FUNCTIONS = 7,
    MAPPING_HAS_FILENAMES = 8,
    MAPPING_HAS_LINE_NUMBERS = 9,
    MAPPING_HAS_INLINE_FRAMES = 10,
    LOCATION_ID = 1,
    LOCATION_MAPPING_ID = 2,
    LOCATION_ADDRESS = 3,
    LOCATION_LINE = 4,
    LINE_FUNCTION_ID = 1,
    LINE_LINE = 2,
    FUNCTION_ID = 1,
    FUNCTION_NAME = 2,
    FUNCTION_SYSTEM_NAME = 3,
    FUNCTION_FILENAME = 4,
};

#define PPROF_NCOMMENTS 6

typedef struct pprof_writer {
    const heap_profile_t *p;
    strtab_t strings;   /* the string table; id 0 is "" */
    u64map_t functions; /* (name id << 32 | file id) -> function id */
    uint64_t *function_keys; /* function id - 1 -> its key, in id order */
    size_t nfunctions, functions_cap;
    buf_t msg;          /* the Profile being built */
    buf_t sub;          /* one sub-message */
    buf_t line;         /* one Line inside a Location */
    uint64_t *ids;      /* scratch for a sample's location ids */
    size_t ids_cap;
    char comments[PPROF_NCOMMENTS][320];
    int oom;
} pprof_writer_t;

static int64_t intern(pprof_writer_t *w, const char *s) {
    if (!s) s = "";
    int64_t id = strtab_intern(&w->strings, s, strlen(s));
    if (id < 0) w->oom = 1;
    return id < 0 ? 0 : id;
}

static void put_value_type(pprof_writer_t *w, uint32_t field, const char *type, const char *unit) {
    buf_clear(&w->sub);
    pb_put_uint(&w->sub, VALUE_TYPE_TYPE, (uint64_t)intern(w, type));
    pb_put_uint(&w->sub, VALUE_TYPE_UNIT, (uint64_t)intern(w, unit));
    pb_put_bytes(&w->msg, field, w->sub.data, w->sub.len);
}

static uint64_t as_int64(uint64_t v) { return v > INT64_MAX ? (uint64_t)INT64_MAX : v; }

static void put_samples(pprof_writer_t *w) {
    const heap_profile_t *p = w->p;
    for (size_t i = 0; i < p->nsamples && !w->oom; i++) {
        const heap_sample_t *s = &p->samples[i];
        if (s->nlocations > w->ids_cap) {
            uint64_t *ids = realloc(w->ids, s->nlocations * sizeof *ids);
            if (!ids) {
                w->oom = 1;
                return;
            }
            w->ids = ids;
            w->ids_cap = s->nlocations;
        }
        /* Both orders are leaf first, so the ids go in as they are. */
        for (size_t j = 0; j < s->nlocations; j++) w->ids[j] = (uint64_t)s->locations[j] + 1;
        uint64_t values[4] = {as_int64(s->alloc_objects), as_int64(s->alloc_bytes),
                              as_int64(s->inuse_objects), as_int64(s->inuse_bytes)};
        buf_clear(&w->sub);
        pb_put_packed(&w->sub, SAMPLE_LOCATION_ID, w->ids, s->nlocations);
        pb_put_packed(&w->sub, SAMPLE_VALUE, values, 4);
        pb_put_bytes(&w->msg, PROFILE_SAMPLE, w->sub.data, w->sub.len);
    }
}

static void put_mappings(pprof_writer_t *w) {
    const heap_profile_t *p = w->p;
    for (size_t i = 0; i < p->nmappings; i++) {
        const heap_mapping_t *m = &p->mappings[i];
        buf_clear(&w->sub);
        pb_put_uint(&w->sub, MAPPING_ID, i + 1);
        pb_put_uint(&w->sub, MAPPING_MEMORY_START, m->start);
        pb_put_uint(&w->sub, MAPPING_MEMORY_LIMIT, m->limit);
        pb_put_uint(&w->sub, MAPPING_FILE_OFFSET, m->offset);
        pb_put_uint(&w->sub, MAPPING_FILENAME, (uint64_t)intern(w, m->path));
        pb_put_uint(&w->sub, MAPPING_BUILD_ID, (uint64_t)intern(w, m->build_id));
        /* Symbolized in-process: pprof must not look for the binaries. */
        pb_put_uint(&w->sub, MAPPING_HAS_FUNCTIONS, 1);
        pb_put_uint(&w->sub, MAPPING_HAS_FILENAMES, 1);
        pb_put_uint(&w->sub, MAPPING_HAS_LINE_NUMBERS, 1);
        pb_put_uint(&w->sub, MAPPING_HAS_INLINE_FRAMES, 1);
        pb_put_bytes(&w->msg, PROFILE_MAPPING, w->sub.data, w->sub.len);
    }
}

/* The id of the Function for (name, file), created on first use. */
static uint64_t function_id(pprof_writer_t *w, const heap_frame_t *f) {
    uint64_t name = (uint64_t)intern(w, f->function ? f->function : "??");
    uint64_t file = (uint64_t)intern(w, f->file);
    uint64_t key = name << 32 | file;
    uint64_t *found = u64map_get(&w->functions, key);
    if (found) return *found;
    if (w->nfunctions == w->functions_cap) {
        size_t cap = w->functions_cap ? w->functions_cap * 2 : 256;
        uint64_t *keys = realloc(w->function_keys, cap * sizeof *keys);
        if (!keys) {
            w->oom = 1;
            return 0;
        }
        w->function_keys = keys;
        w->functions_cap = cap;
    }
    w->function_keys[w->nfunctions++] = key;
    if (u64map_put(&w->functions, key, w->nfunctions) != 0) w->oom = 1;
    return w->nfunctions;
}

static void put_locations(pprof_writer_t *w) {
    const heap_profile_t *p = w->p;
    for (size_t i = 0; i < p->nlocations && !w->oom; i++) {
        const heap_location_t *loc = &p->locations[i];
        buf_clear(&w->sub);
        pb_put_uint(&w->sub, LOCATION_ID, i + 1);
        pb_put_uint(&w->sub, LOCATION_MAPPING_ID, loc->mapping >= 0 ? (uint64_t)loc->mapping + 1 : 0);
        pb_put_uint(&w->sub, LOCATION_ADDRESS, loc->address);
        /* pprof's order too: line[0] is the innermost inlined callee, the
         * last line the function the code was inlined into. */
        for (size_t j = 0; j < loc->nframes; j++) {
            const heap_frame_t *f = &loc->frames[j];
            buf_clear(&w->line);
            pb_put_uint(&w->line, LINE_FUNCTION_ID, function_id(w, f));
            pb_put_uint(&w->line, LINE_LINE, f->line > 0 ? (uint64_t)f->line : 0);
            pb_put_bytes(&w->sub, LOCATION_LINE, w->line.data, w->line.len);
        }
        pb_put_bytes(&w->msg, PROFILE_LOCATION, w->sub.data, w->sub.len);
    }
}

static void put_functions(pprof_writer_t *w) {
    for (size_t i = 0; i < w->nfunctions; i++) {
        uint64_t key = w->function_keys[i];
        buf_clear(&w->sub);
        pb_put_uint(&w->sub, FUNCTION_ID, i + 1);
        /* The symbolizer hands over demangled names only, so the system
         * name is the same string. */
        pb_put_uint(&w->sub, FUNCTION_NAME, key >> 32);
        pb_put_uint(&w->sub, FUNCTION_SYSTEM_NAME, key >> 32);
        pb_put_uint(&w->sub, FUNCTION_FILENAME, key & 0xffffffffu);
        pb_put_bytes(&w->msg, PROFILE_FUNCTION, w->sub.data, w->sub.len);
    }
}

static void put_comments(pprof_writer_t *w) {
    const heap_profile_t *p = w->p;
    int n = 0;
    if (p->title && p->title[0]) snprintf(w->comments[n++], sizeof w->comments[0], "%s", p->title);
    snprintf(w->comments[n++], sizeof w->comments[0], "in use: %llu bytes in %llu objects",
             (unsigned long long)p->total_inuse_bytes, (unsigned long long)p->total_inuse_objects);
    if (p->total_alloc_bytes || p->total_alloc_objects)
        snprintf(w->comments[n++], sizeof w->comments[0], "allocated: %llu bytes in %llu objects",
                 (unsigned long long)p->total_alloc_bytes, (unsigned long long)p->total_alloc_objects);
    else
        snprintf(w->comments[n++], sizeof w->comments[0], "allocated: not tracked by the allocator");
    snprintf(w->comments[n++], sizeof w->comments[0],
             "sample interval: %llu bytes; values are unsampled estimates",
             (unsigned long long)p->sample_period);
    snprintf(w->comments[n++], sizeof w->comments[0], "pid: %d", p->pid);
    for (int i = 0; i < n; i++) pb_put_uint(&w->msg, PROFILE_COMMENT, (uint64_t)intern(w, w->comments[i]));
}

static void put_profile(pprof_writer_t *w) {
    const heap_profile_t *p = w->p;
    intern(w, ""); /* string_table[0] must be "" */
    put_value_type(w, PROFILE_SAMPLE_TYPE, "alloc_objects", "count");
    put_value_type(w, PROFILE_SAMPLE_TYPE, "alloc_space", "bytes");
    put_value_type(w, PROFILE_SAMPLE_TYPE, "inuse_objects", "count");
    put_value_type(w, PROFILE_SAMPLE_TYPE, "inuse_space", "bytes");
    put_samples(w);
    put_mappings(w);
    put_locations(w);
    put_functions(w);
    pb_put_uint(&w->msg, PROFILE_TIME_NANOS, p->time_ms > 0 ? (uint64_t)p->time_ms * 1000000u : 0);
    put_value_type(w, PROFILE_PERIOD_TYPE, "space", "bytes");
    pb_put_uint(&w->msg, PROFILE_PERIOD, as_int64(p->sample_period));
    put_comments(w);
    pb_put_uint(&w->msg, PROFILE_DEFAULT_SAMPLE_TYPE, (uint64_t)intern(w, "inuse_space"));
    /* Last, once every message above has interned its strings. */
    for (size_t i = 0; i < w->strings.n; i++)
        pb_put_bytes(&w->msg, PROFILE_STRING_TABLE, w->strings.strs[i], w->strings.lens[i]);
}

/* Appends the gzip stream of data[0..len) to out. */
static int gzip_append(const void *data, size_t len, buf_t *out, char *err, size_t cap) {
    if (len > UINT32_MAX / 2) {
        snprintf(err, cap, "profile too large to compress (%zu bytes)", len);
        return -1;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip header and trailer instead of zlib's. */
    int rc = deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) {
        snprintf(err, cap, "zlib deflateInit2 failed: %d", rc);
        return -1;
    }
    size_t bound = deflateBound(&z, (uLong)len);
    if (buf_reserve(out, bound) != 0) {
        deflateEnd(&z);
        snprintf(err, cap, "out of memory for %zu compressed bytes", bound);
        return -1;
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)bound;
    rc = deflate(&z, Z_FINISH);
    size_t produced = bound - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        snprintf(err, cap, "zlib deflate failed: %d", rc);
        return -1;
    }
    out->len += produced;
    return 0;
}

int heap_profile_write_pprof(const heap_profile_t *p, buf_t *out, char *err, size_t cap) {
    if (heap_profile_check(p, err, cap) != 0) return -1;
    pprof_writer_t w;
    memset(&w, 0, sizeof w);
    w.p = p;
    strtab_init(&w.strings);
    u64map_init(&w.functions);
    buf_init(&w.msg);
    buf_init(&w.sub);
    buf_init(&w.line);
    put_profile(&w);
    int rc = -1;
    if (w.oom)
        snprintf(err, cap, "out of memory encoding the profile");
    else
        rc = gzip_append(w.msg.data, w.msg.len, out, err, cap);
    strtab_fini(&w.strings);
    u64map_fini(&w.functions);
    free(w.function_keys);
    free(w.ids);
    buf_fini(&w.msg);
    buf_fini(&w.sub);
    buf_fini(&w.line);
    return rc;
}
