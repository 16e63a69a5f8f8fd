#include "storage/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "storage/encoding.h"
#include "util/clock.h"
#include "util/log.h"

struct engine {
    rocksdb_t *db;
    rocksdb_options_t *db_opts;
    rocksdb_options_t *cf_opts[CF_COUNT];
    rocksdb_column_family_handle_t *cf[CF_COUNT];
    rocksdb_block_based_table_options_t *table_opts;
    rocksdb_cache_t *cache;
    rocksdb_readoptions_t *read_opts;
    rocksdb_writeoptions_t *write_opts;
    rocksdb_compactionfilter_t *filters[CF_COUNT];
    atomic_uint_fast64_t writes;
    uint64_t write_buffer_bytes;
    /* Write failures (a full disk, a failing device). After the first
     * failure writes are refused here, without reaching RocksDB, until the
     * recovery thread has reopened the database (see write_failed). */
    atomic_uint_fast64_t write_errors;
    atomic_uint_fast64_t recoveries;
    atomic_int write_failing;
    pthread_mutex_t error_lock; /* guards the fields below */
    char last_write_error[256];
    int64_t last_write_error_ms;
    pthread_cond_t recovery_wake;
    pthread_t recovery_thread;
    int recovery_running, recovery_joinable, closing;
    /* Readers: every use of db and cf[]. Writer: the reopen. */
    pthread_rwlock_t lock;
    char *dir;
};

struct engine_batch {
    rocksdb_writebatch_t *wb;
    engine_t *e;
};

struct engine_iter {
    rocksdb_iterator_t *it;
    rocksdb_readoptions_t *ro;
    const rocksdb_snapshot_t *snap;
    engine_t *e;
};

static const char *const cf_names[CF_COUNT] = {"metadata", "subkeys", "zset_score"};

const char *engine_cf_name(enum engine_cf cf) { return cf_names[cf]; }

static int take_error(char *rocks_err, engine_err_t *err, const char *what) {
    if (!rocks_err) return 0;
    if (err) snprintf(err->msg, sizeof err->msg, "%s: %s", what, rocks_err);
    rocksdb_free(rocks_err);
    return -1;
}

static void *recovery_main(void *arg);

/* A write failed: remember why, refuse further writes and start the
 * recovery thread. Why refuse rather than let RocksDB decide: Debian's
 * RocksDB 7.8 can resume from a full disk while keeping the WAL writer
 * that saw the error, and the next write through it fails an assertion
 * (abort). A reopen gives a fresh WAL; until then no write touches it. */
static int write_failed(engine_t *e, char *rocks_err, engine_err_t *err, const char *what) {
    atomic_fetch_add_explicit(&e->write_errors, 1, memory_order_relaxed);
    pthread_mutex_lock(&e->error_lock);
    snprintf(e->last_write_error, sizeof e->last_write_error, "%s", rocks_err);
    e->last_write_error_ms = clock_unix_ms();
    if (!atomic_load(&e->write_failing)) {
        atomic_store(&e->write_failing, 1);
        log_warning("storage: write failed, writes answer errors until the disk takes writes again: %s", rocks_err);
    }
    if (!e->recovery_running && !e->closing) {
        if (e->recovery_joinable) pthread_join(e->recovery_thread, NULL); /* it has finished */
        e->recovery_joinable = 0;
        if (pthread_create(&e->recovery_thread, NULL, recovery_main, e) == 0)
            e->recovery_running = e->recovery_joinable = 1;
        else
            log_warning("storage: cannot start the write recovery thread: %s", strerror(errno));
    }
    pthread_mutex_unlock(&e->error_lock);
    return take_error(rocks_err, err, what);
}

/* While writes are refused: the error they answer. */
static int write_refused(engine_t *e, engine_err_t *err, const char *what) {
    atomic_fetch_add_explicit(&e->write_errors, 1, memory_order_relaxed);
    if (err) {
        pthread_mutex_lock(&e->error_lock);
        snprintf(err->msg, sizeof err->msg, "%s: %.220s", what, e->last_write_error);
        pthread_mutex_unlock(&e->error_lock);
    }
    return -1;
}

/* Only I/O errors (RocksDB's "IO error: ..." status, a full disk included)
 * mean the WAL or a table file could not be written; others (an invalid
 * option such as sync without a WAL) are answered as they are, since a
 * reopen would not change them. */
static int write_outcome(engine_t *e, char *rocks_err, engine_err_t *err, const char *what) {
    if (!rocks_err) return 0;
    if (strncmp(rocks_err, "IO error", 8) == 0) return write_failed(e, rocks_err, err, what);
    return take_error(rocks_err, err, what);
}

/* ---- compaction filters: reclaim expired keys and stale collections ---- */

static const char *filter_name_metadata(void *state) {
    (void)state;
    return "basalt.metadata_expiry";
}

static const char *filter_name_subkeys(void *state) {
    (void)state;
    return "basalt.subkey_version";
}

static unsigned char filter_metadata(void *state, int level, const char *key, size_t key_len,
                                     const char *value, size_t value_len, char **new_value,
                                     size_t *new_value_len, unsigned char *changed) {
    (void)state, (void)level, (void)key, (void)key_len, (void)new_value, (void)new_value_len;
    *changed = 0;
    metadata_t m;
    if (meta_decode(slice_make(value, value_len), &m) != 0) return 0;
    return meta_is_expired(&m, clock_unix_ms()) ? 1 : 0;
}

/* A subkey lives while its key's metadata exists, has not expired, and
 * carries the same version. RocksDB turns a removal into a tombstone, so an
 * older value of the same key cannot resurface. */
static unsigned char filter_subkeys(void *state, int level, const char *key, size_t key_len,
                                    const char *value, size_t value_len, char **new_value,
                                    size_t *new_value_len, unsigned char *changed) {
    (void)level, (void)value, (void)value_len, (void)new_value, (void)new_value_len;
    *changed = 0;
    engine_t *e = state;
    /* Runs on RocksDB's compaction threads, also while a recovery reopen
     * replaces the handles: acquire pairs with the release stores below. */
    rocksdb_t *db = __atomic_load_n(&e->db, __ATOMIC_ACQUIRE);
    if (!db) return 0;
    slice_t user_key, field;
    uint64_t version;
    if (subkey_decode(slice_make(key, key_len), &user_key, &version, &field) != 0) return 0;
    size_t len = 0;
    char *rerr = NULL;
    char *raw = rocksdb_get_cf(db, e->read_opts, e->cf[CF_METADATA], user_key.ptr, user_key.len, &len, &rerr);
    if (rerr) {
        rocksdb_free(rerr);
        return 0; /* keep on doubt */
    }
    int drop = 1;
    metadata_t m;
    if (raw && meta_decode(slice_make(raw, len), &m) == 0 && m.type != TYPE_STRING && m.version == version &&
        !meta_is_expired(&m, clock_unix_ms()))
        drop = 0;
    rocksdb_free(raw);
    return (unsigned char)drop;
}

/* RocksDB calls a filter's destructor unconditionally; the state is the
 * engine, freed by engine_close. */
static void filter_state_keep(void *state) { (void)state; }

static int compression_from_name(const char *name) {
    if (!name || !strcmp(name, "no")) return rocksdb_no_compression;
    if (!strcmp(name, "snappy")) return rocksdb_snappy_compression;
    if (!strcmp(name, "zlib")) return rocksdb_zlib_compression;
    if (!strcmp(name, "lz4")) return rocksdb_lz4_compression;
    if (!strcmp(name, "zstd")) return rocksdb_zstd_compression;
    return rocksdb_no_compression;
}

/* Opens the database in e->dir with the options already in e. */
static int open_handles(engine_t *e, engine_err_t *err) {
    /* RocksDB insists on the "default" family being opened too; it holds
     * nothing of ours. */
    const char *all_names[CF_COUNT + 1];
    const rocksdb_options_t *all_opts[CF_COUNT + 1];
    rocksdb_column_family_handle_t *handles[CF_COUNT + 1];
    all_names[0] = "default";
    all_opts[0] = e->db_opts;
    for (int i = 0; i < CF_COUNT; i++) {
        all_names[i + 1] = cf_names[i];
        all_opts[i + 1] = e->cf_opts[i];
    }
    char *rerr = NULL;
    rocksdb_t *db = rocksdb_open_column_families(e->db_opts, e->dir, CF_COUNT + 1, all_names, all_opts, handles, &rerr);
    if (take_error(rerr, err, "cannot open RocksDB") != 0) return -1;
    rocksdb_column_family_handle_destroy(handles[0]);
    for (int i = 0; i < CF_COUNT; i++) e->cf[i] = handles[i + 1];
    __atomic_store_n(&e->db, db, __ATOMIC_RELEASE); /* last: the subkey filter checks it */
    return 0;
}

/* Flushes the memtables (best effort: the WAL has every acknowledged write
 * unless it is disabled) and closes the database. */
static void close_handles(engine_t *e) {
    if (!e->db) return;
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flushoptions_set_wait(fo, 1);
    for (int i = 0; i < CF_COUNT; i++) {
        char *rerr = NULL;
        rocksdb_flush_cf(e->db, fo, e->cf[i], &rerr);
        rocksdb_free(rerr);
    }
    rocksdb_flushoptions_destroy(fo);
    rocksdb_cancel_all_background_work(e->db, 1);
    for (int i = 0; i < CF_COUNT; i++) rocksdb_column_family_handle_destroy(e->cf[i]);
    rocksdb_t *db = e->db;
    __atomic_store_n(&e->db, NULL, __ATOMIC_RELEASE); /* the subkey filter checks it */
    rocksdb_close(db);
}

/* ---- recovery after write errors ---- */

/* Whether the disk takes writes again: writes (and fsyncs) a file of one
 * write buffer (at most 8 MiB) in the data directory — roughly what the
 * reopen needs to flush the recovered memtables. */
static int disk_takes_writes(engine_t *e) {
    char path[4096];
    snprintf(path, sizeof path, "%s/WRITE_PROBE", e->dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return 0;
    static const char chunk[64 * 1024];
    uint64_t want = e->write_buffer_bytes < (8u << 20) ? e->write_buffer_bytes : (8u << 20);
    int ok = 1;
    for (uint64_t done = 0; ok && done < want; done += sizeof chunk)
        ok = write(fd, chunk, sizeof chunk) == (ssize_t)sizeof chunk;
    ok = ok && fsync(fd) == 0;
    close(fd);
    unlink(path);
    return ok;
}

/* Closes and reopens the database under the write lock: RocksDB replays
 * the WAL (every acknowledged write) and starts a fresh one. Reads wait
 * meanwhile. If the open fails the database stays closed and the open is
 * retried every second, so nothing runs against a half-open database. */
static int reopen(engine_t *e) {
    pthread_rwlock_wrlock(&e->lock);
    close_handles(e);
    int rc = -1;
    for (;;) {
        engine_err_t err;
        if (open_handles(e, &err) == 0) {
            rc = 0;
            break;
        }
        log_warning("storage: reopening the database failed, retrying: %s", err.msg);
        pthread_mutex_lock(&e->error_lock);
        int closing = e->closing;
        pthread_mutex_unlock(&e->error_lock);
        if (closing) break;
        sleep(1);
    }
    if (rc == 0) {
        atomic_fetch_add(&e->recoveries, 1);
        atomic_store(&e->write_failing, 0);
        log_warning("storage: database reopened, writes work again (%llu writes failed so far)",
                    (unsigned long long)atomic_load(&e->write_errors));
    }
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

/* Once a second, checks whether the disk takes writes again and, when it
 * does, reopens the database. Ends on success or when the engine closes. */
static void *recovery_main(void *arg) {
    engine_t *e = arg;
    pthread_mutex_lock(&e->error_lock);
    while (!e->closing) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&e->recovery_wake, &e->error_lock, &until);
        if (e->closing) break;
        pthread_mutex_unlock(&e->error_lock);
        int done = disk_takes_writes(e) && reopen(e) == 0;
        pthread_mutex_lock(&e->error_lock);
        if (done) break;
    }
    e->recovery_running = 0;
    pthread_mutex_unlock(&e->error_lock);
    return NULL;
}

/* ---- open / close ---- */

int engine_open(const engine_options_t *o, engine_t **out, engine_err_t *err) {
    engine_t *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    e->write_buffer_bytes = o->write_buffer_bytes;
    pthread_mutex_init(&e->error_lock, NULL);
    pthread_cond_init(&e->recovery_wake, NULL);
    pthread_rwlock_init(&e->lock, NULL); /* glibc's default prefers readers: nested read locks are safe */
    e->cache = rocksdb_cache_create_lru(o->block_cache_bytes);
    e->table_opts = rocksdb_block_based_options_create();
    rocksdb_block_based_options_set_block_cache(e->table_opts, e->cache);
    rocksdb_block_based_options_set_filter_policy(e->table_opts, rocksdb_filterpolicy_create_bloom(10));
    rocksdb_block_based_options_set_cache_index_and_filter_blocks(e->table_opts, 1);
    rocksdb_block_based_options_set_pin_l0_filter_and_index_blocks_in_cache(e->table_opts, 1);

    e->db_opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(e->db_opts, 1);
    rocksdb_options_set_create_missing_column_families(e->db_opts, 1);
    rocksdb_options_set_max_open_files(e->db_opts, o->max_open_files);
    rocksdb_options_set_max_background_jobs(e->db_opts, o->max_background_jobs);
    rocksdb_options_set_bytes_per_sync(e->db_opts, 1 << 20);
    rocksdb_options_set_keep_log_file_num(e->db_opts, 4);
    /* The unused "default" family too: after a full disk RocksDB resumes
     * writes once the largest family's write buffer fits on the disk, and
     * RocksDB's own default (64 MiB) would count here otherwise. */
    rocksdb_options_set_write_buffer_size(e->db_opts, o->write_buffer_bytes);
    /* Debian's librocksdb is built with assertions: once a write to the
     * info LOG fails (a full disk), its next line aborts the process. At
     * "fatal" nothing but the header written at open reaches the LOG, so a
     * full disk stays an error reply (docs/durability.md). */
    rocksdb_options_set_info_log_level(e->db_opts, o->info_log_level);

    for (int i = 0; i < CF_COUNT; i++) {
        rocksdb_options_t *co = rocksdb_options_create_copy(e->db_opts);
        rocksdb_options_set_block_based_table_factory(co, e->table_opts);
        rocksdb_options_set_write_buffer_size(co, o->write_buffer_bytes);
        rocksdb_options_set_max_write_buffer_number(co, 4);
        rocksdb_options_set_compression(co, compression_from_name(o->compression));
        rocksdb_options_set_level_compaction_dynamic_level_bytes(co, 1);
        /* A whole-key bloom filter per memtable: a GET of a key that a
         * memtable lacks (most keys, once data outgrows one memtable) skips
         * that memtable's skiplist search, which was over half of the time
         * of random GETs (docs/benchmarks.md). Costs 10% of the memtable
         * size, taken from the memtable's own arena, so only where point
         * reads happen: the score family is only ever iterated. */
        if (i != CF_ZSET_SCORE) {
            rocksdb_options_set_memtable_prefix_bloom_size_ratio(co, 0.1);
            rocksdb_options_set_memtable_whole_key_filtering(co, 1);
        }
        if (i == CF_METADATA)
            e->filters[i] = rocksdb_compactionfilter_create(e, filter_state_keep, filter_metadata, filter_name_metadata);
        else
            e->filters[i] = rocksdb_compactionfilter_create(e, filter_state_keep, filter_subkeys, filter_name_subkeys);
        rocksdb_options_set_compaction_filter(co, e->filters[i]);
        e->cf_opts[i] = co;
    }
    e->read_opts = rocksdb_readoptions_create();
    e->write_opts = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(e->write_opts, (unsigned char)o->sync_writes);
    rocksdb_writeoptions_disable_WAL(e->write_opts, o->disable_wal);
    e->dir = strdup(o->dir);
    if (!e->dir) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        engine_close(e);
        return -1;
    }
    if (open_handles(e, err) != 0) {
        engine_close(e);
        return -1;
    }
    *out = e;
    return 0;
}

void engine_close(engine_t *e) {
    if (!e) return;
    pthread_mutex_lock(&e->error_lock);
    e->closing = 1;
    pthread_cond_broadcast(&e->recovery_wake);
    int join = e->recovery_joinable;
    pthread_mutex_unlock(&e->error_lock);
    if (join) pthread_join(e->recovery_thread, NULL);
    close_handles(e);
    for (int i = 0; i < CF_COUNT; i++) {
        if (e->cf_opts[i]) rocksdb_options_destroy(e->cf_opts[i]);
        if (e->filters[i]) rocksdb_compactionfilter_destroy(e->filters[i]);
    }
    if (e->read_opts) rocksdb_readoptions_destroy(e->read_opts);
    if (e->write_opts) rocksdb_writeoptions_destroy(e->write_opts);
    if (e->db_opts) rocksdb_options_destroy(e->db_opts);
    if (e->table_opts) rocksdb_block_based_options_destroy(e->table_opts);
    if (e->cache) rocksdb_cache_destroy(e->cache);
    pthread_mutex_destroy(&e->error_lock);
    pthread_cond_destroy(&e->recovery_wake);
    pthread_rwlock_destroy(&e->lock);
    free(e->dir);
    free(e);
}

void engine_set_sync(engine_t *e, int sync_writes) {
    /* A plain flag in WriteOptions; a racing writer sees either value. */
    rocksdb_writeoptions_set_sync(e->write_opts, (unsigned char)sync_writes);
}

/* ---- point reads and writes ---- */

int engine_get(engine_t *e, enum engine_cf cf, slice_t key, buf_t *value, engine_err_t *err) {
    char *rerr = NULL;
    pthread_rwlock_rdlock(&e->lock);
    rocksdb_pinnableslice_t *p = rocksdb_get_pinned_cf(e->db, e->read_opts, e->cf[cf], key.ptr, key.len, &rerr);
    if (take_error(rerr, err, "read failed") != 0) {
        pthread_rwlock_unlock(&e->lock);
        return -1;
    }
    if (!p) {
        pthread_rwlock_unlock(&e->lock);
        return 0;
    }
    size_t len = 0;
    const char *data = rocksdb_pinnableslice_value(p, &len);
    buf_clear(value);
    buf_append(value, data, len);
    rocksdb_pinnableslice_destroy(p);
    pthread_rwlock_unlock(&e->lock);
    return 1;
}

engine_batch_t *engine_batch_new(engine_t *e) {
    engine_batch_t *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->wb = rocksdb_writebatch_create();
    b->e = e;
    return b;
}

void engine_batch_free(engine_batch_t *b) {
    if (!b) return;
    rocksdb_writebatch_destroy(b->wb);
    free(b);
}

void engine_batch_clear(engine_batch_t *b) { rocksdb_writebatch_clear(b->wb); }

/* The batch records the family's id, read from the handle: the handle
 * must not be swapped by a reopen meanwhile. */
void engine_batch_put(engine_batch_t *b, enum engine_cf cf, slice_t key, slice_t value) {
    pthread_rwlock_rdlock(&b->e->lock);
    rocksdb_writebatch_put_cf(b->wb, b->e->cf[cf], key.ptr, key.len, value.ptr, value.len);
    pthread_rwlock_unlock(&b->e->lock);
}

void engine_batch_delete(engine_batch_t *b, enum engine_cf cf, slice_t key) {
    pthread_rwlock_rdlock(&b->e->lock);
    rocksdb_writebatch_delete_cf(b->wb, b->e->cf[cf], key.ptr, key.len);
    pthread_rwlock_unlock(&b->e->lock);
}

int engine_batch_count(engine_batch_t *b) { return rocksdb_writebatch_count(b->wb); }

int engine_write(engine_t *e, engine_batch_t *b, engine_err_t *err) {
    if (atomic_load_explicit(&e->write_failing, memory_order_acquire)) return write_refused(e, err, "write failed");
    char *rerr = NULL;
    pthread_rwlock_rdlock(&e->lock);
    rocksdb_write(e->db, e->write_opts, b->wb, &rerr);
    pthread_rwlock_unlock(&e->lock);
    if (write_outcome(e, rerr, err, "write failed") != 0) return -1;
    atomic_fetch_add_explicit(&e->writes, 1, memory_order_relaxed);
    return 0;
}

int engine_put(engine_t *e, enum engine_cf cf, slice_t key, slice_t value, engine_err_t *err) {
    if (atomic_load_explicit(&e->write_failing, memory_order_acquire)) return write_refused(e, err, "write failed");
    char *rerr = NULL;
    pthread_rwlock_rdlock(&e->lock);
    rocksdb_put_cf(e->db, e->write_opts, e->cf[cf], key.ptr, key.len, value.ptr, value.len, &rerr);
    pthread_rwlock_unlock(&e->lock);
    if (write_outcome(e, rerr, err, "write failed") != 0) return -1;
    atomic_fetch_add_explicit(&e->writes, 1, memory_order_relaxed);
    return 0;
}

uint64_t engine_writes(engine_t *e) { return atomic_load_explicit(&e->writes, memory_order_relaxed); }

void engine_write_health(engine_t *e, engine_write_health_t *out) {
    memset(out, 0, sizeof *out);
    out->failing = atomic_load(&e->write_failing);
    out->errors = atomic_load_explicit(&e->write_errors, memory_order_relaxed);
    pthread_mutex_lock(&e->error_lock);
    snprintf(out->last_error, sizeof out->last_error, "%s", e->last_write_error);
    out->last_error_ms = e->last_write_error_ms;
    pthread_mutex_unlock(&e->error_lock);
    out->recoveries = atomic_load(&e->recoveries);
    uint64_t bg = 0;
    pthread_rwlock_rdlock(&e->lock);
    if (rocksdb_property_int(e->db, "rocksdb.background-errors", &bg) == 0) out->background_errors = bg;
    pthread_rwlock_unlock(&e->lock);
}

/* ---- iteration ---- */

static engine_iter_t *iter_new(engine_t *e, enum engine_cf cf, int fill_cache) {
    engine_iter_t *it = calloc(1, sizeof *it);
    if (!it) return NULL;
    it->e = e;
    /* Held until engine_iter_free: the iterator pins this database. */
    pthread_rwlock_rdlock(&e->lock);
    it->snap = rocksdb_create_snapshot(e->db);
    it->ro = rocksdb_readoptions_create();
    rocksdb_readoptions_set_snapshot(it->ro, it->snap);
    rocksdb_readoptions_set_fill_cache(it->ro, (unsigned char)fill_cache);
    it->it = rocksdb_create_iterator_cf(e->db, it->ro, e->cf[cf]);
    return it;
}

engine_iter_t *engine_iter_new(engine_t *e, enum engine_cf cf) { return iter_new(e, cf, 1); }
engine_iter_t *engine_iter_new_bulk(engine_t *e, enum engine_cf cf) { return iter_new(e, cf, 0); }

void engine_iter_free(engine_iter_t *it) {
    if (!it) return;
    rocksdb_iter_destroy(it->it);
    rocksdb_readoptions_destroy(it->ro);
    rocksdb_release_snapshot(it->e->db, it->snap);
    pthread_rwlock_unlock(&it->e->lock);
    free(it);
}

void engine_iter_seek(engine_iter_t *it, slice_t key) { rocksdb_iter_seek(it->it, key.ptr, key.len); }
void engine_iter_seek_first(engine_iter_t *it) { rocksdb_iter_seek_to_first(it->it); }
void engine_iter_seek_last(engine_iter_t *it) { rocksdb_iter_seek_to_last(it->it); }
int engine_iter_valid(engine_iter_t *it) { return rocksdb_iter_valid(it->it); }
void engine_iter_next(engine_iter_t *it) { rocksdb_iter_next(it->it); }
void engine_iter_prev(engine_iter_t *it) { rocksdb_iter_prev(it->it); }
void engine_iter_seek_for_prev(engine_iter_t *it, slice_t key) { rocksdb_iter_seek_for_prev(it->it, key.ptr, key.len); }

slice_t engine_iter_key(engine_iter_t *it) {
    size_t len;
    const char *p = rocksdb_iter_key(it->it, &len);
    return slice_make(p, len);
}

slice_t engine_iter_value(engine_iter_t *it) {
    size_t len;
    const char *p = rocksdb_iter_value(it->it, &len);
    return slice_make(p, len);
}

int engine_iter_error(engine_iter_t *it, engine_err_t *err) {
    char *rerr = NULL;
    rocksdb_iter_get_error(it->it, &rerr);
    return take_error(rerr, err, "iteration failed");
}

/* ---- whole-database operations ---- */

static int delete_all_locked(engine_t *e, engine_err_t *err);

int engine_delete_all(engine_t *e, engine_err_t *err) {
    if (atomic_load_explicit(&e->write_failing, memory_order_acquire)) return write_refused(e, err, "flush failed");
    pthread_rwlock_rdlock(&e->lock);
    int rc = delete_all_locked(e, err);
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

static int delete_all_locked(engine_t *e, engine_err_t *err) {
    for (int i = 0; i < CF_COUNT; i++) {
        rocksdb_iterator_t *it = rocksdb_create_iterator_cf(e->db, e->read_opts, e->cf[i]);
        rocksdb_iter_seek_to_last(it);
        if (!rocksdb_iter_valid(it)) {
            rocksdb_iter_destroy(it);
            continue;
        }
        size_t len;
        const char *last = rocksdb_iter_key(it, &len);
        /* The range end is exclusive: the last key plus a zero byte is the
         * smallest key above it. */
        char *end = malloc(len + 1);
        if (!end) {
            rocksdb_iter_destroy(it);
            snprintf(err->msg, sizeof err->msg, "out of memory");
            return -1;
        }
        memcpy(end, last, len);
        end[len] = '\0';
        rocksdb_iter_destroy(it);
        char *rerr = NULL;
        rocksdb_delete_range_cf(e->db, e->write_opts, e->cf[i], "", 0, end, len + 1, &rerr);
        if (rerr == NULL) {
            /* Range tombstones slow every later read until compacted away
             * (each FLUSHALL added one): compact the range now. With the
             * data deleted this mostly drops whole files. */
            rocksdb_compact_range_cf(e->db, e->cf[i], "", 0, end, len + 1);
        }
        free(end);
        if (write_outcome(e, rerr, err, "flush failed") != 0) return -1;
    }
    atomic_fetch_add_explicit(&e->writes, 1, memory_order_relaxed);
    return 0;
}

int engine_compact_all(engine_t *e, engine_err_t *err) {
    (void)err;
    pthread_rwlock_rdlock(&e->lock);
    for (int i = 0; i < CF_COUNT; i++) rocksdb_compact_range_cf(e->db, e->cf[i], NULL, 0, NULL, 0);
    pthread_rwlock_unlock(&e->lock);
    return 0;
}

int engine_flush(engine_t *e, engine_err_t *err) {
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flushoptions_set_wait(fo, 1);
    int rc = 0;
    pthread_rwlock_rdlock(&e->lock);
    for (int i = 0; i < CF_COUNT && rc == 0; i++) {
        char *rerr = NULL;
        rocksdb_flush_cf(e->db, fo, e->cf[i], &rerr);
        rc = take_error(rerr, err, "flush failed");
    }
    pthread_rwlock_unlock(&e->lock);
    rocksdb_flushoptions_destroy(fo);
    return rc;
}

int engine_property_int(engine_t *e, enum engine_cf cf, const char *name, uint64_t *value) {
    pthread_rwlock_rdlock(&e->lock);
    int found = rocksdb_property_int_cf(e->db, e->cf[cf], name, value) == 0;
    pthread_rwlock_unlock(&e->lock);
    return found;
}

char *engine_property_str(engine_t *e, enum engine_cf cf, const char *name) {
    pthread_rwlock_rdlock(&e->lock);
    char *v = rocksdb_property_value_cf(e->db, e->cf[cf], name);
    pthread_rwlock_unlock(&e->lock);
    if (!v) return NULL;
    char *copy = strdup(v);
    rocksdb_free(v);
    return copy;
}

void engine_memory(engine_t *e, engine_memory_t *out) {
    memset(out, 0, sizeof *out);
    pthread_rwlock_rdlock(&e->lock);
    for (int i = 0; i < CF_COUNT; i++) {
        uint64_t v = 0;
        if (rocksdb_property_int_cf(e->db, e->cf[i], "rocksdb.cur-size-all-mem-tables", &v) == 0) out->memtables += v;
        v = 0;
        if (rocksdb_property_int_cf(e->db, e->cf[i], "rocksdb.estimate-table-readers-mem", &v) == 0)
            out->table_readers += v;
    }
    pthread_rwlock_unlock(&e->lock);
    out->block_cache_usage = rocksdb_cache_get_usage(e->cache);
    out->block_cache_capacity = rocksdb_cache_get_capacity(e->cache);
    out->block_cache_pinned = rocksdb_cache_get_pinned_usage(e->cache);
    out->memtable_budget = e->write_buffer_bytes * 4 * CF_COUNT;
}

uint64_t engine_block_cache_usage(engine_t *e) { return rocksdb_cache_get_usage(e->cache); }
uint64_t engine_block_cache_capacity(engine_t *e) { return rocksdb_cache_get_capacity(e->cache); }

void engine_thread_init(void) {
    /* RocksDB's default level, kEnableCount (2), bumps a thread-local
     * counter on each key comparison (~13% of a pipelined SET's
     * instructions, docs/benchmarks.md); kDisable is 1. */
    rocksdb_set_perf_level(1);
}
