#ifndef BASALT_SERVER_MEMORY_TIMELINE_H
#define BASALT_SERVER_MEMORY_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "memory/memory_history.h"
#include "server/config.h"

/* The server's memory over time: a sampler thread records the allocator
 * totals and the memory components once a second into the history ring,
 * and decides on automatic heap profiles (periodic, on growth); a dump
 * thread writes them into profiling-dir and enforces profiling-dump-keep.
 * Neither runs on a worker, so clients are never delayed by them. */

typedef struct server server_t;
typedef struct memory_timeline memory_timeline_t;

typedef struct auto_dump_stats {
    uint64_t written; /* automatic dumps written */
    uint64_t removed; /* automatic dumps removed by retention */
    uint64_t failed;  /* automatic dumps that failed (logged) */
    char last_path[4200];
    char last_error[512];
} auto_dump_stats_t;

/* Creates srv->timeline from the configuration (history size, doctor
 * windows). Returns 0, or -1 with a reason. */
int memory_timeline_init(server_t *srv, char *err, size_t cap);
/* Starts the sampler and dump threads. Returns 0 or -1 with a reason. */
int memory_timeline_start(server_t *srv, char *err, size_t cap);
/* Stops and joins the threads (waits for a dump in progress). Idempotent. */
void memory_timeline_stop(server_t *srv);
void memory_timeline_free(server_t *srv);

/* CONFIG SET of one of the timeline's keys (other ids are ignored).
 * Returns 0, or -1 with a reason (the value is then restored). */
int memory_timeline_apply_config(server_t *srv, enum config_id id, char *err, size_t cap);

/* The ring; valid for the server's life. */
memory_history_t *memory_timeline_history(server_t *srv);
void memory_timeline_auto_dump_stats(server_t *srv, auto_dump_stats_t *out);

/* Reads the numbers of one sample now (raises the recorded peak). */
void memory_timeline_sample(server_t *srv, memory_sample_t *out);

#endif
