#include "server/bg_job.h"

#include <pthread.h>
#include <stdlib.h>

#include "server/client.h"
#include "util/log.h"

typedef struct bg_job {
    bg_job_run_fn run;
    bg_job_free_fn free_arg;
    void *arg;
    worker_t *worker;
    uint64_t client_id;
    reply_t reply;
    command_stats_t *stats; /* of the command that submitted it: failed_calls */
    struct bg_job *next;
} bg_job_t;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static bg_job_t *queue_head, *queue_tail;
static pthread_t jobs_thread;
static int thread_started, stopping, pending;

static void job_free(bg_job_t *job) {
    if (job->free_arg) job->free_arg(job->arg);
    reply_fini(&job->reply);
    free(job);
}

/* On the client's worker: deliver the reply and let the client go on. */
static void task_job_done(worker_t *w, void *arg) {
    bg_job_t *job = arg;
    for (client_t *c = w->clients; c; c = c->wnext) {
        if (c->id != job->client_id) continue;
        buf_append(&c->reply.out, job->reply.out.data, job->reply.out.len);
        c->reply.error_count += job->reply.error_count;
        c->job_pending = 0;
        /* The command's own accounting saw no error when it suspended. */
        if (job->reply.error_count && job->stats)
            atomic_fetch_add_explicit(&job->stats->failed_calls, 1, memory_order_relaxed);
        client_resume(c); /* may free c */
        break;
    }
    job_free(job);
}

static void run_job(bg_job_t *job) {
    job->run(job->arg, &job->reply);
    if (job->free_arg) job->free_arg(job->arg);
    job->free_arg = NULL;
}

static void *jobs_main(void *unused) {
    (void)unused;
    pthread_mutex_lock(&jobs_lock);
    for (;;) {
        while (!queue_head && !stopping) pthread_cond_wait(&jobs_cond, &jobs_lock);
        if (stopping) break;
        bg_job_t *job = queue_head;
        queue_head = job->next;
        if (!queue_head) queue_tail = NULL;
        pthread_mutex_unlock(&jobs_lock);
        run_job(job);
        if (worker_post(job->worker, task_job_done, job) != 0) job_free(job);
        pthread_mutex_lock(&jobs_lock);
        pending--;
    }
    pthread_mutex_unlock(&jobs_lock);
    return NULL;
}

void bg_job_submit(cmd_ctx_t *ctx, bg_job_run_fn run, bg_job_free_fn free_arg, void *arg) {
    client_t *c = ctx->client;
    bg_job_t *job = calloc(1, sizeof *job);
    if (!job) {
        if (free_arg) free_arg(arg);
        reply_error(ctx->reply, "ERR out of memory");
        return;
    }
    job->run = run;
    job->free_arg = free_arg;
    job->arg = arg;
    job->worker = c->worker;
    job->client_id = c->id;
    job->stats = ctx->cmd ? ctx->cmd->stats : NULL;
    reply_init(&job->reply);
    job->reply.proto = ctx->reply->proto;

    pthread_mutex_lock(&jobs_lock);
    if (!thread_started && !stopping) {
        if (pthread_create(&jobs_thread, NULL, jobs_main, NULL) == 0)
            thread_started = 1;
        else
            log_warning("cannot start the background job thread: running profile jobs inline");
    }
    if (!thread_started || stopping) {
        pthread_mutex_unlock(&jobs_lock);
        run_job(job);
        buf_append(&ctx->reply->out, job->reply.out.data, job->reply.out.len);
        ctx->reply->error_count += job->reply.error_count;
        job_free(job);
        return;
    }
    if (queue_tail)
        queue_tail->next = job;
    else
        queue_head = job;
    queue_tail = job;
    pending++;
    c->job_pending = 1;
    pthread_cond_signal(&jobs_cond);
    pthread_mutex_unlock(&jobs_lock);
}

void bg_jobs_shutdown(void) {
    pthread_mutex_lock(&jobs_lock);
    stopping = 1;
    pthread_cond_broadcast(&jobs_cond);
    int started = thread_started;
    pthread_mutex_unlock(&jobs_lock);
    if (started) pthread_join(jobs_thread, NULL);
    pthread_mutex_lock(&jobs_lock);
    bg_job_t *job = queue_head;
    queue_head = queue_tail = NULL;
    thread_started = 0;
    pthread_mutex_unlock(&jobs_lock);
    while (job) {
        bg_job_t *next = job->next;
        job_free(job);
        job = next;
    }
}

int bg_jobs_pending(void) {
    pthread_mutex_lock(&jobs_lock);
    int n = pending;
    pthread_mutex_unlock(&jobs_lock);
    return n;
}
