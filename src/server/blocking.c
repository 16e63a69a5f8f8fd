#include "server/blocking.h"

#include <event2/event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server/client.h"
#include "util/strutil.h"

typedef struct blocked_entry {
    char *key;
    size_t keylen;
    uint64_t client_id;
    worker_t *worker;
    client_t *client; /* dereferenced only on its worker */
    struct blocked_entry *next, *prev;
} blocked_entry_t;

int blocking_parse_timeout(cmd_ctx_t *ctx, slice_t arg, int64_t *timeout_ms) {
    double seconds;
    if (!str_to_double(arg.ptr, arg.len, &seconds) || isinf(seconds) || seconds > 1e12) {
        reply_error(ctx->reply, "ERR timeout is not a float or out of range");
        return 0;
    }
    if (seconds < 0) {
        reply_error(ctx->reply, "ERR timeout is negative");
        return 0;
    }
    *timeout_ms = (int64_t)ceil(seconds * 1000.0);
    return 1;
}

int blocking_is_retry(const cmd_ctx_t *ctx) { return ctx->client->blocked_retrying; }

long long blocking_clients_count(server_t *srv) { return atomic_load(&srv->blocked_clients); }

static void registry_add(server_t *srv, client_t *c, slice_t key) {
    blocked_entry_t *e = calloc(1, sizeof *e);
    if (!e) return;
    e->key = malloc(key.len ? key.len : 1);
    if (!e->key) {
        free(e);
        return;
    }
    memcpy(e->key, key.ptr, key.len);
    e->keylen = key.len;
    e->client_id = c->id;
    e->worker = c->worker;
    e->client = c;
    pthread_mutex_lock(&srv->blocked_lock);
    e->prev = srv->blocked_tail;
    if (srv->blocked_tail)
        srv->blocked_tail->next = e;
    else
        srv->blocked_head = e;
    srv->blocked_tail = e;
    atomic_fetch_add(&srv->blocked_entries, 1);
    pthread_mutex_unlock(&srv->blocked_lock);
}

/* Removes every entry of client c; the keys it waited on go to *keys (a
 * buffer of [len:8][bytes] records) so the next waiters can be woken. */
static void registry_remove_client(server_t *srv, client_t *c, buf_t *keys) {
    pthread_mutex_lock(&srv->blocked_lock);
    blocked_entry_t *e = srv->blocked_head;
    while (e) {
        blocked_entry_t *next = e->next;
        if (e->client == c) {
            if (e->prev) e->prev->next = e->next;
            else srv->blocked_head = e->next;
            if (e->next) e->next->prev = e->prev;
            else srv->blocked_tail = e->prev;
            if (keys) {
                char len[8];
                put_u64_be(len, e->keylen);
                buf_append(keys, len, 8);
                buf_append(keys, e->key, e->keylen);
            }
            free(e->key);
            free(e);
            atomic_fetch_sub(&srv->blocked_entries, 1);
        }
        e = next;
    }
    pthread_mutex_unlock(&srv->blocked_lock);
}

typedef struct retry_task {
    uint64_t client_id;
} retry_task_t;

static void task_retry(worker_t *w, void *arg) {
    uint64_t id = (uint64_t)(uintptr_t)arg;
    for (client_t *c = w->clients; c; c = c->wnext)
        if (c->id == id) {
            if (c->blocked) blocking_retry(c);
            return;
        }
}

void blocking_signal(server_t *srv, slice_t key) {
    if (atomic_load_explicit(&srv->blocked_entries, memory_order_relaxed) == 0) return;
    worker_t *w = NULL;
    uint64_t id = 0;
    pthread_mutex_lock(&srv->blocked_lock);
    for (blocked_entry_t *e = srv->blocked_head; e; e = e->next)
        if (e->keylen == key.len && memcmp(e->key, key.ptr, key.len) == 0) {
            w = e->worker;
            id = e->client_id;
            break;
        }
    pthread_mutex_unlock(&srv->blocked_lock);
    if (w) worker_post(w, task_retry, (void *)(uintptr_t)id);
}

static void unblock(client_t *c, int wake_next) {
    server_t *srv = c->worker->srv;
    buf_t keys;
    buf_init(&keys);
    registry_remove_client(srv, c, wake_next ? &keys : NULL);
    if (c->block_timer) {
        event_free(c->block_timer);
        c->block_timer = NULL;
    }
    buf_fini(&c->blocked_args);
    free(c->blocked_argv);
    c->blocked_argv = NULL;
    c->blocked_argc = 0;
    c->blocked = 0;
    atomic_fetch_sub(&srv->blocked_clients, 1);
    /* The key may still hold elements: let the next waiter try. */
    for (size_t off = 0; off + 8 <= keys.len;) {
        uint64_t n = get_u64_be(keys.data + off);
        blocking_signal(srv, slice_make(keys.data + off + 8, n));
        off += 8 + n;
    }
    buf_fini(&keys);
}

static void on_block_timeout(evutil_socket_t fd, short events, void *arg) {
    (void)fd, (void)events;
    client_t *c = arg;
    if (!c->blocked) return;
    if (c->blocked_kind == BLOCK_TIMEOUT_NULL_BULK)
        reply_null(&c->reply);
    else
        reply_null_array(&c->reply);
    unblock(c, 0);
    client_resume(c);
}

void blocking_block(cmd_ctx_t *ctx, const slice_t *keys, size_t nkeys, int64_t timeout_ms,
                    enum block_timeout_reply kind) {
    client_t *c = ctx->client;
    if (c->blocked) {
        c->blocked_retrying = 2; /* found nothing again: stay queued */
        return;
    }
    server_t *srv = c->worker->srv;
    /* Copy the command: the query buffer it points into moves on. */
    buf_init(&c->blocked_args);
    size_t total = 0;
    for (size_t i = 0; i < ctx->argc; i++) total += ctx->argv[i].len;
    buf_reserve(&c->blocked_args, total ? total : 1);
    c->blocked_argv = calloc(ctx->argc, sizeof *c->blocked_argv);
    if (!c->blocked_argv) {
        buf_fini(&c->blocked_args);
        reply_error(ctx->reply, "ERR out of memory");
        return;
    }
    for (size_t i = 0; i < ctx->argc; i++) {
        c->blocked_argv[i] = slice_make(c->blocked_args.data + c->blocked_args.len, ctx->argv[i].len);
        buf_append(&c->blocked_args, ctx->argv[i].ptr, ctx->argv[i].len);
    }
    c->blocked_argc = ctx->argc;
    c->blocked_kind = (int)kind;
    c->blocked = 1;
    atomic_fetch_add(&srv->blocked_clients, 1);
    for (size_t i = 0; i < nkeys; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) dup = slice_eq(keys[i], keys[j]);
        if (!dup) registry_add(srv, c, keys[i]);
    }
    if (timeout_ms > 0) {
        c->block_timer = evtimer_new(c->worker->base, on_block_timeout, c);
        struct timeval tv = {(time_t)(timeout_ms / 1000), (suseconds_t)((timeout_ms % 1000) * 1000)};
        if (c->block_timer) evtimer_add(c->block_timer, &tv);
    }
}

void blocking_retry(client_t *c) {
    c->blocked_retrying = 1;
    client_run_argv(c, c->blocked_argv, c->blocked_argc);
    int stays = c->blocked_retrying == 2;
    c->blocked_retrying = 0;
    if (stays) return;
    unblock(c, 1);
    client_resume(c);
}

void blocking_client_free(client_t *c) {
    if (!c->blocked) return;
    unblock(c, 1);
}
