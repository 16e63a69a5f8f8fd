#include "memory/profile_formats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memory/profile_pprof.h"
#include "memory/profile_sites.h"
#include "memory/profile_svg.h"

#define JSON_TOP_SITES 100

static const char *const format_names[HEAP_FMT_COUNT] = {"jeprof", "pprof", "collapsed", "svg", "json"};
static const char *const format_ext[HEAP_FMT_COUNT] = {".heap", ".pb.gz", ".collapsed", ".svg", ".json"};

int heap_format_parse(const char *name, size_t len) {
    for (int i = 0; i < HEAP_FMT_COUNT; i++)
        if (strlen(format_names[i]) == len && !strncasecmp(name, format_names[i], len)) return i;
    return -1;
}

const char *heap_format_name(enum heap_format f) { return f >= 0 && f < HEAP_FMT_COUNT ? format_names[f] : "?"; }
const char *heap_format_extension(enum heap_format f) { return f >= 0 && f < HEAP_FMT_COUNT ? format_ext[f] : ""; }

int heap_format_available(enum heap_format f) { return f >= 0 && f < HEAP_FMT_COUNT; }

int heap_profile_write(const heap_profile_t *p, enum heap_format f, buf_t *out, char *err, size_t cap) {
    switch (f) {
    case HEAP_FMT_JEPROF: return heap_profile_write_jeprof(p, out, err, cap);
    case HEAP_FMT_COLLAPSED: return heap_profile_write_collapsed(p, out, err, cap);
    case HEAP_FMT_JSON: return heap_profile_write_json(p, out, err, cap);
    case HEAP_FMT_PPROF: return heap_profile_write_pprof(p, out, err, cap);
    case HEAP_FMT_SVG: return heap_profile_write_svg(p, out, err, cap);
    default: break;
    }
    snprintf(err, cap, "unknown format %d", (int)f);
    return -1;
}

/* ---- jeprof ---- */

static void append_names(buf_t *out, const heap_location_t *l) {
    for (size_t k = l->nframes; k-- > 0;) {
        const char *fn = l->frames[k].function;
        /* Names may not hold "--" (the separator) or a line break. */
        for (const char *q = fn; *q; q++) {
            char c = *q == '\n' || *q == '\r' ? ' ' : *q;
            if (c == '-' && q[1] == '-') c = '_';
            buf_append_char(out, c);
        }
        if (k) buf_append_cstr(out, "--");
    }
}

int heap_profile_write_jeprof(const heap_profile_t *p, buf_t *out, char *err, size_t cap) {
    (void)err, (void)cap;
    /* jeprof looks a caller up at address - 1 and a stack's first frame at
     * its own address: name both where a location is used so. */
    char *first = calloc(p->nlocations ? p->nlocations : 1, 1);
    if (!first) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < p->nsamples; i++)
        if (p->samples[i].nlocations) first[p->samples[i].locations[0]] = 1;
    buf_append_cstr(out, "--- symbol\nbinary=");
    buf_append_cstr(out, p->nmappings ? p->mappings[0].path : "basalt-server");
    buf_append_char(out, '\n');
    for (size_t i = 0; i < p->nlocations; i++) {
        const heap_location_t *l = &p->locations[i];
        buf_appendf(out, "0x%016llx ", (unsigned long long)(l->address - 1));
        append_names(out, l);
        buf_append_char(out, '\n');
        if (first[i]) {
            buf_appendf(out, "0x%016llx ", (unsigned long long)l->address);
            append_names(out, l);
            buf_append_char(out, '\n');
        }
    }
    free(first);
    buf_append_cstr(out, "---\n--- heap\n");
    uint64_t period = p->sample_period ? p->sample_period : 1;
    buf_appendf(out, "heap_v2/%llu\n", (unsigned long long)period);
    buf_appendf(out, "basalt: time_ms=%lld pid=%d title=%s\n", (long long)p->time_ms, p->pid, p->title ? p->title : "");
    uint64_t tc = 0, tb = 0, ac = 0, ab = 0;
    buf_t body;
    buf_init(&body);
    for (size_t i = 0; i < p->nsamples; i++) {
        const heap_sample_t *s = &p->samples[i];
        uint64_t c, b, c2, b2;
        heap_resample(period, s->inuse_objects, s->inuse_bytes, &c, &b);
        heap_resample(period, s->alloc_objects, s->alloc_bytes, &c2, &b2);
        tc += c, tb += b, ac += c2, ab += b2;
        buf_append_char(&body, '@');
        for (size_t k = 0; k < s->nlocations; k++)
            buf_appendf(&body, " 0x%llx", (unsigned long long)p->locations[s->locations[k]].address);
        buf_appendf(&body, "\n  t*: %llu: %llu [%llu: %llu]\n", (unsigned long long)c, (unsigned long long)b,
                    (unsigned long long)c2, (unsigned long long)b2);
    }
    buf_appendf(out, "  t*: %llu: %llu [%llu: %llu]\n", (unsigned long long)tc, (unsigned long long)tb,
                (unsigned long long)ac, (unsigned long long)ab);
    buf_append(out, body.data, body.len);
    buf_fini(&body);
    buf_append_cstr(out, "\nMAPPED_LIBRARIES:\n");
    for (size_t i = 0; i < p->nmappings; i++) {
        const heap_mapping_t *m = &p->mappings[i];
        buf_appendf(out, "%llx-%llx r-xp %08llx 00:00 0 %s\n", (unsigned long long)m->start,
                    (unsigned long long)m->limit, (unsigned long long)m->offset, m->path);
    }
    return 0;
}

/* ---- collapsed ---- */

typedef struct fold {
    const char **names;
    size_t n, cap;
    int failed;
} fold_t;

static int fold_frame(const heap_frame_t *f, const heap_location_t *loc, void *arg) {
    (void)loc;
    fold_t *fd = arg;
    if (fd->n == fd->cap) {
        size_t c = fd->cap ? fd->cap * 2 : 64;
        const char **g = realloc(fd->names, c * sizeof *g);
        if (!g) {
            fd->failed = 1;
            return 1;
        }
        fd->names = g;
        fd->cap = c;
    }
    fd->names[fd->n++] = f->function;
    return 0;
}

/* One stack's folded text, an offset into a shared buffer. */
typedef struct folded_line {
    size_t off, len;
    uint64_t bytes;
} folded_line_t;

/* The shared buffer, for the qsort comparator. */
static _Thread_local const char *fold_base;

static int by_text(const void *a, const void *b) {
    const folded_line_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(fold_base + x->off, fold_base + y->off, n);
    if (c) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static void append_folded_name(buf_t *b, const char *s) {
    /* ';' separates frames and the last space the count: keep names clean. */
    size_t n = strcspn(s, ";\n\r");
    if (!s[n]) {
        buf_append(b, s, n);
        return;
    }
    for (; *s; s++) buf_append_char(b, *s == ';' ? ':' : (*s == '\n' || *s == '\r') ? ' ' : *s);
}

int heap_profile_write_collapsed(const heap_profile_t *p, buf_t *out, char *err, size_t cap) {
    folded_line_t *lines = calloc(p->nsamples ? p->nsamples : 1, sizeof *lines);
    fold_t fd = {0};
    buf_t text;
    buf_init(&text);
    int rc = -1;
    size_t n = 0;
    if (!lines) goto oom;
    for (size_t i = 0; i < p->nsamples; i++) {
        if (p->samples[i].inuse_bytes == 0) continue;
        fd.n = 0;
        heap_sample_frames(p, &p->samples[i], fold_frame, &fd);
        if (fd.failed) goto oom;
        size_t off = text.len;
        for (size_t k = fd.n; k-- > 0;) {
            append_folded_name(&text, fd.names[k]);
            if (k) buf_append_char(&text, ';');
        }
        lines[n].off = off;
        lines[n].len = text.len - off;
        lines[n].bytes = p->samples[i].inuse_bytes;
        n++;
    }
    fold_base = text.data;
    if (n) qsort(lines, n, sizeof *lines, by_text);
    /* Stacks that differ only in addresses fold into one line. */
    for (size_t i = 0; i < n;) {
        uint64_t bytes = 0;
        size_t j = i;
        for (; j < n && by_text(&lines[j], &lines[i]) == 0; j++) bytes += lines[j].bytes;
        buf_append(out, text.data + lines[i].off, lines[i].len);
        buf_appendf(out, " %llu\n", (unsigned long long)bytes);
        i = j;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, cap, "out of memory");
out:
    free(lines);
    free(fd.names);
    buf_fini(&text);
    return rc;
}

/* ---- json ---- */

typedef struct json_frames {
    buf_t *out;
    const heap_profile_t *p;
    size_t n;
} json_frames_t;

static int json_frame(const heap_frame_t *f, const heap_location_t *loc, void *arg) {
    json_frames_t *j = arg;
    buf_append_cstr(j->out, j->n++ ? ",\n        {\"function\": " : "\n        {\"function\": ");
    json_append_string(j->out, f->function);
    if (f->file) {
        buf_append_cstr(j->out, ", \"file\": ");
        json_append_string(j->out, f->file);
        buf_appendf(j->out, ", \"line\": %d", f->line);
    }
    buf_appendf(j->out, ", \"address\": \"0x%llx\"", (unsigned long long)loc->address);
    if (loc->mapping >= 0) {
        buf_append_cstr(j->out, ", \"module\": ");
        json_append_string(j->out, j->p->mappings[loc->mapping].path);
    }
    buf_append_char(j->out, '}');
    return 0;
}

static int by_inuse_bytes(const void *a, const void *b) {
    const heap_sample_t *x = *(const heap_sample_t *const *)a, *y = *(const heap_sample_t *const *)b;
    if (x->inuse_bytes != y->inuse_bytes) return x->inuse_bytes > y->inuse_bytes ? -1 : 1;
    return 0;
}

int heap_profile_write_json(const heap_profile_t *p, buf_t *out, char *err, size_t cap) {
    const heap_sample_t **order = malloc((p->nsamples ? p->nsamples : 1) * sizeof *order);
    if (!order) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < p->nsamples; i++) order[i] = &p->samples[i];
    if (p->nsamples) qsort(order, p->nsamples, sizeof *order, by_inuse_bytes);
    buf_append_cstr(out, "{\n  \"format\": \"basalt-heap-profile\",\n  \"version\": 1,\n  \"title\": ");
    json_append_string(out, p->title ? p->title : "");
    buf_appendf(out,
                ",\n  \"time_ms\": %lld,\n  \"pid\": %d,\n  \"sample_bytes\": %llu,\n  \"totals\": {\"inuse_bytes\": %llu, "
                "\"inuse_objects\": %llu, \"alloc_bytes\": %llu, \"alloc_objects\": %llu},\n  \"stacks\": %zu,\n  \"top\": [",
                (long long)p->time_ms, p->pid, (unsigned long long)p->sample_period,
                (unsigned long long)p->total_inuse_bytes, (unsigned long long)p->total_inuse_objects,
                (unsigned long long)p->total_alloc_bytes, (unsigned long long)p->total_alloc_objects, p->nsamples);
    size_t n = p->nsamples < JSON_TOP_SITES ? p->nsamples : JSON_TOP_SITES;
    for (size_t i = 0; i < n; i++) {
        const heap_sample_t *s = order[i];
        double share = p->total_inuse_bytes ? 100.0 * (double)s->inuse_bytes / (double)p->total_inuse_bytes : 0.0;
        buf_appendf(out, "%s\n    {\"bytes\": %llu, \"objects\": %llu, \"percent\": %.2f, \"stack\": [", i ? "," : "",
                    (unsigned long long)s->inuse_bytes, (unsigned long long)s->inuse_objects, share);
        json_frames_t j = {out, p, 0};
        heap_sample_frames(p, s, json_frame, &j);
        buf_append_cstr(out, "]}");
    }
    buf_append_cstr(out, n ? "\n  ],\n  \"modules\": [" : "],\n  \"modules\": [");
    for (size_t i = 0; i < p->nmappings; i++) {
        buf_append_cstr(out, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        json_append_string(out, p->mappings[i].path);
        buf_append_cstr(out, ", \"build_id\": ");
        json_append_string(out, p->mappings[i].build_id ? p->mappings[i].build_id : "");
        buf_appendf(out, ", \"start\": \"0x%llx\", \"limit\": \"0x%llx\"}", (unsigned long long)p->mappings[i].start,
                    (unsigned long long)p->mappings[i].limit);
    }
    buf_append_cstr(out, p->nmappings ? "\n  ]\n}\n" : "]\n}\n");
    free(order);
    return 0;
}
