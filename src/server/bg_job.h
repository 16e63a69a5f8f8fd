#ifndef BASALT_SERVER_BG_JOB_H
#define BASALT_SERVER_BG_JOB_H

#include "commands/command.h"
#include "server/reply.h"

/* Slow work for one client (parsing, symbolizing, formatting heap
 * profiles) on one background thread, off the workers.
 *
 * bg_job_submit suspends the calling client: it reads no further command
 * until the job's reply, built on the background thread into a reply_t of
 * the client's protocol, is posted back to its worker, appended to its
 * output and written. Other clients go on being served meanwhile. A client
 * that disconnects meanwhile is looked up by id when the job ends and is
 * simply not found: its reply is dropped. */

/* Runs on the background thread: build the whole reply in `reply`. */
typedef void (*bg_job_run_fn)(void *arg, reply_t *reply);
/* Frees arg (after run, or unrun when the server shuts down). */
typedef void (*bg_job_free_fn)(void *arg);

/* Queues the job and suspends ctx's client. When the thread cannot be
 * started the job runs inline. Writes no reply itself. */
void bg_job_submit(cmd_ctx_t *ctx, bg_job_run_fn run, bg_job_free_fn free_arg, void *arg);

/* Stops the thread after the job it is running; queued jobs are dropped.
 * Call after the workers stopped, before they are freed. */
void bg_jobs_shutdown(void);

/* Jobs queued or running (for tests and INFO-like reports). */
int bg_jobs_pending(void);

#endif
