#ifndef BASALT_STORAGE_ENGINE_H
#define BASALT_STORAGE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/slice.h"

/* The RocksDB engine: the only file that sees <rocksdb/c.h>. Everything
 * above it uses these small handle types. All functions are thread-safe
 * (RocksDB is); handles returned by *_new are freed by the caller with the
 * matching *_free. Fallible functions return 0 on success and -1 on error
 * with a message in err. */

enum engine_cf { CF_METADATA = 0, CF_SUBKEYS = 1, CF_ZSET_SCORE = 2, CF_COUNT = 3 };

typedef struct engine engine_t;
typedef struct engine_batch engine_batch_t;
typedef struct engine_iter engine_iter_t;

typedef struct engine_err {
    char msg[256];
} engine_err_t;

typedef struct engine_options {
    const char *dir;
    uint64_t block_cache_bytes;
    uint64_t write_buffer_bytes;
    int max_open_files;
    int max_background_jobs;
    const char *compression; /* no, snappy, lz4, zstd, zlib */
    int sync_writes;         /* fsync the WAL on every write */
    int disable_wal;
    int info_log_level; /* RocksDB's InfoLogLevel: 0 = debug ... 4 = fatal, 5 = header */
} engine_options_t;

/* Per-thread set-up for a thread that will call into the engine (workers,
 * background jobs): switches off RocksDB's per-thread perf counters, which
 * otherwise count every key comparison of every memtable search. */
void engine_thread_init(void);

int engine_open(const engine_options_t *opts, engine_t **out, engine_err_t *err);
/* Flushes memtables and closes. Safe with NULL. */
void engine_close(engine_t *e);

/* Sets write durability at run time (CONFIG SET). */
void engine_set_sync(engine_t *e, int sync_writes);

/* Reads key from a column family into value (replacing its contents).
 * Returns 1 when found, 0 when absent, -1 on error. */
int engine_get(engine_t *e, enum engine_cf cf, slice_t key, buf_t *value, engine_err_t *err);

/* A batch for writes to engine e (which must outlive it). */
engine_batch_t *engine_batch_new(engine_t *e);
void engine_batch_free(engine_batch_t *b);
void engine_batch_clear(engine_batch_t *b);
void engine_batch_put(engine_batch_t *b, enum engine_cf cf, slice_t key, slice_t value);
void engine_batch_delete(engine_batch_t *b, enum engine_cf cf, slice_t key);
int engine_batch_count(engine_batch_t *b);
/* Applies a batch atomically. */
int engine_write(engine_t *e, engine_batch_t *b, engine_err_t *err);
/* One put or delete, written alone (a batch of one). */
int engine_put(engine_t *e, enum engine_cf cf, slice_t key, slice_t value, engine_err_t *err);

/* Iterators see a consistent snapshot taken at creation. Key and value
 * views are valid until the next move or engine_iter_free. */
engine_iter_t *engine_iter_new(engine_t *e, enum engine_cf cf);
/* Same for whole-keyspace scans (KEYS, SCAN, DBSIZE, RENAME copies): the
 * blocks read do not displace the block cache's working set. */
engine_iter_t *engine_iter_new_bulk(engine_t *e, enum engine_cf cf);
void engine_iter_free(engine_iter_t *it);
void engine_iter_seek(engine_iter_t *it, slice_t key);
void engine_iter_seek_first(engine_iter_t *it);
void engine_iter_seek_last(engine_iter_t *it);
int engine_iter_valid(engine_iter_t *it);
void engine_iter_next(engine_iter_t *it);
void engine_iter_prev(engine_iter_t *it);
/* Positions on the last key <= key. */
void engine_iter_seek_for_prev(engine_iter_t *it, slice_t key);
slice_t engine_iter_key(engine_iter_t *it);
slice_t engine_iter_value(engine_iter_t *it);
int engine_iter_error(engine_iter_t *it, engine_err_t *err);

/* Deletes every key of every column family. */
int engine_delete_all(engine_t *e, engine_err_t *err);
/* Full manual compaction of every column family. */
int engine_compact_all(engine_t *e, engine_err_t *err);
int engine_flush(engine_t *e, engine_err_t *err);

/* A RocksDB property of one column family ("rocksdb.estimate-num-keys");
 * returns 1 and fills *value when it exists. */
int engine_property_int(engine_t *e, enum engine_cf cf, const char *name, uint64_t *value);
/* Same for string-valued properties: the result is malloc'd, caller frees. */
char *engine_property_str(engine_t *e, enum engine_cf cf, const char *name);
uint64_t engine_block_cache_usage(engine_t *e);
uint64_t engine_block_cache_capacity(engine_t *e);
const char *engine_cf_name(enum engine_cf cf);
/* RocksDB's memory, by component, summed over column families. */
typedef struct engine_memory {
    uint64_t memtables;      /* active and immutable memtables */
    uint64_t table_readers;  /* index and filter blocks outside the block cache */
    uint64_t block_cache_usage;
    uint64_t block_cache_capacity;
    uint64_t block_cache_pinned;
    uint64_t memtable_budget; /* write_buffer_size * max_write_buffer_number * families */
} engine_memory_t;
void engine_memory(engine_t *e, engine_memory_t *out);

/* Number of WriteBatches applied since open. */
uint64_t engine_writes(engine_t *e);

/* Whether writes work, for INFO and operators. */
typedef struct engine_write_health {
    int failing;                 /* the most recent write failed */
    uint64_t errors;             /* failed writes since open */
    uint64_t background_errors;  /* RocksDB's count of background errors since this open */
    uint64_t recoveries;         /* reopens that brought writes back */
    char last_error[256];        /* RocksDB's message of the last failure, "" if none */
    int64_t last_error_ms;       /* when (Unix ms), 0 if never */
} engine_write_health_t;
void engine_write_health(engine_t *e, engine_write_health_t *out);

#endif
