#include "storage/engine.h"

#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/encoding.h"
#include "util/clock.h"

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
    if (!e->db) return 0;
    slice_t user_key, field;
    uint64_t version;
    if (subkey_decode(slice_make(key, key_len), &user_key, &version, &field) != 0) return 0;
    size_t len = 0;
    char *rerr = NULL;
    char *raw = rocksdb_get_cf(e->db, e->read_opts, e->cf[CF_METADATA], user_key.ptr, user_key.len, &len, &rerr);
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

/* ---- open / close ---- */

static int compression_from_name(const char *name) {
    if (!name || !strcmp(name, "no")) return rocksdb_no_compression;
    if (!strcmp(name, "snappy")) return rocksdb_snappy_compression;
    if (!strcmp(name, "zlib")) return rocksdb_zlib_compression;
    if (!strcmp(name, "lz4")) return rocksdb_lz4_compression;
    if (!strcmp(name, "zstd")) return rocksdb_zstd_compression;
    return rocksdb_no_compression;
}

int engine_open(const engine_options_t *o, engine_t **out, engine_err_t *err) {
    engine_t *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    e->write_buffer_bytes = o->write_buffer_bytes;
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

    const char *names[CF_COUNT];
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
         * size, taken from the memtable's own arena. */
        rocksdb_options_set_memtable_prefix_bloom_size_ratio(co, 0.1);
        rocksdb_options_set_memtable_whole_key_filtering(co, 1);
        if (i == CF_METADATA)
            e->filters[i] = rocksdb_compactionfilter_create(e, filter_state_keep, filter_metadata, filter_name_metadata);
        else
            e->filters[i] = rocksdb_compactionfilter_create(e, filter_state_keep, filter_subkeys, filter_name_subkeys);
        rocksdb_options_set_compaction_filter(co, e->filters[i]);
        e->cf_opts[i] = co;
        names[i] = cf_names[i];
    }
    /* RocksDB insists on the "default" family being opened too; it holds
     * nothing of ours. */
    const char *all_names[CF_COUNT + 1];
    const rocksdb_options_t *all_opts[CF_COUNT + 1];
    rocksdb_column_family_handle_t *handles[CF_COUNT + 1];
    all_names[0] = "default";
    all_opts[0] = e->db_opts;
    for (int i = 0; i < CF_COUNT; i++) {
        all_names[i + 1] = names[i];
        all_opts[i + 1] = e->cf_opts[i];
    }
    char *rerr = NULL;
    rocksdb_t *db = rocksdb_open_column_families(e->db_opts, o->dir, CF_COUNT + 1, all_names, all_opts, handles, &rerr);
    if (take_error(rerr, err, "cannot open RocksDB") != 0) {
        e->db = NULL;
        engine_close(e);
        return -1;
    }
    rocksdb_column_family_handle_destroy(handles[0]);
    for (int i = 0; i < CF_COUNT; i++) e->cf[i] = handles[i + 1];

    e->read_opts = rocksdb_readoptions_create();
    e->write_opts = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(e->write_opts, (unsigned char)o->sync_writes);
    rocksdb_writeoptions_disable_WAL(e->write_opts, o->disable_wal);
    e->db = db; /* last: the subkey filter checks it */
    *out = e;
    return 0;
}

void engine_close(engine_t *e) {
    if (!e) return;
    if (e->db) {
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
        rocksdb_close(e->db);
    }
    for (int i = 0; i < CF_COUNT; i++) {
        if (e->cf_opts[i]) rocksdb_options_destroy(e->cf_opts[i]);
        if (e->filters[i]) rocksdb_compactionfilter_destroy(e->filters[i]);
    }
    if (e->read_opts) rocksdb_readoptions_destroy(e->read_opts);
    if (e->write_opts) rocksdb_writeoptions_destroy(e->write_opts);
    if (e->db_opts) rocksdb_options_destroy(e->db_opts);
    if (e->table_opts) rocksdb_block_based_options_destroy(e->table_opts);
    if (e->cache) rocksdb_cache_destroy(e->cache);
    free(e);
}

void engine_set_sync(engine_t *e, int sync_writes) {
    /* A plain flag in WriteOptions; a racing writer sees either value. */
    rocksdb_writeoptions_set_sync(e->write_opts, (unsigned char)sync_writes);
}

/* ---- point reads and writes ---- */

int engine_get(engine_t *e, enum engine_cf cf, slice_t key, buf_t *value, engine_err_t *err) {
    char *rerr = NULL;
    rocksdb_pinnableslice_t *p = rocksdb_get_pinned_cf(e->db, e->read_opts, e->cf[cf], key.ptr, key.len, &rerr);
    if (take_error(rerr, err, "read failed") != 0) return -1;
    if (!p) return 0;
    size_t len = 0;
    const char *data = rocksdb_pinnableslice_value(p, &len);
    buf_clear(value);
    buf_append(value, data, len);
    rocksdb_pinnableslice_destroy(p);
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

void engine_batch_put(engine_batch_t *b, enum engine_cf cf, slice_t key, slice_t value) {
    rocksdb_writebatch_put_cf(b->wb, b->e->cf[cf], key.ptr, key.len, value.ptr, value.len);
}

void engine_batch_delete(engine_batch_t *b, enum engine_cf cf, slice_t key) {
    rocksdb_writebatch_delete_cf(b->wb, b->e->cf[cf], key.ptr, key.len);
}

int engine_batch_count(engine_batch_t *b) { return rocksdb_writebatch_count(b->wb); }

int engine_write(engine_t *e, engine_batch_t *b, engine_err_t *err) {
    char *rerr = NULL;
    rocksdb_write(e->db, e->write_opts, b->wb, &rerr);
    if (take_error(rerr, err, "write failed") != 0) return -1;
    atomic_fetch_add_explicit(&e->writes, 1, memory_order_relaxed);
    return 0;
}

int engine_put(engine_t *e, enum engine_cf cf, slice_t key, slice_t value, engine_err_t *err) {
    char *rerr = NULL;
    rocksdb_put_cf(e->db, e->write_opts, e->cf[cf], key.ptr, key.len, value.ptr, value.len, &rerr);
    if (take_error(rerr, err, "write failed") != 0) return -1;
    atomic_fetch_add_explicit(&e->writes, 1, memory_order_relaxed);
    return 0;
}

uint64_t engine_writes(engine_t *e) { return atomic_load_explicit(&e->writes, memory_order_relaxed); }

/* ---- iteration ---- */

static engine_iter_t *iter_new(engine_t *e, enum engine_cf cf, int fill_cache) {
    engine_iter_t *it = calloc(1, sizeof *it);
    if (!it) return NULL;
    it->e = e;
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

int engine_delete_all(engine_t *e, engine_err_t *err) {
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
        if (take_error(rerr, err, "flush failed") != 0) return -1;
    }
    atomic_fetch_add_explicit(&e->writes, 1, memory_order_relaxed);
    return 0;
}

int engine_compact_all(engine_t *e, engine_err_t *err) {
    (void)err;
    for (int i = 0; i < CF_COUNT; i++) rocksdb_compact_range_cf(e->db, e->cf[i], NULL, 0, NULL, 0);
    return 0;
}

int engine_flush(engine_t *e, engine_err_t *err) {
    rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
    rocksdb_flushoptions_set_wait(fo, 1);
    int rc = 0;
    for (int i = 0; i < CF_COUNT && rc == 0; i++) {
        char *rerr = NULL;
        rocksdb_flush_cf(e->db, fo, e->cf[i], &rerr);
        rc = take_error(rerr, err, "flush failed");
    }
    rocksdb_flushoptions_destroy(fo);
    return rc;
}

int engine_property_int(engine_t *e, enum engine_cf cf, const char *name, uint64_t *value) {
    return rocksdb_property_int_cf(e->db, e->cf[cf], name, value) == 0;
}

char *engine_property_str(engine_t *e, enum engine_cf cf, const char *name) {
    char *v = rocksdb_property_value_cf(e->db, e->cf[cf], name);
    if (!v) return NULL;
    char *copy = strdup(v);
    rocksdb_free(v);
    return copy;
}

void engine_memory(engine_t *e, engine_memory_t *out) {
    memset(out, 0, sizeof *out);
    for (int i = 0; i < CF_COUNT; i++) {
        uint64_t v = 0;
        if (rocksdb_property_int_cf(e->db, e->cf[i], "rocksdb.cur-size-all-mem-tables", &v) == 0) out->memtables += v;
        v = 0;
        if (rocksdb_property_int_cf(e->db, e->cf[i], "rocksdb.estimate-table-readers-mem", &v) == 0)
            out->table_readers += v;
    }
    out->block_cache_usage = rocksdb_cache_get_usage(e->cache);
    out->block_cache_capacity = rocksdb_cache_get_capacity(e->cache);
    out->block_cache_pinned = rocksdb_cache_get_pinned_usage(e->cache);
    out->memtable_budget = e->write_buffer_bytes * 4 * CF_COUNT;
}

uint64_t engine_block_cache_usage(engine_t *e) { return rocksdb_cache_get_usage(e->cache); }
uint64_t engine_block_cache_capacity(engine_t *e) { return rocksdb_cache_get_capacity(e->cache); }
