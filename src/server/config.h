#ifndef BASALT_SERVER_CONFIG_H
#define BASALT_SERVER_CONFIG_H

#include <stddef.h>

#include "util/buf.h"

/* The configuration table: one row per key drives the config file parser,
 * the command line, CONFIG GET/SET/REWRITE and docs/configuration.md.
 * X(id, name, type, mutable, default, min, max, enum values, description)
 * Memory values accept Redis units (k, kb, m, mb, g, gb); the rocksdb.*
 * sizes are in MiB as in Kvrocks. */
#define CONFIG_TABLE(X)                                                                                          \
    X(PORT, "port", CFG_INT, 0, "6666", 0, 65535, NULL, "TCP port to listen on")                                 \
    X(BIND, "bind", CFG_STRING, 0, "127.0.0.1", 0, 0, NULL, "addresses to listen on, separated by spaces")       \
    X(DIR, "dir", CFG_STRING, 0, "./data", 0, 0, NULL, "data directory (RocksDB files)")                        \
    X(WORKERS, "workers", CFG_INT, 0, "0", 0, 256, NULL, "worker threads; 0 = one per core")                     \
    X(REQUIREPASS, "requirepass", CFG_STRING, 1, "", 0, 0, NULL, "password clients must AUTH with; empty = none") \
    X(MAXCLIENTS, "maxclients", CFG_INT, 1, "10000", 1, 1000000, NULL, "most simultaneous clients")              \
    X(TIMEOUT, "timeout", CFG_INT, 1, "0", 0, 2147483647, NULL, "close clients idle this many seconds; 0 = never") \
    X(TCP_BACKLOG, "tcp-backlog", CFG_INT, 0, "511", 1, 65535, NULL, "listen() backlog")                         \
    X(TCP_KEEPALIVE, "tcp-keepalive", CFG_INT, 1, "300", 0, 2147483647, NULL, "TCP keepalive seconds; 0 = off") \
    X(LOGLEVEL, "loglevel", CFG_ENUM, 1, "notice", 0, 0, config_loglevels, "debug, verbose, notice or warning")  \
    X(LOGFILE, "logfile", CFG_STRING, 0, "", 0, 0, NULL, "log file; empty = standard error")                    \
    X(PIDFILE, "pidfile", CFG_STRING, 0, "", 0, 0, NULL, "file to write the process id to; empty = none")        \
    X(PROTO_MAX_BULK_LEN, "proto-max-bulk-len", CFG_MEMORY, 1, "512mb", 1024 * 1024, 4294967296LL, NULL,         \
      "largest bulk string a client may send, and largest string value")                                         \
    X(CLIENT_QUERY_BUFFER_LIMIT, "client-query-buffer-limit", CFG_MEMORY, 1, "1gb", 1024 * 1024, 4294967296LL,   \
      NULL, "largest query buffer of one client")                                                                 \
    X(SLOWLOG_LOG_SLOWER_THAN, "slowlog-log-slower-than", CFG_INT, 1, "10000", -1, 9223372036854775807LL, NULL,  \
      "log commands slower than this many microseconds; -1 = off")                                               \
    X(SLOWLOG_MAX_LEN, "slowlog-max-len", CFG_INT, 1, "128", 0, 1000000, NULL, "entries kept in the slow log")   \
    X(ENABLE_DEBUG_COMMAND, "enable-debug-command", CFG_BOOL, 0, "no", 0, 1, NULL, "allow the DEBUG command")     \
    X(PROFILING_DIR, "profiling-dir", CFG_STRING, 0, "", 0, 0, NULL,                                             \
      "where KPROFILE MEMORY DUMP writes heap profiles; empty = <dir>/profiles (created on demand)")             \
    X(PROFILING_DUMP_DIRS, "profiling-dump-dirs", CFG_STRING, 0, "/tmp", 0, 0, NULL,                               \
      "other absolute directories a client may name in KPROFILE MEMORY DUMP <dir>, separated by spaces")         \
    X(ROCKSDB_BLOCK_CACHE_SIZE, "rocksdb.block_cache_size", CFG_INT, 0, "256", 1, 1048576, NULL,                 \
      "block cache size in MiB")                                                                                 \
    X(ROCKSDB_WRITE_BUFFER_SIZE, "rocksdb.write_buffer_size", CFG_INT, 0, "64", 1, 65536, NULL,                  \
      "memtable size per column family in MiB")                                                                 \
    X(ROCKSDB_MAX_OPEN_FILES, "rocksdb.max_open_files", CFG_INT, 0, "8096", -1, 1000000, NULL,                   \
      "table files kept open; -1 = all")                                                                         \
    X(ROCKSDB_MAX_BACKGROUND_JOBS, "rocksdb.max_background_jobs", CFG_INT, 0, "4", 1, 64, NULL,                  \
      "background flush and compaction threads")                                                                \
    X(ROCKSDB_COMPRESSION, "rocksdb.compression", CFG_ENUM, 0, "lz4", 0, 0, config_compressions,                 \
      "no, snappy, lz4, zstd or zlib")                                                                           \
    X(ROCKSDB_SYNC, "rocksdb.write_options.sync", CFG_BOOL, 1, "no", 0, 1, NULL,                                  \
      "fsync the WAL before acknowledging each write")                                                          \
    X(ROCKSDB_DISABLE_WAL, "rocksdb.write_options.disable_wal", CFG_BOOL, 0, "no", 0, 1, NULL,                    \
      "write without the WAL (acknowledged writes may be lost on a crash)")

enum config_type { CFG_INT, CFG_BOOL, CFG_STRING, CFG_MEMORY, CFG_ENUM };

#define CONFIG_ID(id, ...) CONF_##id,
enum config_id { CONFIG_TABLE(CONFIG_ID) CONF_COUNT };
#undef CONFIG_ID

extern const char *const config_loglevels[];
extern const char *const config_compressions[];

typedef struct config config_t;

/* Called after a successful CONFIG SET of a key, to push the value into
 * the running server. Returns 0 or -1 with a message. */
typedef int (*config_apply_fn)(void *arg, enum config_id id, char *err, size_t errlen);

config_t *config_new(void);
void config_free(config_t *c);
void config_set_apply_hook(config_t *c, config_apply_fn fn, void *arg);

/* Loads a config file. Returns 0, or -1 with "file:line: reason" in err. */
int config_load_file(config_t *c, const char *path, char *err, size_t errlen);
/* Sets a key from the command line or a file (ignores the mutable flag).
 * Returns 0, or -1 with a reason in err. */
int config_set_initial(config_t *c, const char *name, const char *value, char *err, size_t errlen);
/* Checks that CONFIG SET name value would be accepted, changing nothing. */
int config_check_runtime(const char *name, const char *value, char *err, size_t errlen);
/* CONFIG SET: refuses immutable keys; when the apply hook refuses the
 * value, the previous value is restored. */
int config_set_runtime(config_t *c, const char *name, const char *value, char *err, size_t errlen);

/* Integer, bool (0/1), memory (bytes) and enum (index) values. Lock-free. */
long long config_int(const config_t *c, enum config_id id);
/* Copies a string value into dst (always NUL-terminated). */
void config_str(config_t *c, enum config_id id, char *dst, size_t cap);
/* Compares a string value with a candidate, in constant time. */
int config_str_equals(config_t *c, enum config_id id, const char *data, size_t len);
int config_str_is_empty(config_t *c, enum config_id id);

/* Formats a value as CONFIG GET shows it. */
void config_format(config_t *c, enum config_id id, buf_t *out);
const char *config_name(enum config_id id);
int config_find(const char *name); /* id, or -1 */

/* The file the server was started with (absolute), or NULL. */
const char *config_file_path(const config_t *c);
/* CONFIG REWRITE. Returns 0 or -1 with a reason. */
int config_rewrite(config_t *c, char *err, size_t errlen);
/* Writes the documented example file (every key with its default). */
void config_write_example(buf_t *out);

#endif
