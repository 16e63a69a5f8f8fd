/* KPROFILE MEMORY DUMP / TOP / DIFF: heap profiles read, symbolized and
 * formatted on the background job thread (bg_job.h), so the worker only
 * parses arguments and checks paths. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands/command.h"
#include "commands/kprofile.h"
#include "memory/heap_profile.h"
#include "memory/profile_dump.h"
#include "memory/profile_formats.h"
#include "memory/profile_sites.h"
#include "memory/profiler.h"
#include "server/bg_job.h"
#include "server/server.h"
#include "util/path.h"
#include "util/strutil.h"

#define TOP_DEFAULT_COUNT 10
#define TOP_MAX_COUNT 1000
#define TOP_DEFAULT_DEPTH 4
#define TOP_MAX_DEPTH 128
#define MAX_PROFILE_FILE (1ULL << 30)

/* What a job needs, copied off the worker (argv dies with the handler). */
typedef struct profile_job {
    enum { JOB_DUMP, JOB_TOP, JOB_DIFF } kind;
    int format;  /* -1: none (an inline reply) */
    int to_reply; /* DUMP -: the bytes as one bulk reply */
    char dir[4096];
    char work_dir[4096];
    char base_path[4200], path[4200];
    char summary_extra[512];
    char title[128];
    size_t count, depth;
    enum heap_site_order order;
} profile_job_t;

static void job_free(void *arg) { free(arg); }

/* ---- argument helpers ---- */

static int arg_is(slice_t a, const char *word) { return slice_eq_nocase(a, word); }

static int parse_format(cmd_ctx_t *ctx, slice_t a, int *out) {
    int f = heap_format_parse(a.ptr, a.len);
    if (f < 0) {
        reply_error(ctx->reply, "ERR FORMAT must be one of jeprof, pprof, collapsed, svg, json");
        return 0;
    }
    if (!heap_format_available((enum heap_format)f)) {
        reply_errorf(ctx->reply, "ERR format %s is not available in this build", heap_format_name((enum heap_format)f));
        return 0;
    }
    *out = f;
    return 1;
}

static int parse_bounded(cmd_ctx_t *ctx, slice_t a, const char *what, long long lo, long long hi, size_t *out) {
    long long v;
    if (!str_to_ll_arg(a, &v) || v < lo || v > hi) {
        reply_errorf(ctx->reply, "ERR %s must be an integer between %lld and %lld", what, lo, hi);
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

/* [COUNT n] [BY bytes|objects] [DEPTH d] [FORMAT f] from argv[i]; which
 * options are accepted is given by the flags. */
static int parse_options(cmd_ctx_t *ctx, size_t i, profile_job_t *job, int allow_count, int allow_format) {
    while (i < ctx->argc) {
        slice_t opt = ctx->argv[i];
        if (i + 1 >= ctx->argc) {
            reply_syntax_error(ctx->reply);
            return 0;
        }
        slice_t val = ctx->argv[i + 1];
        if (arg_is(opt, "by")) {
            if (arg_is(val, "bytes"))
                job->order = SITES_BY_BYTES;
            else if (arg_is(val, "objects"))
                job->order = SITES_BY_OBJECTS;
            else {
                reply_syntax_error(ctx->reply);
                return 0;
            }
        } else if (arg_is(opt, "depth")) {
            if (!parse_bounded(ctx, val, "DEPTH", 0, TOP_MAX_DEPTH, &job->depth)) return 0;
        } else if (allow_count && arg_is(opt, "count")) {
            if (!parse_bounded(ctx, val, "COUNT", 1, TOP_MAX_COUNT, &job->count)) return 0;
        } else if (allow_format && arg_is(opt, "format")) {
            if (!parse_format(ctx, val, &job->format)) return 0;
        } else {
            reply_syntax_error(ctx->reply);
            return 0;
        }
        i += 2;
    }
    return 1;
}

static profile_job_t *new_job(cmd_ctx_t *ctx, int kind) {
    profile_job_t *job = calloc(1, sizeof *job);
    if (!job) {
        reply_error(ctx->reply, "ERR out of memory");
        return NULL;
    }
    job->kind = kind;
    job->format = -1;
    job->count = TOP_DEFAULT_COUNT;
    job->depth = TOP_DEFAULT_DEPTH;
    job->order = SITES_BY_BYTES;
    snprintf(job->work_dir, sizeof job->work_dir, "%s", ctx->srv->data_dir);
    snprintf(job->title, sizeof job->title, "basalt-server %s pid %d", BASALT_VERSION, (int)getpid());
    return job;
}

/* ---- on the job thread ---- */

/* A fresh profile of this process, symbolized; errors become the reply. */
static heap_profile_t *capture_profile(profile_job_t *job, reply_t *r) {
    char err[600];
    heap_profile_t *p = profile_capture_symbolized(job->work_dir, job->title, err, sizeof err);
    if (!p) reply_errorf(r, "ERR %s", err);
    return p;
}

/* A share as text with two decimals ("99.55"): a double reply would
 * print as 99.549999999999997. */
static void reply_percent(reply_t *r, int64_t part, uint64_t total) {
    char text[32];
    snprintf(text, sizeof text, "%.2f", total ? 100.0 * (double)part / (double)total : 0.0);
    reply_bulk_cstr(r, text);
}

static void reply_sites(reply_t *r, const heap_site_list_t *sites, size_t count, uint64_t total, int diff) {
    size_t n = sites->n < count ? sites->n : count;
    reply_array(r, (long long)n);
    for (size_t i = 0; i < n; i++) {
        const heap_site_t *s = &sites->sites[i];
        reply_map(r, diff ? 7 : 5);
        reply_bulk_cstr(r, diff ? "growth_bytes" : "bytes");
        reply_int(r, (long long)s->bytes);
        reply_bulk_cstr(r, diff ? "growth_objects" : "objects");
        reply_int(r, (long long)s->objects);
        if (diff) {
            reply_bulk_cstr(r, "base_bytes");
            reply_int(r, (long long)s->base_bytes);
            reply_bulk_cstr(r, "bytes");
            reply_int(r, (long long)(s->base_bytes + s->bytes));
        }
        reply_bulk_cstr(r, "percent");
        reply_percent(r, s->bytes, total);
        reply_bulk_cstr(r, "function");
        reply_bulk_cstr(r, s->nframes ? s->frames[0] : "??");
        reply_bulk_cstr(r, "stack");
        reply_array(r, (long long)s->nframes);
        for (size_t k = 0; k < s->nframes; k++) reply_bulk_cstr(r, s->frames[k]);
    }
}

static void run_top(void *arg, reply_t *r) {
    profile_job_t *job = arg;
    heap_profile_t *p = capture_profile(job, r);
    if (!p) return;
    heap_site_list_t sites;
    if (heap_sites_build(p, job->depth, &sites) != 0) {
        reply_error(r, "ERR out of memory");
        heap_profile_free(p);
        return;
    }
    heap_sites_sort(&sites, job->order);
    reply_map(r, 5);
    reply_bulk_cstr(r, "total_bytes");
    reply_int(r, (long long)p->total_inuse_bytes);
    reply_bulk_cstr(r, "total_objects");
    reply_int(r, (long long)p->total_inuse_objects);
    reply_bulk_cstr(r, "sample_bytes");
    reply_int(r, (long long)p->sample_period);
    reply_bulk_cstr(r, "stacks");
    reply_int(r, (long long)p->nsamples);
    reply_bulk_cstr(r, "sites");
    reply_sites(r, &sites, job->count, job->order == SITES_BY_OBJECTS ? 0 : p->total_inuse_bytes, 0);
    heap_sites_free(&sites);
    heap_profile_free(p);
}

static void run_dump(void *arg, reply_t *r) {
    profile_job_t *job = arg;
    heap_profile_t *p = capture_profile(job, r);
    if (!p) return;
    char err[512], path[4400];
    buf_t out;
    buf_init(&out);
    enum heap_format f = (enum heap_format)job->format;
    if (heap_profile_write(p, f, &out, err, sizeof err) != 0) {
        reply_errorf(r, "ERR cannot format the profile: %s", err);
    } else if (job->to_reply) {
        reply_bulk(r, out.data ? out.data : "", out.len);
    } else if (profiler_save(job->dir, heap_format_name(f), heap_format_extension(f), out.data, out.len, p->time_ms,
                             BASALT_VERSION, job->summary_extra, path, sizeof path, err, sizeof err) != 0) {
        reply_errorf(r, "ERR dump failed: %s", err);
    } else {
        reply_bulk_cstr(r, path);
    }
    buf_fini(&out);
    heap_profile_free(p);
}

/* A dump file: its own symbols when it has them; a raw jemalloc dump is
 * symbolized here only when this very process wrote it (its pid is in the
 * name), since its addresses mean nothing in another process. */
static heap_profile_t *load_file(const char *path, reply_t *r) {
    char err[512];
    buf_t text;
    buf_init(&text);
    heap_profile_t *p = NULL;
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    int pid = 0;
    int ours = sscanf(name, "jeprof.%d.", &pid) == 1 && pid == (int)getpid();
    if (path_read_file(path, MAX_PROFILE_FILE, &text) != 0) {
        if (errno == EFBIG)
            reply_errorf(r, "ERR %s is larger than 1 GiB", path);
        else
            reply_errorf(r, "ERR cannot read %s: %s", path, strerror(errno));
    } else if (heap_profile_load(text.data ? text.data : "", text.len, ours, &p, err, sizeof err) != 0)
        reply_errorf(r, "ERR %s: %s", path, err);
    buf_fini(&text);
    return p;
}

/* Turns cur into the growth over base: each stack keeps what it holds
 * beyond the same stack (by function names) in base; stacks that did not
 * grow are dropped. */
static int subtract_profile(heap_profile_t *cur, const heap_profile_t *base) {
    heap_site_list_t rest;
    if (heap_sites_build(base, 0, &rest) != 0) return -1;
    size_t kept = 0;
    cur->total_inuse_bytes = cur->total_inuse_objects = cur->total_alloc_bytes = cur->total_alloc_objects = 0;
    for (size_t i = 0; i < cur->nsamples; i++) {
        heap_sample_t s = cur->samples[i];
        heap_site_t *b = heap_sites_lookup(&rest, cur, &s);
        if (b) {
            uint64_t take_b = (uint64_t)b->bytes < s.inuse_bytes ? (uint64_t)b->bytes : s.inuse_bytes;
            uint64_t take_o = (uint64_t)b->objects < s.inuse_objects ? (uint64_t)b->objects : s.inuse_objects;
            s.inuse_bytes -= take_b;
            s.inuse_objects -= take_o;
            b->bytes -= (int64_t)take_b;
            b->objects -= (int64_t)take_o;
        }
        if (s.inuse_bytes == 0) {
            free(s.locations);
            continue;
        }
        s.alloc_bytes = s.alloc_objects = 0;
        cur->samples[kept++] = s;
        cur->total_inuse_bytes += s.inuse_bytes;
        cur->total_inuse_objects += s.inuse_objects;
    }
    cur->nsamples = kept;
    heap_sites_free(&rest);
    return 0;
}

static void run_diff(void *arg, reply_t *r) {
    profile_job_t *job = arg;
    heap_profile_t *base = load_file(job->base_path, r);
    if (!base) return;
    heap_profile_t *cur = load_file(job->path, r);
    if (!cur) {
        heap_profile_free(base);
        return;
    }
    if (job->format >= 0) {
        char err[512];
        buf_t out;
        buf_init(&out);
        if (subtract_profile(cur, base) != 0)
            reply_error(r, "ERR out of memory");
        else if (heap_profile_write(cur, (enum heap_format)job->format, &out, err, sizeof err) != 0)
            reply_errorf(r, "ERR cannot format the difference: %s", err);
        else
            reply_bulk(r, out.data ? out.data : "", out.len);
        buf_fini(&out);
    } else {
        heap_site_list_t sites;
        if (heap_sites_diff(base, cur, job->depth, &sites) != 0) {
            reply_error(r, "ERR out of memory");
        } else {
            heap_sites_sort(&sites, job->order);
            int64_t growth = (int64_t)cur->total_inuse_bytes - (int64_t)base->total_inuse_bytes;
            reply_map(r, 5);
            reply_bulk_cstr(r, "base_bytes");
            reply_int(r, (long long)base->total_inuse_bytes);
            reply_bulk_cstr(r, "bytes");
            reply_int(r, (long long)cur->total_inuse_bytes);
            reply_bulk_cstr(r, "growth_bytes");
            reply_int(r, (long long)growth);
            reply_bulk_cstr(r, "seconds");
            reply_double(r, (double)(cur->time_ms - base->time_ms) / 1000.0);
            reply_bulk_cstr(r, "sites");
            reply_sites(r, &sites, job->count, growth > 0 ? (uint64_t)growth : 0, 1);
            heap_sites_free(&sites);
        }
    }
    heap_profile_free(base);
    heap_profile_free(cur);
}

/* ---- on the worker ---- */

static int check_available(cmd_ctx_t *ctx) {
    char why[256];
    if (profiler_available(why, sizeof why)) return 1;
    reply_errorf(ctx->reply, "ERR memory profiling is not available: %s", why);
    return 0;
}

/* DUMP [<dir>|-] [FORMAT f] */
void kprofile_dump(cmd_ctx_t *ctx) {
    if (!check_available(ctx)) return;
    profile_job_t *job = new_job(ctx, JOB_DUMP);
    if (!job) return;
    size_t i = 3;
    const slice_t *dir_arg = NULL;
    if (i < ctx->argc && !arg_is(ctx->argv[i], "format")) {
        if (ctx->argv[i].len == 1 && ctx->argv[i].ptr[0] == '-')
            job->to_reply = 1;
        else
            dir_arg = &ctx->argv[i];
        i++;
    }
    job->format = HEAP_FMT_JEPROF;
    if (i < ctx->argc) {
        if (!arg_is(ctx->argv[i], "format") || i + 2 != ctx->argc) {
            reply_syntax_error(ctx->reply);
            free(job);
            return;
        }
        if (!parse_format(ctx, ctx->argv[i + 1], &job->format)) {
            free(job);
            return;
        }
    }
    if (!job->to_reply && !kprofile_resolve_dump_dir(ctx, dir_arg, job->dir, sizeof job->dir)) {
        free(job);
        return;
    }
    kprofile_summary_extra(ctx, job->summary_extra, sizeof job->summary_extra);
    bg_job_submit(ctx, run_dump, job_free, job);
}

/* TOP [<n>] [BY bytes|objects] [DEPTH <frames>] */
void kprofile_top(cmd_ctx_t *ctx) {
    if (!check_available(ctx)) return;
    profile_job_t *job = new_job(ctx, JOB_TOP);
    if (!job) return;
    size_t i = 3;
    if (i < ctx->argc && !arg_is(ctx->argv[i], "by") && !arg_is(ctx->argv[i], "depth")) {
        if (!parse_bounded(ctx, ctx->argv[i], "the count", 1, TOP_MAX_COUNT, &job->count)) {
            free(job);
            return;
        }
        i++;
    }
    if (!parse_options(ctx, i, job, 0, 0)) {
        free(job);
        return;
    }
    bg_job_submit(ctx, run_top, job_free, job);
}

/* A profile file named by a client: absolute, no "." or "..", in
 * profiling-dir or a profiling-dump-dirs directory, a regular file and
 * not a symlink. Replies with the error and returns 0 when refused. */
static int resolve_profile_path(cmd_ctx_t *ctx, slice_t arg, char *out, size_t cap) {
    char raw[4096];
    if (arg.len == 0 || arg.len >= sizeof raw || memchr(arg.ptr, '\0', arg.len)) {
        reply_error(ctx->reply, "ERR invalid profile path");
        return 0;
    }
    arg_to_cstr(arg, raw, sizeof raw);
    if (raw[0] != '/') {
        reply_errorf(ctx->reply, "ERR profile path must be absolute: '%s'", raw);
        return 0;
    }
    if (path_has_dot_component(raw)) {
        reply_errorf(ctx->reply, "ERR profile path must not contain '.' or '..' components: '%s'", raw);
        return 0;
    }
    char *slash = strrchr(raw, '/');
    if (slash[1] == '\0') {
        reply_errorf(ctx->reply, "ERR profile path names a directory: '%s'", raw);
        return 0;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash == raw ? 1 : (int)(slash - raw), raw);
    if (!kprofile_dir_allowed(ctx->srv, dir)) {
        reply_errorf(ctx->reply,
                     "ERR profile '%s' is not allowed: it must be in profiling-dir (%s) or a directory listed in "
                     "profiling-dump-dirs",
                     raw, ctx->srv->profiling_dir);
        return 0;
    }
    struct stat st;
    if (lstat(dir, &st) != 0 || S_ISLNK(st.st_mode)) {
        reply_errorf(ctx->reply, "ERR profile '%s': its directory is missing or a symbolic link", raw);
        return 0;
    }
    if (lstat(raw, &st) != 0) {
        reply_errorf(ctx->reply, "ERR profile '%s': %s", raw, strerror(errno));
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        reply_errorf(ctx->reply, "ERR profile '%s' is a symbolic link", raw);
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        reply_errorf(ctx->reply, "ERR profile '%s' is not a regular file", raw);
        return 0;
    }
    snprintf(out, cap, "%s", raw);
    return 1;
}

/* DIFF <base> <dump> [FORMAT f] [COUNT n] [BY bytes|objects] [DEPTH d] */
void kprofile_diff(cmd_ctx_t *ctx) {
    if (ctx->argc < 5) {
        reply_errorf(ctx->reply, "ERR wrong number of arguments for 'kprofile|memory|diff' command");
        return;
    }
    profile_job_t *job = new_job(ctx, JOB_DIFF);
    if (!job) return;
    if (!resolve_profile_path(ctx, ctx->argv[3], job->base_path, sizeof job->base_path) ||
        !resolve_profile_path(ctx, ctx->argv[4], job->path, sizeof job->path) || !parse_options(ctx, 5, job, 1, 1)) {
        free(job);
        return;
    }
    bg_job_submit(ctx, run_diff, job_free, job);
}
