/* INFO: sections of "field:value" lines, as Redis writes them. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "commands/command.h"
#include "commands/cmd_memory_timeline.h"
#include "memory/allocator.h"
#include "memory/profiler.h"
#include "server/server.h"
#include "util/clock.h"

static void bytes_to_human(char *dst, size_t cap, uint64_t n) {
    static const char units[] = "BKMGTP";
    double d = (double)n;
    int u = 0;
    while (d >= 1024 && u < 5) {
        d /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(dst, cap, "%lluB", (unsigned long long)n);
    else
        snprintf(dst, cap, "%.2f%c", d, units[u]);
}

static void info_server(cmd_ctx_t *ctx, buf_t *o) {
    server_t *srv = ctx->srv;
    struct utsname u;
    uname(&u);
    int64_t uptime = (clock_mono_us() - srv->start_mono_us) / 1000000;
    const char *cfg = config_file_path(srv->config);
    buf_appendf(o,
                "# Server\r\nredis_version:%s\r\nbasalt_version:%s\r\nredis_git_sha1:00000000\r\n"
                "redis_git_dirty:0\r\nredis_build_id:0\r\nredis_mode:standalone\r\nos:%s %s %s\r\n"
                "arch_bits:%d\r\nmultiplexing_api:epoll\r\ngcc_version:%d.%d.%d\r\nprocess_id:%d\r\n"
                "run_id:%016llx%024d\r\ntcp_port:%lld\r\nserver_time_usec:%lld\r\nuptime_in_seconds:%lld\r\n"
                "uptime_in_days:%lld\r\nexecutable:%s\r\nconfig_file:%s\r\nworkers:%d\r\n"
                "storage_engine:rocksdb\r\n\r\n",
                BASALT_REDIS_VERSION, BASALT_VERSION, u.sysname, u.release, u.machine, (int)(sizeof(void *) * 8),
#ifdef __GNUC__
                __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
                0, 0, 0,
#endif
                (int)getpid(), (unsigned long long)srv->start_ms, 0, config_int(srv->config, CONF_PORT),
                (long long)clock_unix_us(), (long long)uptime, (long long)(uptime / 86400), srv->executable,
                cfg ? cfg : "", srv->nworkers);
}

static void info_clients(cmd_ctx_t *ctx, buf_t *o) {
    buf_appendf(o,
                "# Clients\r\nconnected_clients:%d\r\ncluster_connections:0\r\nmaxclients:%lld\r\n"
                "blocked_clients:%d\r\ntracking_clients:0\r\nclients_in_timeout_table:0\r\n\r\n",
                atomic_load(&ctx->srv->nclients), config_int(ctx->srv->config, CONF_MAXCLIENTS),
                atomic_load(&ctx->srv->blocked_clients));
}

static void info_memory(cmd_ctx_t *ctx, buf_t *o) {
    allocator_stats_t a;
    server_memory_sample(ctx->srv, &a);
    uint64_t rss = process_rss_bytes();
    uint64_t peak = atomic_load(&ctx->srv->peak_allocated);
    engine_memory_t em;
    engine_memory(db_engine(ctx->db), &em);
    profiler_status_t ps;
    profiler_get_status(&ps);
    char used_h[32], rss_h[32], peak_h[32];
    bytes_to_human(used_h, sizeof used_h, a.allocated);
    bytes_to_human(rss_h, sizeof rss_h, rss);
    bytes_to_human(peak_h, sizeof peak_h, peak);
    buf_appendf(o,
                "# Memory\r\nused_memory:%llu\r\nused_memory_human:%s\r\nused_memory_rss:%llu\r\n"
                "used_memory_rss_human:%s\r\nused_memory_peak:%llu\r\nused_memory_peak_human:%s\r\n"
                "used_memory_startup:%llu\r\nallocator_allocated:%llu\r\nallocator_active:%llu\r\n"
                "allocator_resident:%llu\r\nallocator_mapped:%llu\r\nallocator_metadata:%llu\r\n"
                "allocator_retained:%llu\r\nallocator_allocations:%llu\r\nallocator_frees:%llu\r\n"
                "allocator_live_objects:%llu\r\nallocator_largest_live_allocation:%llu\r\n"
                "allocator_frag_ratio:%.2f\r\nmem_fragmentation_ratio:%.2f\r\nmem_allocator:%s\r\n"
                "rocksdb_memtables:%llu\r\nrocksdb_block_cache_usage:%llu\r\nrocksdb_block_cache_capacity:%llu\r\n"
                "rocksdb_block_cache_pinned:%llu\r\nrocksdb_table_readers:%llu\r\n"
                "heap_profiling_available:%d\r\nheap_profiling_active:%d\r\nheap_profiling_sample_bytes:%llu\r\n"
                "heap_profiling_dumps:%llu\r\n"
                "maxmemory:0\r\nmaxmemory_human:0B\r\nmaxmemory_policy:noeviction\r\n",
                (unsigned long long)a.allocated, used_h, (unsigned long long)rss, rss_h, (unsigned long long)peak,
                peak_h, (unsigned long long)ctx->srv->startup_allocated, (unsigned long long)a.allocated,
                (unsigned long long)a.active, (unsigned long long)a.resident, (unsigned long long)a.mapped,
                (unsigned long long)a.metadata, (unsigned long long)a.retained, (unsigned long long)a.nmalloc,
                (unsigned long long)a.ndalloc, (unsigned long long)a.live_objects,
                (unsigned long long)a.largest_live_class, a.allocated ? (double)a.active / (double)a.allocated : 0.0,
                a.allocated ? (double)rss / (double)a.allocated : 0.0, allocator_name(),
                (unsigned long long)em.memtables, (unsigned long long)em.block_cache_usage,
                (unsigned long long)em.block_cache_capacity, (unsigned long long)em.block_cache_pinned,
                (unsigned long long)em.table_readers, ps.available, ps.active, (unsigned long long)ps.sample_bytes,
                (unsigned long long)ps.dumps);
    for (int i = 0; i < ctx->srv->nworkers; i++) {
        worker_t *w = &ctx->srv->workers[i];
        buf_appendf(o, "worker_%d_allocated:%llu\r\nworker_%d_deallocated:%llu\r\n", i,
                    w->thread_allocated ? (unsigned long long)*w->thread_allocated : 0ULL, i,
                    w->thread_deallocated ? (unsigned long long)*w->thread_deallocated : 0ULL);
    }
    info_memory_timeline(ctx, o);
    buf_append_cstr(o, "\r\n");
}

static void info_persistence(cmd_ctx_t *ctx, buf_t *o) {
    config_t *cfg = ctx->srv->config;
    buf_appendf(o,
                "# Persistence\r\nloading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:0\r\n"
                "rdb_bgsave_in_progress:0\r\nrdb_last_save_time:%lld\r\nrdb_last_bgsave_status:ok\r\n"
                "aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_last_write_status:ok\r\n"
                "rocksdb_wal_enabled:%d\r\nrocksdb_wal_sync:%d\r\nrocksdb_writes:%llu\r\n",
                (long long)(ctx->srv->lastsave_ms / 1000), config_int(cfg, CONF_ROCKSDB_DISABLE_WAL) ? 0 : 1,
                (int)config_int(cfg, CONF_ROCKSDB_SYNC), (unsigned long long)engine_writes(db_engine(ctx->db)));
    /* Write health: a full disk or failing device turns writes into error
     * replies; these say so, and since when (docs/durability.md). */
    engine_write_health_t h;
    engine_write_health(db_engine(ctx->db), &h);
    for (char *c = h.last_error; *c; c++)
        if (*c == '\r' || *c == '\n') *c = ' ';
    buf_appendf(o,
                "rocksdb_write_status:%s\r\nrocksdb_write_errors:%llu\r\nrocksdb_write_recoveries:%llu\r\n"
                "rocksdb_background_errors:%llu\r\n"
                "rocksdb_last_write_error:%s\r\nrocksdb_last_write_error_time:%lld\r\n\r\n",
                h.failing ? "err" : "ok", (unsigned long long)h.errors, (unsigned long long)h.recoveries,
                (unsigned long long)h.background_errors,
                h.last_error, (long long)(h.last_error_ms / 1000));
}

static void info_stats(cmd_ctx_t *ctx, buf_t *o) {
    stats_totals_t t;
    server_stats_sum(ctx->srv, &t);
    buf_appendf(o,
                "# Stats\r\ntotal_connections_received:%llu\r\ntotal_commands_processed:%llu\r\n"
                "instantaneous_ops_per_sec:0\r\ntotal_net_input_bytes:%llu\r\ntotal_net_output_bytes:%llu\r\n"
                "rejected_connections:%llu\r\nexpired_keys:0\r\nevicted_keys:0\r\nkeyspace_hits:%llu\r\n"
                "keyspace_misses:%llu\r\npubsub_channels:0\r\npubsub_patterns:0\r\ntotal_error_replies:%llu\r\n"
                "client_query_buffer_limit_disconnections:%llu\r\nclient_output_buffer_limit_disconnections:%llu\r\n\r\n",
                (unsigned long long)atomic_load(&ctx->srv->total_connections), t.commands, t.net_input_bytes,
                t.net_output_bytes, (unsigned long long)atomic_load(&ctx->srv->rejected_connections),
                t.keyspace_hits, t.keyspace_misses, t.error_replies,
                (unsigned long long)atomic_load(&ctx->srv->qbuf_limit_disconnections),
                (unsigned long long)atomic_load(&ctx->srv->obuf_limit_disconnections));
}

static void info_replication(cmd_ctx_t *ctx, buf_t *o) {
    (void)ctx;
    buf_append_cstr(o, "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_repl_offset:0\r\n\r\n");
}

static void info_cpu(cmd_ctx_t *ctx, buf_t *o) {
    (void)ctx;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    buf_appendf(o, "# CPU\r\nused_cpu_sys:%ld.%06ld\r\nused_cpu_user:%ld.%06ld\r\n\r\n", (long)ru.ru_stime.tv_sec,
                (long)ru.ru_stime.tv_usec, (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
}

static void info_keyspace(cmd_ctx_t *ctx, buf_t *o) {
    uint64_t keys = 0, expires = 0;
    buf_append_cstr(o, "# Keyspace\r\n");
    /* Exact for small databases; above a million keys INFO would stall
     * this worker, so RocksDB's estimate answers instead (DBSIZE stays
     * exact). */
    uint64_t estimate = 0;
    engine_property_int(db_engine(ctx->db), CF_METADATA, "rocksdb.estimate-num-keys", &estimate);
    if (estimate <= 1000000) {
        if (db_key_count(ctx->db, ctx->scratch, &keys, &expires) == DB_OK && keys > 0)
            buf_appendf(o, "db0:keys=%llu,expires=%llu,avg_ttl=0\r\n", (unsigned long long)keys,
                        (unsigned long long)expires);
    } else {
        buf_appendf(o, "db0:keys=%llu,expires=0,avg_ttl=0,estimated=1\r\n", (unsigned long long)estimate);
    }
    buf_append_cstr(o, "\r\n");
}

static void info_rocksdb(cmd_ctx_t *ctx, buf_t *o) {
    engine_t *e = db_engine(ctx->db);
    static const struct {
        const char *field, *property;
    } props[] = {
        {"estimate_keys", "rocksdb.estimate-num-keys"},
        {"memtable_bytes", "rocksdb.cur-size-all-mem-tables"},
        {"table_readers_bytes", "rocksdb.estimate-table-readers-mem"},
        {"live_sst_files_bytes", "rocksdb.live-sst-files-size"},
        {"pending_compaction_bytes", "rocksdb.estimate-pending-compaction-bytes"},
        {"running_compactions", "rocksdb.num-running-compactions"},
        {"running_flushes", "rocksdb.num-running-flushes"},
        {"immutable_memtables", "rocksdb.num-immutable-mem-table"},
    };
    buf_appendf(o, "# RocksDB\r\nblock_cache_usage:%llu\r\nblock_cache_capacity:%llu\r\n",
                (unsigned long long)engine_block_cache_usage(e), (unsigned long long)engine_block_cache_capacity(e));
    for (int cf = 0; cf < CF_COUNT; cf++)
        for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
            uint64_t v = 0;
            if (engine_property_int(e, (enum engine_cf)cf, props[i].property, &v))
                buf_appendf(o, "%s[%s]:%llu\r\n", props[i].field, engine_cf_name((enum engine_cf)cf),
                            (unsigned long long)v);
        }
    buf_append_cstr(o, "\r\n");
}

static void info_commandstats(cmd_ctx_t *ctx, buf_t *o) {
    (void)ctx;
    buf_append_cstr(o, "# Commandstats\r\n");
    for (size_t i = 0; i < command_count(); i++) {
        const command_def_t *c = command_at(i);
        unsigned long long calls = atomic_load(&c->stats->calls), usec = atomic_load(&c->stats->usec);
        unsigned long long rejected = atomic_load(&c->stats->rejected_calls);
        unsigned long long failed = atomic_load(&c->stats->failed_calls);
        if (calls == 0 && rejected == 0) continue;
        buf_appendf(o, "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu\r\n",
                    c->name, calls, usec, calls ? (double)usec / (double)calls : 0.0, rejected, failed);
    }
    buf_append_cstr(o, "\r\n");
}

typedef struct info_section {
    const char *name;
    void (*write)(cmd_ctx_t *, buf_t *);
    int in_default;
} info_section_t;

static const info_section_t sections[] = {
    {"server", info_server, 1},         {"clients", info_clients, 1},   {"memory", info_memory, 1},
    {"persistence", info_persistence, 1}, {"stats", info_stats, 1},     {"replication", info_replication, 1},
    {"cpu", info_cpu, 1},               {"commandstats", info_commandstats, 0}, {"keyspace", info_keyspace, 1},
    {"rocksdb", info_rocksdb, 0},
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

void cmd_info(cmd_ctx_t *ctx) {
    int want[NSECTIONS] = {0};
    if (ctx->argc == 1) {
        for (size_t i = 0; i < NSECTIONS; i++) want[i] = sections[i].in_default;
    }
    for (size_t a = 1; a < ctx->argc; a++) {
        slice_t arg = ctx->argv[a];
        int all = slice_eq_nocase(arg, "all") || slice_eq_nocase(arg, "everything");
        int def = slice_eq_nocase(arg, "default");
        for (size_t i = 0; i < NSECTIONS; i++)
            if (all || (def && sections[i].in_default) || slice_eq_nocase(arg, sections[i].name)) want[i] = 1;
    }
    buf_t out;
    buf_init(&out);
    for (size_t i = 0; i < NSECTIONS; i++)
        if (want[i]) sections[i].write(ctx, &out);
    /* No trailing blank line after the last section. */
    if (out.len >= 2) out.len -= 2;
    reply_verbatim(ctx->reply, out.data ? out.data : "", out.len);
    buf_fini(&out);
}
