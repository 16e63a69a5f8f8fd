/* KPROFILE MEMORY (heap profiling at run time, Kvrocks-compatible) and
 * MEMORY (Redis names and reply shapes). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands/cmd_memory_timeline.h"
#include "commands/command.h"
#include "commands/kprofile.h"
#include "memory/allocator.h"
#include "memory/profiler.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/strutil.h"

#define MAX_SAMPLE_BYTES (1ULL << 40)

/* ---- where dumps may go ---- */

/* Copies an absolute directory path without trailing slashes. */
static void normalize_dir(const char *in, char *out, size_t cap) {
    snprintf(out, cap, "%s", in);
    for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--) out[n - 1] = '\0';
}

static int is_listed_dump_dir(server_t *srv, const char *dir) {
    char list[4096];
    config_str(srv->config, CONF_PROFILING_DUMP_DIRS, list, sizeof list);
    char *save = NULL;
    for (char *d = strtok_r(list, " ", &save); d; d = strtok_r(NULL, " ", &save)) {
        char norm[4096];
        normalize_dir(d, norm, sizeof norm);
        if (norm[0] == '/' && !strcmp(norm, dir)) return 1;
    }
    return 0;
}

/* Resolves the directory of a dump: profiling-dir by default (created on
 * demand, 0700), or a client-named directory that must be profiling-dir or
 * listed in profiling-dump-dirs, absolute, without "..", existing, and not
 * a symlink. Replies with the error and returns 0 when refused. */
int kprofile_dir_allowed(server_t *srv, const char *dir) {
    char norm[4096];
    normalize_dir(dir, norm, sizeof norm);
    return !strcmp(norm, srv->profiling_dir) || is_listed_dump_dir(srv, norm);
}

int kprofile_resolve_dump_dir(cmd_ctx_t *ctx, const slice_t *arg, char *out, size_t cap) {
    server_t *srv = ctx->srv;
    if (!arg) {
        if (mkdir(srv->profiling_dir, 0700) != 0 && errno != EEXIST) {
            reply_errorf(ctx->reply, "ERR cannot create profiling-dir %s: %s", srv->profiling_dir, strerror(errno));
            return 0;
        }
        snprintf(out, cap, "%s", srv->profiling_dir);
    } else {
        char raw[4096];
        if (arg->len == 0 || arg->len >= sizeof raw || memchr(arg->ptr, '\0', arg->len)) {
            reply_error(ctx->reply, "ERR invalid dump directory");
            return 0;
        }
        arg_to_cstr(*arg, raw, sizeof raw);
        if (raw[0] != '/') {
            reply_errorf(ctx->reply, "ERR dump directory must be an absolute path: '%s'", raw);
            return 0;
        }
        if (strstr(raw, "/../") || strstr(raw, "/./") || !strcmp(raw + strlen(raw) - (strlen(raw) >= 3 ? 3 : 0), "/..")) {
            reply_errorf(ctx->reply, "ERR dump directory must not contain '.' or '..' components: '%s'", raw);
            return 0;
        }
        normalize_dir(raw, out, cap);
        if (strcmp(out, srv->profiling_dir) != 0 && !is_listed_dump_dir(srv, out)) {
            reply_errorf(ctx->reply,
                         "ERR dump directory '%s' is not allowed: use profiling-dir (%s) or a directory listed in "
                         "profiling-dump-dirs",
                         out, srv->profiling_dir);
            return 0;
        }
        if (!strcmp(out, srv->profiling_dir)) mkdir(srv->profiling_dir, 0700);
    }
    struct stat st;
    if (lstat(out, &st) != 0) {
        reply_errorf(ctx->reply, "ERR dump directory '%s': %s", out, strerror(errno));
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        reply_errorf(ctx->reply, "ERR dump directory '%s' is a symbolic link", out);
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        reply_errorf(ctx->reply, "ERR dump directory '%s' is not a directory", out);
        return 0;
    }
    return 1;
}

/* ---- KPROFILE ---- */

static void reply_allocator_fields(reply_t *r, server_t *srv, long long *pairs_out, int count_only) {
    allocator_stats_t a;
    server_memory_sample(srv, &a);
    const struct {
        const char *name;
        uint64_t value;
    } fields[] = {
        {"allocator.allocated", a.allocated},
        {"allocator.active", a.active},
        {"allocator.resident", a.resident},
        {"allocator.mapped", a.mapped},
        {"allocator.metadata", a.metadata},
        {"allocator.retained", a.retained},
        {"allocator.allocations", a.nmalloc},
        {"allocator.frees", a.ndalloc},
        {"allocator.live_objects", a.live_objects},
        {"allocator.largest_live_allocation", a.largest_live_class},
    };
    size_t n = sizeof fields / sizeof fields[0];
    if (count_only) {
        *pairs_out = (long long)n + 2LL * srv->nworkers;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        reply_bulk_cstr(r, fields[i].name);
        reply_int(r, (long long)fields[i].value);
    }
    for (int i = 0; i < srv->nworkers; i++) {
        worker_t *w = &srv->workers[i];
        char name[64];
        snprintf(name, sizeof name, "worker.%d.allocated", i);
        reply_bulk_cstr(r, name);
        reply_int(r, w->thread_allocated ? (long long)*w->thread_allocated : 0);
        snprintf(name, sizeof name, "worker.%d.deallocated", i);
        reply_bulk_cstr(r, name);
        reply_int(r, w->thread_deallocated ? (long long)*w->thread_deallocated : 0);
    }
}

static void kprofile_status(cmd_ctx_t *ctx) {
    profiler_status_t st;
    profiler_get_status(&st);
    reply_t *r = ctx->reply;
    long long extra = 0;
    reply_allocator_fields(r, ctx->srv, &extra, 1);
    reply_map(r, 10 + KPROFILE_AUTO_DUMP_PAIRS + extra);
    reply_bulk_cstr(r, "available");
    reply_int(r, st.available);
    reply_bulk_cstr(r, "active");
    reply_int(r, st.active);
    reply_bulk_cstr(r, "sample_bytes");
    reply_int(r, (long long)st.sample_bytes);
    reply_bulk_cstr(r, "active_since_ms");
    reply_int(r, st.active_since_ms);
    reply_bulk_cstr(r, "dumps");
    reply_int(r, (long long)st.dumps);
    reply_bulk_cstr(r, "last_dump");
    reply_bulk_cstr(r, st.last_dump);
    reply_bulk_cstr(r, "malloc_conf");
    reply_bulk_cstr(r, st.conf_source);
    reply_bulk_cstr(r, "profiling_dir");
    reply_bulk_cstr(r, ctx->srv->profiling_dir);
    reply_bulk_cstr(r, "profiler_overhead_bytes");
    reply_int(r, (long long)st.overhead_bytes);
    reply_bulk_cstr(r, "allocator");
    reply_bulk_cstr(r, allocator_name());
    kprofile_status_auto_dumps(ctx);
    reply_allocator_fields(r, ctx->srv, &extra, 0);
}

void kprofile_summary_extra(cmd_ctx_t *ctx, char *out, size_t cap) {
    engine_memory_t em;
    engine_memory(db_engine(ctx->db), &em);
    snprintf(out, cap,
             "\"rocksdb\": {\"memtables\": %llu, \"table_readers\": %llu, \"block_cache_usage\": %llu, "
             "\"block_cache_capacity\": %llu, \"block_cache_pinned\": %llu}",
             (unsigned long long)em.memtables, (unsigned long long)em.table_readers,
             (unsigned long long)em.block_cache_usage, (unsigned long long)em.block_cache_capacity,
             (unsigned long long)em.block_cache_pinned);
}

void cmd_kprofile(cmd_ctx_t *ctx) {
    if (!slice_eq_nocase(ctx->argv[1], "memory")) {
        char name[64];
        arg_to_cstr(ctx->argv[1], name, sizeof name);
        reply_errorf(ctx->reply, "ERR unknown subcommand '%s'. Try KPROFILE MEMORY HELP.", name);
        return;
    }
    slice_t sub = ctx->argv[2];
    char why[256], err[256];
    if (slice_eq_nocase(sub, "help") && ctx->argc == 3) {
        static const char *const lines[] = {
            "KPROFILE MEMORY <subcommand>. Subcommands are:",
            "ENABLE [SAMPLE <bytes>]", "    Start sampling allocations (mean interval <bytes>, a power of two).",
            "DISABLE", "    Stop sampling new allocations.",
            "STATUS", "    Profiler state, sample interval, dumps and allocator totals.",
            "DUMP [<dir>|-] [FORMAT jeprof|pprof|collapsed|svg|json]",
            "    Write a symbolized heap profile and its summary; reply with the path ('-': reply with the bytes).",
            "TOP [<n>] [BY bytes|objects] [DEPTH <frames>]",
            "    The n largest allocation sites of the live heap, symbolized, with bytes, objects and share.",
            "DIFF <base-dump> <dump> [FORMAT f] [COUNT n] [BY bytes|objects] [DEPTH <frames>]",
            "    Growth by call stack between two dumps of profiling-dir or profiling-dump-dirs.",
            "HISTORY [<seconds>]", "    Per-second memory samples (all, or the last <seconds>), oldest first, after a",
            "    header of field names. Works without the profiler.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
        return;
    }
    int known = slice_eq_nocase(sub, "enable") || slice_eq_nocase(sub, "disable") ||
                slice_eq_nocase(sub, "status") || slice_eq_nocase(sub, "dump") || slice_eq_nocase(sub, "top") ||
                slice_eq_nocase(sub, "diff") ||
                slice_eq_nocase(sub, "history");
    if (!known) {
        char name[64];
        arg_to_cstr(sub, name, sizeof name);
        reply_errorf(ctx->reply, "ERR unknown subcommand '%s'. Try KPROFILE MEMORY HELP.", name);
        return;
    }
    if (slice_eq_nocase(sub, "history")) { /* allocator and RocksDB numbers: no profiler needed */
        if (ctx->argc <= 4)
            kprofile_history(ctx);
        else
            reply_error(ctx->reply, "ERR wrong number of arguments for 'kprofile|memory|history' command");
        return;
    }
    if (slice_eq_nocase(sub, "diff")) { /* reads files: works without the profiler too */
        kprofile_diff(ctx);
        return;
    }
    if (!profiler_available(why, sizeof why)) {
        reply_errorf(ctx->reply, "ERR memory profiling is not available: %s", why);
        return;
    }
    if (slice_eq_nocase(sub, "enable")) {
        unsigned long long sample = 0;
        if (ctx->argc == 5 && slice_eq_nocase(ctx->argv[3], "sample")) {
            if (!str_to_ull(ctx->argv[4].ptr, ctx->argv[4].len, &sample) || sample < 1 || sample > MAX_SAMPLE_BYTES) {
                reply_errorf(ctx->reply, "ERR SAMPLE must be an integer between 1 and %llu", MAX_SAMPLE_BYTES);
                return;
            }
        } else if (ctx->argc != 3) {
            reply_syntax_error(ctx->reply);
            return;
        }
        uint64_t effective = 0;
        if (profiler_enable(sample, &effective, err, sizeof err) != 0) {
            reply_errorf(ctx->reply, "ERR %s", err);
        } else if (sample) {
            reply_int(ctx->reply, (long long)effective);
        } else {
            reply_ok(ctx->reply);
        }
    } else if (slice_eq_nocase(sub, "disable") && ctx->argc == 3) {
        if (profiler_disable(err, sizeof err) != 0)
            reply_errorf(ctx->reply, "ERR %s", err);
        else
            reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "status") && ctx->argc == 3) {
        kprofile_status(ctx);
    } else if (slice_eq_nocase(sub, "dump") && ctx->argc <= 6) {
        kprofile_dump(ctx);
    } else if (slice_eq_nocase(sub, "top") && ctx->argc <= 10) {
        kprofile_top(ctx);
    } else {
        char name[32];
        arg_to_cstr(sub, name, sizeof name);
        for (char *p = name; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        reply_errorf(ctx->reply, "ERR wrong number of arguments for 'kprofile|memory|%s' command", name);
    }
}

/* ---- MEMORY ---- */

typedef struct memory_numbers {
    allocator_stats_t a;
    engine_memory_t rocks;
    uint64_t rss, peak, startup, clients, profiler_overhead;
    uint64_t keys;
    int profiling_active;
    int64_t profiling_since_ms;
} memory_numbers_t;

static void memory_collect(cmd_ctx_t *ctx, memory_numbers_t *m) {
    memset(m, 0, sizeof *m);
    server_memory_sample(ctx->srv, &m->a);
    engine_memory(db_engine(ctx->db), &m->rocks);
    m->rss = process_rss_bytes();
    m->peak = atomic_load(&ctx->srv->peak_allocated);
    m->startup = ctx->srv->startup_allocated;
    pthread_mutex_lock(&ctx->srv->clients_lock);
    for (client_t *c = ctx->srv->clients; c; c = c->next)
        m->clients += sizeof *c + atomic_load(&c->query_len) + atomic_load(&c->output_len);
    pthread_mutex_unlock(&ctx->srv->clients_lock);
    profiler_status_t ps;
    profiler_get_status(&ps);
    m->profiler_overhead = ps.overhead_bytes;
    m->profiling_active = ps.active;
    m->profiling_since_ms = ps.active_since_ms;
    uint64_t estimate = 0;
    if (engine_property_int(db_engine(ctx->db), CF_METADATA, "rocksdb.estimate-num-keys", &estimate)) m->keys = estimate;
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

static void memory_stats(cmd_ctx_t *ctx) {
    memory_numbers_t m;
    memory_collect(ctx, &m);
    uint64_t overhead = m.startup + m.clients + m.rocks.memtables + m.rocks.table_readers +
                        m.rocks.block_cache_usage + m.profiler_overhead;
    uint64_t dataset = m.a.allocated > overhead ? m.a.allocated - overhead : 0;
    reply_t *r = ctx->reply;
    struct {
        const char *name;
        int is_double;
        double d;
        long long i;
    } f[] = {
        {"peak.allocated", 0, 0, (long long)m.peak},
        {"total.allocated", 0, 0, (long long)m.a.allocated},
        {"startup.allocated", 0, 0, (long long)m.startup},
        {"replication.backlog", 0, 0, 0},
        {"clients.slaves", 0, 0, 0},
        {"clients.normal", 0, 0, (long long)m.clients},
        {"aof.buffer", 0, 0, 0},
        {"overhead.total", 0, 0, (long long)overhead},
        {"keys.count", 0, 0, (long long)m.keys},
        {"keys.bytes-per-key", 0, 0, m.keys ? (long long)(m.a.allocated / m.keys) : 0},
        {"dataset.bytes", 0, 0, (long long)dataset},
        {"dataset.percentage", 1, 100.0 * ratio(dataset, m.a.allocated), 0},
        {"peak.percentage", 1, 100.0 * ratio(m.a.allocated, m.peak), 0},
        {"allocator.allocated", 0, 0, (long long)m.a.allocated},
        {"allocator.active", 0, 0, (long long)m.a.active},
        {"allocator.resident", 0, 0, (long long)m.a.resident},
        {"allocator.allocations", 0, 0, (long long)m.a.nmalloc},
        {"allocator.frees", 0, 0, (long long)m.a.ndalloc},
        {"allocator.live-objects", 0, 0, (long long)m.a.live_objects},
        {"allocator.largest-live-allocation", 0, 0, (long long)m.a.largest_live_class},
        {"allocator-fragmentation.ratio", 1, ratio(m.a.active, m.a.allocated), 0},
        {"allocator-fragmentation.bytes", 0, 0, (long long)m.a.active - (long long)m.a.allocated},
        {"allocator-rss.ratio", 1, ratio(m.a.resident, m.a.active), 0},
        {"allocator-rss.bytes", 0, 0, (long long)m.a.resident - (long long)m.a.active},
        {"rss-overhead.ratio", 1, ratio(m.rss, m.a.resident), 0},
        {"rss-overhead.bytes", 0, 0, (long long)m.rss - (long long)m.a.resident},
        {"fragmentation", 1, ratio(m.rss, m.a.allocated), 0},
        {"fragmentation.bytes", 0, 0, (long long)m.rss - (long long)m.a.allocated},
        {"rocksdb.memtables", 0, 0, (long long)m.rocks.memtables},
        {"rocksdb.block-cache.usage", 0, 0, (long long)m.rocks.block_cache_usage},
        {"rocksdb.block-cache.capacity", 0, 0, (long long)m.rocks.block_cache_capacity},
        {"rocksdb.block-cache.pinned", 0, 0, (long long)m.rocks.block_cache_pinned},
        {"rocksdb.table-readers", 0, 0, (long long)m.rocks.table_readers},
        {"profiler.overhead", 0, 0, (long long)m.profiler_overhead},
    };
    size_t n = sizeof f / sizeof f[0];
    reply_map(r, (long long)n);
    for (size_t i = 0; i < n; i++) {
        reply_bulk_cstr(r, f[i].name);
        if (f[i].is_double)
            reply_double(r, f[i].d);
        else
            reply_int(r, f[i].i);
    }
}

static void memory_doctor(cmd_ctx_t *ctx) {
    memory_numbers_t m;
    memory_collect(ctx, &m);
    buf_t out;
    buf_init(&out);
    const uint64_t MiB = 1024 * 1024;
    if (m.a.allocated < 5 * MiB) {
        buf_append_cstr(&out, "Hi Sam, this instance is empty or is using very little memory, my issues detector "
                              "can't be used in these conditions. Please, leave for your mission on Earth and fill "
                              "it with some data. The new Sam and I will be back to our programming as soon as I "
                              "finished rebooting.");
    } else {
        int issues = 0;
        buf_append_cstr(&out, "Sam, I detected a few issues in this Basalt instance memory implants:\n\n");
        if (ratio(m.a.active, m.a.allocated) > 1.4 && m.a.active - m.a.allocated > 10 * MiB) {
            buf_appendf(&out, " * High allocator fragmentation: active pages hold %.2fx the allocated bytes "
                              "(%llu MiB unused). MEMORY PURGE returns dirty pages; a restart compacts the heap.\n\n",
                        ratio(m.a.active, m.a.allocated), (unsigned long long)((m.a.active - m.a.allocated) / MiB));
            issues++;
        }
        if (m.rss > m.a.allocated && ratio(m.rss, m.a.allocated) > 1.5 && m.rss - m.a.allocated > 64 * MiB) {
            buf_appendf(&out, " * RSS (%llu MiB) is %.2fx the allocated memory (%llu MiB): memory outside the "
                              "allocator (thread stacks, mmap'ed files) or pages not yet returned to the OS.\n\n",
                        (unsigned long long)(m.rss / MiB), ratio(m.rss, m.a.allocated),
                        (unsigned long long)(m.a.allocated / MiB));
            issues++;
        }
        if (m.rocks.memtable_budget && m.rocks.memtables > m.rocks.memtable_budget * 8 / 10) {
            buf_appendf(&out, " * RocksDB memtables use %llu MiB, over 80%% of their budget (%llu MiB): writes "
                              "may stall until flushes catch up.\n\n",
                        (unsigned long long)(m.rocks.memtables / MiB),
                        (unsigned long long)(m.rocks.memtable_budget / MiB));
            issues++;
        }
        if (m.rocks.block_cache_capacity && m.rocks.block_cache_usage > m.rocks.block_cache_capacity * 95 / 100) {
            buf_appendf(&out, " * The block cache is full (%llu of %llu MiB): reads beyond it go to disk; raise "
                              "rocksdb.block_cache_size if the working set should fit.\n\n",
                        (unsigned long long)(m.rocks.block_cache_usage / MiB),
                        (unsigned long long)(m.rocks.block_cache_capacity / MiB));
            issues++;
        }
        issues += memory_doctor_growth(ctx, &out);
        if (m.profiling_active) {
            buf_appendf(&out, " * Heap profiling has been active for %lld s (overhead about %llu KiB). Switch it "
                              "off with KPROFILE MEMORY DISABLE when you are done.\n\n",
                        (long long)((clock_unix_ms() - m.profiling_since_ms) / 1000),
                        (unsigned long long)(m.profiler_overhead / 1024));
            issues++;
        }
        if (issues == 0) {
            buf_clear(&out);
            buf_append_cstr(&out, "Hi Sam, I can't find any memory issue in your instance. I can only account for "
                                  "what occurs on this base.");
        } else {
            buf_append_cstr(&out, "I'm here to keep you safe, Sam. I want to help you.");
        }
    }
    reply_verbatim(ctx->reply, out.data, out.len);
    buf_fini(&out);
}

void cmd_memory(cmd_ctx_t *ctx) {
    slice_t sub = ctx->argv[1];
    if (slice_eq_nocase(sub, "stats") && ctx->argc == 2) {
        memory_stats(ctx);
    } else if (slice_eq_nocase(sub, "doctor") && ctx->argc == 2) {
        memory_doctor(ctx);
    } else if (slice_eq_nocase(sub, "usage") && ctx->argc >= 3) {
        long long samples = 5;
        for (size_t i = 3; i < ctx->argc; i += 2) { /* as Redis: the last SAMPLES wins */
            if (!slice_eq_nocase(ctx->argv[i], "samples") || i + 1 >= ctx->argc) {
                reply_syntax_error(ctx->reply);
                return;
            }
            if (!arg_to_ll(ctx, ctx->argv[i + 1], &samples)) return;
            if (samples < 0) {
                reply_syntax_error(ctx->reply);
                return;
            }
        }
        uint64_t bytes = 0;
        db_status_t st = db_key_usage(ctx->db, ctx->scratch, ctx->argv[2], (size_t)samples, &bytes);
        if (st == DB_OK)
            reply_int(ctx->reply, (long long)bytes);
        else
            reply_db_status(ctx, st);
    } else if (slice_eq_nocase(sub, "malloc-stats") && ctx->argc == 2) {
        buf_t out;
        buf_init(&out);
        allocator_stats_text(&out);
        reply_verbatim(ctx->reply, out.data ? out.data : "", out.len);
        buf_fini(&out);
    } else if (slice_eq_nocase(sub, "purge") && ctx->argc == 2) {
        if (allocator_purge() != 0)
            reply_error(ctx->reply, "ERR Error purging dirty pages");
        else
            reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "help") && ctx->argc == 2) {
        static const char *const lines[] = {
            "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DOCTOR", "    Return memory problems reports.",
            "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
            "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS", "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value as stored.",
            "HELP", "    Print this help.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
    } else {
        static const char *const known[] = {"stats", "doctor", "usage", "malloc-stats", "purge", "help"};
        reply_subcommand_error(ctx, known, sizeof known / sizeof known[0]);
    }
}
