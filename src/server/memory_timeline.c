#include "server/memory_timeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memory/allocator.h"
#include "memory/auto_dump_policy.h"
#include "memory/memory_growth.h"
#include "memory/profile_dump.h"
#include "memory/profiler.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/log.h"

struct memory_timeline {
    server_t *srv;
    memory_history_t *history;

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t wake;  /* CLOCK_MONOTONIC: the sampler's tick, the dumper's requests, stop */
    pthread_t sampler, dumper;
    int started;
    int stop;
    int pending_reasons; /* AUTO_DUMP_* mask waiting for the dumper */
    int trim_pending;
    auto_dump_stats_t stats;

    /* Only the sampler thread touches the policy; only the dumper the list
     * of the dumps it wrote (oldest first), which retention removes from. */
    auto_dump_policy_t policy;
    char **written;
    size_t nwritten, written_cap;
};

/* ---- sampling ---- */

/* One sample, and the profiler's status read for it (the policy needs it
 * too: reading it twice would double the allocator statistics walk). */
static void sample_with_status(server_t *srv, memory_sample_t *out, profiler_status_t *ps) {
    memset(out, 0, sizeof *out);
    allocator_stats_t a;
    server_memory_sample(srv, &a);
    out->time_ms = clock_unix_ms();
    out->allocated = a.allocated;
    out->active = a.active;
    out->resident = a.resident;
    out->rss = process_rss_bytes();
    engine_memory_t em;
    engine_memory(db_engine(srv->db), &em);
    out->memtables = em.memtables;
    out->block_cache = em.block_cache_usage;
    out->table_readers = em.table_readers;
    pthread_mutex_lock(&srv->clients_lock);
    for (client_t *c = srv->clients; c; c = c->next)
        out->client_buffers += sizeof *c + atomic_load(&c->query_len) + atomic_load(&c->output_len);
    pthread_mutex_unlock(&srv->clients_lock);
    profiler_get_status(ps);
    out->profiler = ps->overhead_bytes;
}

void memory_timeline_sample(server_t *srv, memory_sample_t *out) {
    profiler_status_t ps;
    sample_with_status(srv, out, &ps);
}

/* One tick: record a sample, then ask the dumper for a profile if a rule
 * says so. */
static void sampler_tick(memory_timeline_t *t) {
    server_t *srv = t->srv;
    memory_sample_t s;
    profiler_status_t ps;
    sample_with_status(srv, &s, &ps);
    memory_history_push(t->history, &s);

    auto_dump_inputs_t in = {
        .now_ms = s.time_ms,
        .profiling_active = ps.active,
        .allocated = s.allocated,
        .peak = atomic_load(&srv->peak_allocated),
        .interval_s = config_int(srv->config, CONF_PROFILING_DUMP_INTERVAL),
        .growth_bytes = (uint64_t)config_int(srv->config, CONF_PROFILING_DUMP_ON_GROWTH),
        .growth_gap_ms = AUTO_DUMP_GROWTH_GAP_MS,
    };
    int reasons = auto_dump_decide(&t->policy, &in);
    if (reasons) {
        pthread_mutex_lock(&t->lock);
        t->pending_reasons |= reasons;
        pthread_cond_broadcast(&t->wake);
        pthread_mutex_unlock(&t->lock);
    }
}

static void timespec_add_ms(struct timespec *ts, long ms) {
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *sampler_main(void *arg) {
    memory_timeline_t *t = arg;
    pthread_setname_np(pthread_self(), "mem-sampler"); /* shows in top -H and /proc */
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        pthread_mutex_unlock(&t->lock);
        sampler_tick(t);
        pthread_mutex_lock(&t->lock);
        /* A tick that ran late (a long profiler lock) is not caught up. */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        timespec_add_ms(&next, 1000);
        if (next.tv_sec < now.tv_sec || (next.tv_sec == now.tv_sec && next.tv_nsec < now.tv_nsec)) {
            next = now;
            timespec_add_ms(&next, 1000);
        }
        while (!t->stop && pthread_cond_timedwait(&t->wake, &t->lock, &next) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* ---- automatic dumps ---- */

/* Where automatic dumps go: profiling-dir, created (0700) when missing; a
 * symlink or non-directory there is refused. */
static int prepare_dump_dir(server_t *srv, char *err, size_t cap) {
    if (mkdir(srv->profiling_dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, cap, "cannot create profiling-dir %.300s: %s", srv->profiling_dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(srv->profiling_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, cap, "profiling-dir %.300s is not a directory (or is a symbolic link)", srv->profiling_dir);
        return -1;
    }
    return 0;
}

/* Writes the jeprof profile and its summary (with the trigger and
 * RocksDB's components) into dir. */
static int auto_dump_write(server_t *srv, const char *dir, const char *trigger, char *path, size_t path_cap, char *err,
                           size_t err_cap) {
    engine_memory_t em;
    engine_memory(db_engine(srv->db), &em);
    char extra[640];
    snprintf(extra, sizeof extra,
             "\"trigger\": \"%s\", \"rocksdb\": {\"memtables\": %llu, \"table_readers\": %llu, "
             "\"block_cache_usage\": %llu, \"block_cache_capacity\": %llu, \"block_cache_pinned\": %llu}",
             trigger, (unsigned long long)em.memtables, (unsigned long long)em.table_readers,
             (unsigned long long)em.block_cache_usage, (unsigned long long)em.block_cache_capacity,
             (unsigned long long)em.block_cache_pinned);
    /* The self-contained jeprof form, symbolized here (this thread is not a
     * worker), so an overnight dump reads on another machine. */
    char title[128];
    snprintf(title, sizeof title, "basalt-server %s pid %d", BASALT_VERSION, (int)getpid());
    return profile_dump_to_dir(dir, srv->data_dir, HEAP_FMT_JEPROF, title, BASALT_VERSION, extra, path, path_cap, err,
                               err_cap);
}

static int remember_dump(memory_timeline_t *t, const char *path) {
    if (t->nwritten == t->written_cap) {
        size_t cap = t->written_cap ? t->written_cap * 2 : 16;
        char **grown = realloc(t->written, cap * sizeof *grown);
        if (!grown) return -1;
        t->written = grown;
        t->written_cap = cap;
    }
    char *copy = strdup(path);
    if (!copy) return -1;
    t->written[t->nwritten++] = copy;
    return 0;
}

static void auto_dump(memory_timeline_t *t, int reasons) {
    server_t *srv = t->srv;
    profiler_status_t ps;
    profiler_get_status(&ps);
    if (!ps.active) return; /* switched off since the tick that asked */
    const char *trigger = reasons & AUTO_DUMP_GROWTH ? (reasons & AUTO_DUMP_PERIODIC ? "growth+interval" : "growth")
                                                     : "interval";
    char path[4200], err[512];
    int rc = prepare_dump_dir(srv, err, sizeof err);
    if (rc == 0) rc = auto_dump_write(srv, srv->profiling_dir, trigger, path, sizeof path, err, sizeof err);
    if (rc == 0 && remember_dump(t, path) != 0) {
        /* Not remembered means never removed: say so rather than lose track silently. */
        log_warning("automatic heap profile %s written but not tracked for retention (out of memory)", path);
    }
    pthread_mutex_lock(&t->lock);
    if (rc == 0) {
        t->stats.written++;
        snprintf(t->stats.last_path, sizeof t->stats.last_path, "%s", path);
    } else {
        t->stats.failed++;
        snprintf(t->stats.last_error, sizeof t->stats.last_error, "%s", err);
    }
    pthread_mutex_unlock(&t->lock);
    if (rc == 0)
        log_notice("automatic heap profile (%s): %s", trigger, path);
    else
        log_warning("automatic heap profile (%s) failed: %s", trigger, err);
}

/* Removes the oldest automatic dumps beyond profiling-dump-keep, with their
 * summaries. Only files this process wrote as automatic dumps are touched:
 * manual dumps, earlier runs' dumps and foreign files stay. */
static void enforce_retention(memory_timeline_t *t) {
    size_t keep = (size_t)config_int(t->srv->config, CONF_PROFILING_DUMP_KEEP);
    size_t drop = t->nwritten > keep ? t->nwritten - keep : 0;
    uint64_t removed = 0;
    for (size_t i = 0; i < drop; i++) {
        char summary[4300];
        snprintf(summary, sizeof summary, "%s.summary.json", t->written[i]);
        if (unlink(t->written[i]) == 0)
            removed++;
        else if (errno != ENOENT)
            log_warning("cannot remove old heap profile %s: %s", t->written[i], strerror(errno));
        if (unlink(summary) != 0 && errno != ENOENT)
            log_warning("cannot remove old heap profile summary %s: %s", summary, strerror(errno));
        free(t->written[i]);
    }
    if (drop) {
        memmove(t->written, t->written + drop, (t->nwritten - drop) * sizeof *t->written);
        t->nwritten -= drop;
    }
    if (removed) {
        pthread_mutex_lock(&t->lock);
        t->stats.removed += removed;
        pthread_mutex_unlock(&t->lock);
    }
}

static void *dumper_main(void *arg) {
    memory_timeline_t *t = arg;
    pthread_setname_np(pthread_self(), "mem-autodump");
    pthread_mutex_lock(&t->lock);
    for (;;) {
        while (!t->stop && !t->pending_reasons && !t->trim_pending) pthread_cond_wait(&t->wake, &t->lock);
        if (t->stop) break;
        int reasons = t->pending_reasons;
        t->pending_reasons = 0;
        t->trim_pending = 0;
        pthread_mutex_unlock(&t->lock);
        if (reasons) auto_dump(t, reasons);
        enforce_retention(t);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

/* ---- life cycle and configuration ---- */

static int check_windows(server_t *srv, char *err, size_t cap) {
    char text[512], why[160];
    int64_t windows[MEMORY_GROWTH_MAX_WINDOWS];
    config_str(srv->config, CONF_MEMORY_DOCTOR_WINDOWS, text, sizeof text);
    if (memory_growth_parse_windows(text, windows, why, sizeof why) < 0) {
        snprintf(err, cap, "memory-doctor-windows '%s': %s", text, why);
        return -1;
    }
    return 0;
}

int memory_timeline_init(server_t *srv, char *err, size_t cap) {
    if (check_windows(srv, err, cap) != 0) return -1;
    memory_timeline_t *t = calloc(1, sizeof *t);
    if (t) t->history = memory_history_new((size_t)config_int(srv->config, CONF_MEMORY_HISTORY_SECONDS));
    if (!t || !t->history) {
        free(t);
        snprintf(err, cap, "out of memory for the memory history");
        return -1;
    }
    t->srv = srv;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &attr);
    pthread_condattr_destroy(&attr);
    srv->timeline = t;
    return 0;
}

int memory_timeline_start(server_t *srv, char *err, size_t cap) {
    memory_timeline_t *t = srv->timeline;
    int rc = pthread_create(&t->sampler, NULL, sampler_main, t);
    if (rc == 0) {
        rc = pthread_create(&t->dumper, NULL, dumper_main, t);
        if (rc != 0) {
            pthread_mutex_lock(&t->lock);
            t->stop = 1;
            pthread_cond_broadcast(&t->wake);
            pthread_mutex_unlock(&t->lock);
            pthread_join(t->sampler, NULL);
        }
    }
    if (rc != 0) {
        snprintf(err, cap, "cannot start the memory timeline threads: %s", strerror(rc));
        return -1;
    }
    t->started = 1;
    return 0;
}

void memory_timeline_stop(server_t *srv) {
    memory_timeline_t *t = srv->timeline;
    if (!t || !t->started) return;
    pthread_mutex_lock(&t->lock);
    t->stop = 1;
    pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->sampler, NULL);
    pthread_join(t->dumper, NULL);
    t->started = 0;
}

void memory_timeline_free(server_t *srv) {
    memory_timeline_t *t = srv->timeline;
    if (!t) return;
    memory_timeline_stop(srv);
    for (size_t i = 0; i < t->nwritten; i++) free(t->written[i]);
    free(t->written);
    memory_history_free(t->history);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
    srv->timeline = NULL;
}

int memory_timeline_apply_config(server_t *srv, enum config_id id, char *err, size_t cap) {
    memory_timeline_t *t = srv->timeline;
    if (!t) return 0;
    if (id == CONF_MEMORY_HISTORY_SECONDS) {
        if (memory_history_resize(t->history, (size_t)config_int(srv->config, id)) != 0) {
            snprintf(err, cap, "out of memory for the memory history");
            return -1;
        }
    } else if (id == CONF_MEMORY_DOCTOR_WINDOWS) {
        return check_windows(srv, err, cap);
    } else if (id == CONF_PROFILING_DUMP_KEEP) {
        pthread_mutex_lock(&t->lock);
        t->trim_pending = 1;
        pthread_cond_broadcast(&t->wake);
        pthread_mutex_unlock(&t->lock);
    }
    return 0;
}

memory_history_t *memory_timeline_history(server_t *srv) { return srv->timeline->history; }

void memory_timeline_auto_dump_stats(server_t *srv, auto_dump_stats_t *out) {
    memory_timeline_t *t = srv->timeline;
    pthread_mutex_lock(&t->lock);
    *out = t->stats;
    pthread_mutex_unlock(&t->lock);
}
