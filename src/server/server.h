#ifndef BASALT_SERVER_SERVER_H
#define BASALT_SERVER_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "server/config.h"
#include "server/reply.h"
#include "server/resp_parser.h"
#include "storage/db.h"

#define BASALT_VERSION "0.1.0"
/* The Redis version whose behaviour Basalt follows; clients read it. */
#define BASALT_REDIS_VERSION "7.0.15"

struct event_base;
struct event;
typedef struct server server_t;
typedef struct worker worker_t;
typedef struct client client_t;

/* A unit of work handed to a worker's thread (worker_post). */
typedef void (*worker_task_fn)(worker_t *w, void *arg);

typedef struct worker_stats {
    atomic_ullong commands;
    atomic_ullong net_input_bytes;
    atomic_ullong net_output_bytes;
    atomic_ullong keyspace_hits;
    atomic_ullong keyspace_misses;
    atomic_ullong error_replies;
} worker_stats_t;

struct worker {
    int id;
    server_t *srv;
    pthread_t thread;
    struct event_base *base;
    struct event *mailbox_event;
    struct event *cron_event;
    int mailbox_fd; /* eventfd */
    pthread_mutex_t mailbox_lock;
    struct worker_task *tasks;
    size_t ntasks, task_cap;
    db_scratch_t scratch;
    worker_stats_t stats;
    /* This thread's allocator counters, readable from other threads. */
    const uint64_t *thread_allocated;
    const uint64_t *thread_deallocated;
    client_t *clients; /* this worker's clients (list via wnext/wprev) */
};

#define CLIENT_NAME_MAX 128

struct client {
    uint64_t id;
    int fd;
    worker_t *worker;
    struct event *read_event;
    struct event *write_event;
    buf_t query;
    size_t query_pos;
    resp_parser_t parser;
    slice_t *argv;
    size_t argv_cap;
    reply_t reply;
    size_t reply_sent;
    int authenticated;
    int close_after_reply;
    int input_paused; /* reading stopped until the pending output drains */
    int64_t obuf_soft_since_ms; /* monotonic time the soft output limit was first exceeded; 0 = under it */
    int job_pending;  /* a background job (bg_job.h) owes this client its reply */
    int grouping;     /* plain SET/MSET may join the worker's write group */
    atomic_int kill_requested;
    char addr[64], laddr[64];
    /* Read by CLIENT LIST on other threads: under srv->clients_lock. */
    char name[CLIENT_NAME_MAX + 1];
    char lib_name[CLIENT_NAME_MAX + 1];
    char lib_ver[CLIENT_NAME_MAX + 1];
    int64_t created_ms;
    atomic_llong last_interaction_ms;
    _Atomic(const char *) last_command;
    char last_command_buf[64]; /* "container|sub"; written under clients_lock */
    atomic_size_t query_len, output_len;
    /* Blocking commands (blocking.c); touched only on this client's worker. */
    int blocked;
    int blocked_retrying;
    int blocked_kind;
    struct event *block_timer;
    buf_t blocked_args; /* the command, argv slices point into it */
    slice_t *blocked_argv;
    size_t blocked_argc;
    client_t *next, *prev;   /* server registry */
    client_t *wnext, *wprev; /* worker list */
};

typedef struct slowlog_entry {
    long long id;
    int64_t time_s;
    int64_t duration_us;
    int argc;      /* arguments kept (at most 32) */
    int orig_argc; /* arguments the command had */
    char **argv;
    char addr[64];
    char name[CLIENT_NAME_MAX + 1];
} slowlog_entry_t;

struct server {
    config_t *config;
    db_t *db;
    int nworkers;
    worker_t *workers;
    struct event_base *main_base;
    struct event **listen_events;
    int *listen_fds;
    int nlisten;
    atomic_uint next_worker;
    atomic_int shutting_down;
    int64_t start_ms;
    int64_t start_mono_us;
    int64_t lastsave_ms;
    char executable[4096];
    char data_dir[4096];      /* absolute */
    char profiling_dir[4096]; /* absolute */
    uint64_t startup_allocated;
    atomic_ullong peak_allocated;
    atomic_int timeline_running; /* the memory sampler thread keeps peak_allocated current */
    struct memory_timeline *timeline; /* memory history and automatic dumps (memory_timeline.h) */

    pthread_mutex_t clients_lock;
    client_t *clients;
    atomic_int nclients;
    atomic_ullong next_client_id;
    atomic_ullong total_connections;
    atomic_ullong rejected_connections;
    atomic_ullong qbuf_limit_disconnections; /* client-query-buffer-limit */
    atomic_ullong obuf_limit_disconnections; /* client-output-buffer-limit */

    pthread_mutex_t blocked_lock;
    struct blocked_entry *blocked_head, *blocked_tail; /* FIFO of (key, client) */
    atomic_int blocked_entries;
    atomic_int blocked_clients;

    pthread_mutex_t slowlog_lock;
    slowlog_entry_t *slowlog; /* ring of slowlog-max-len entries, newest first */
    size_t slowlog_len, slowlog_cap;
    long long slowlog_next_id;
};

/* Lifecycle (main.c): create, run until shutdown, destroy. */
int server_init(server_t *srv, config_t *config, char *err, size_t errlen);
int server_run(server_t *srv);
void server_fini(server_t *srv);
/* Asks the server to stop (any thread): stop accepting, let in-flight
 * commands finish, flush and close RocksDB. */
void server_request_shutdown(server_t *srv);

/* Runs fn(w, arg) on worker w's thread. Returns 0 or -1 when out of memory. */
int worker_post(worker_t *w, worker_task_fn fn, void *arg);

/* Client registry helpers for CLIENT LIST/KILL. */
void client_describe(client_t *c, buf_t *out); /* one CLIENT LIST line, no newline */
/* Which clients CLIENT KILL closes; unset fields match every client. */
typedef struct kill_filter {
    uint64_t id;
    const char *addr;
    const char *laddr;
    int64_t min_age_s; /* MAXAGE: only clients at least this old; 0 = any */
    int match_none;    /* a TYPE or USER no client has */
    client_t *except;  /* SKIPME yes */
} kill_filter_t;

/* Marks matching clients to be closed; returns how many. */
int server_kill_clients(server_t *srv, const kill_filter_t *f);

void slowlog_add(server_t *srv, client_t *c, const slice_t *argv, size_t argc, int64_t duration_us);
void slowlog_reset(server_t *srv);

typedef struct stats_totals {
    unsigned long long commands, net_input_bytes, net_output_bytes, keyspace_hits, keyspace_misses, error_replies;
} stats_totals_t;

/* Sums of the per-worker counters. */
void server_stats_sum(server_t *srv, stats_totals_t *out);
void server_reset_stats(server_t *srv);
/* Reads allocator totals and raises the recorded peak. */
struct allocator_stats;
void server_memory_sample(server_t *srv, struct allocator_stats *out);

#endif
