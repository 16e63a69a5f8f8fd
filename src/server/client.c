#include "server/client.h"

#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "commands/command.h"
#include "server/blocking.h"
#include "util/clock.h"
#include "util/log.h"

#define READ_CHUNK (16 * 1024)
#define MAX_MULTIBULK (1024 * 1024)
#define MAX_INLINE (64 * 1024)
/* A client that does not read its replies stops being read once this much
 * output is pending, so pipelined requests cannot grow the output buffer
 * without bound; reading resumes when the output drains. */
#define OUTPUT_PAUSE_BYTES (1024 * 1024)

static size_t pending_output(const client_t *c) { return c->reply.out.len - c->reply_sent; }

static void client_on_read(evutil_socket_t fd, short events, void *arg);
static void client_on_write(evutil_socket_t fd, short events, void *arg);

static void format_addr(const struct sockaddr_storage *sa, char *out, size_t cap) {
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(out, cap, "%s:%d", host, port);
    } else if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        snprintf(out, cap, "%s:%d", host, port);
    } else {
        snprintf(out, cap, "?:0");
    }
}

void client_adopt(worker_t *w, int fd, uint64_t id) {
    server_t *srv = w->srv;
    client_t *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    long long keepalive = config_int(srv->config, CONF_TCP_KEEPALIVE);
    if (keepalive > 0) {
        int idle = (int)keepalive;
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    }
    c->id = id;
    c->fd = fd;
    c->worker = w;
    buf_init(&c->query);
    resp_parser_init(&c->parser);
    reply_init(&c->reply);
    c->authenticated = config_str_is_empty(srv->config, CONF_REQUIREPASS);
    c->created_ms = clock_unix_ms();
    atomic_store(&c->last_interaction_ms, c->created_ms);
    atomic_store(&c->last_command, "NULL");
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    if (getpeername(fd, (struct sockaddr *)&sa, &len) == 0) format_addr(&sa, c->addr, sizeof c->addr);
    len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0) format_addr(&sa, c->laddr, sizeof c->laddr);

    c->read_event = event_new(w->base, fd, EV_READ | EV_PERSIST, client_on_read, c);
    c->write_event = event_new(w->base, fd, EV_WRITE | EV_PERSIST, client_on_write, c);
    if (!c->read_event || !c->write_event || event_add(c->read_event, NULL) != 0) {
        client_free(c);
        return;
    }
    pthread_mutex_lock(&srv->clients_lock);
    c->next = srv->clients;
    if (srv->clients) srv->clients->prev = c;
    srv->clients = c;
    pthread_mutex_unlock(&srv->clients_lock);
    c->wnext = w->clients;
    if (w->clients) w->clients->wprev = c;
    w->clients = c;
    log_debug("client %llu connected from %s", (unsigned long long)c->id, c->addr);
}

void client_free(client_t *c) {
    worker_t *w = c->worker;
    blocking_client_free(c);
    server_t *srv = w->srv;
    pthread_mutex_lock(&srv->clients_lock);
    if (c->prev) c->prev->next = c->next;
    else if (srv->clients == c) srv->clients = c->next;
    if (c->next) c->next->prev = c->prev;
    pthread_mutex_unlock(&srv->clients_lock);
    if (c->wprev) c->wprev->wnext = c->wnext;
    else if (w->clients == c) w->clients = c->wnext;
    if (c->wnext) c->wnext->wprev = c->wprev;
    if (c->read_event) event_free(c->read_event);
    if (c->write_event) event_free(c->write_event);
    if (c->fd >= 0) close(c->fd);
    atomic_fetch_sub(&srv->nclients, 1);
    buf_fini(&c->query);
    resp_parser_fini(&c->parser);
    reply_fini(&c->reply);
    free(c->argv);
    free(c);
}

/* ---- command execution ---- */

static void client_run_command(client_t *c, size_t argc);

/* The hard output limit also caps the reply being built, so one huge reply
 * (LRANGE of a giant list) stops growing at the limit instead of
 * exhausting memory: reply.c drops what does not fit and flags it. */
static void client_set_output_cap(client_t *c) {
    obuf_limit_t l = config_obuf_limit(c->worker->srv->config, OBUF_NORMAL);
    c->reply.max_len = l.hard_bytes > 0 ? c->reply_sent + (size_t)l.hard_bytes : SIZE_MAX;
}

static int64_t mono_ms(void) { return clock_mono_us() / 1000; }

/* Redis's rule: close a client whose pending output is over the hard limit,
 * or over the soft limit continuously for soft-seconds (0 seconds = as soon
 * as it is over). Returns 1 when c must be closed. */
static int output_limit_reached(client_t *c, int64_t now_ms) {
    if (c->reply.overflowed) return 1;
    obuf_limit_t l = config_obuf_limit(c->worker->srv->config, OBUF_NORMAL);
    size_t pending = pending_output(c);
    if (l.hard_bytes > 0 && pending > (size_t)l.hard_bytes) return 1;
    if (l.soft_bytes > 0 && pending > (size_t)l.soft_bytes) {
        if (!c->obuf_soft_since_ms) c->obuf_soft_since_ms = now_ms;
        return (now_ms - c->obuf_soft_since_ms) / 1000 >= l.soft_seconds; /* no overflow for huge seconds */
    }
    c->obuf_soft_since_ms = 0;
    return 0;
}

/* Closes c without writing what is pending: the reply may be cut short. */
static void client_close_output_limit(client_t *c) {
    log_warning("client %s closed for overcoming of output buffer limits (%zu bytes pending%s)", c->addr,
                pending_output(c), c->reply.overflowed ? ", reply cut short" : "");
    atomic_fetch_add(&c->worker->srv->obuf_limit_disconnections, 1);
    client_free(c);
}

static void client_execute(client_t *c, size_t argc) {
    int errors_before = c->reply.error_count;
    client_set_output_cap(c);
    client_run_command(c, argc);
    if (c->reply.error_count != errors_before)
        atomic_fetch_add_explicit(&c->worker->stats.error_replies, 1, memory_order_relaxed);
}

void client_group_commit(client_t *c) {
    db_scratch_t *s = &c->worker->scratch;
    if (s->group.ops == 0) return;
    int ops = 0;
    db_status_t st = db_group_commit(c->worker->srv->db, s, &ops);
    /* Grouped commands (plain SET and MSET) all reply +OK on success. */
    for (int i = 0; i < ops; i++) {
        if (st == DB_OK)
            reply_ok(&c->reply);
        else
            reply_errorf(&c->reply, "ERR storage error: %s", s->err.msg);
    }
}

static void client_run_command(client_t *c, size_t argc) {
    server_t *srv = c->worker->srv;
    const slice_t *argv = c->argv;
    const command_def_t *cmd = command_lookup(argv[0]);
    int errors_before = c->reply.error_count;
    /* Replies keep request order: the group's replies go out before the
     * reply of anything else. */
    if (!cmd || !(cmd->flags & CMD_WRITE_GROUP)) client_group_commit(c);
    if (!cmd) {
        char name[130], args[300] = "";
        arg_to_cstr(argv[0], name, sizeof name);
        size_t used = 0;
        for (size_t i = 1; i < argc && used < 128; i++) {
            int n = snprintf(args + used, sizeof args - used, "'%.*s' ", (int)(argv[i].len < 128 - used ? argv[i].len : 128 - used),
                             argv[i].ptr);
            if (n < 0) break;
            used += (size_t)n;
            if (used >= sizeof args) break;
        }
        reply_errorf(&c->reply, "ERR unknown command '%s', with args beginning with: %s", name, args);
        return;
    }
    if ((cmd->flags & CMD_CONTAINER) && argc >= 2 && command_subcommand_disabled(cmd, argv[1])) {
        char sub[COMMAND_NAME_MAX + 1], upper[COMMAND_NAME_MAX + 1];
        arg_to_cstr(argv[1], sub, sizeof sub);
        size_t i = 0;
        for (; cmd->name[i] && i < COMMAND_NAME_MAX; i++)
            upper[i] = (char)(cmd->name[i] >= 'a' && cmd->name[i] <= 'z' ? cmd->name[i] - 32 : cmd->name[i]);
        upper[i] = '\0';
        reply_errorf(&c->reply, "ERR unknown subcommand '%s'. Try %s HELP.", sub, upper);
        return;
    }
    if ((cmd->arity > 0 && (long long)argc != cmd->arity) || (cmd->arity < 0 && (long long)argc < -cmd->arity)) {
        client_group_commit(c);
        reply_wrong_arity(&c->reply, cmd->name);
        atomic_fetch_add_explicit(&cmd->stats->rejected_calls, 1, memory_order_relaxed);
        return;
    }
    if (!c->authenticated && !(cmd->flags & CMD_NOAUTH)) {
        client_group_commit(c);
        reply_error(&c->reply, "NOAUTH Authentication required.");
        atomic_fetch_add_explicit(&cmd->stats->rejected_calls, 1, memory_order_relaxed);
        return;
    }
    cmd_ctx_t ctx = {srv, c, srv->db, &c->worker->scratch, &c->reply, argv, argc, cmd};
    if ((cmd->flags & CMD_CONTAINER) && argc >= 2) {
        pthread_mutex_lock(&srv->clients_lock);
        size_t n = (size_t)snprintf(c->last_command_buf, sizeof c->last_command_buf, "%s|%.*s", cmd->name,
                                    (int)(argv[1].len < 32 ? argv[1].len : 32), argv[1].ptr);
        for (size_t i = 0; i < n && i < sizeof c->last_command_buf; i++)
            if (c->last_command_buf[i] >= 'A' && c->last_command_buf[i] <= 'Z') c->last_command_buf[i] += 32;
        atomic_store_explicit(&c->last_command, c->last_command_buf, memory_order_relaxed);
        pthread_mutex_unlock(&srv->clients_lock);
    } else {
        atomic_store_explicit(&c->last_command, cmd->name, memory_order_relaxed);
    }
    int64_t t0 = clock_mono_us();
    cmd->handler(&ctx);
    int64_t dt = clock_mono_us() - t0;
    atomic_fetch_add_explicit(&cmd->stats->calls, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&cmd->stats->usec, (unsigned long long)dt, memory_order_relaxed);
    if (c->reply.error_count != errors_before)
        atomic_fetch_add_explicit(&cmd->stats->failed_calls, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->worker->stats.commands, 1, memory_order_relaxed);
    long long slower_than = config_int(srv->config, CONF_SLOWLOG_LOG_SLOWER_THAN);
    if (slower_than >= 0 && dt >= slower_than) slowlog_add(srv, c, argv, argc, dt);
}

/* Parses and runs every complete request in the query buffer. */
static void client_process_input(client_t *c) {
    server_t *srv = c->worker->srv;
    c->grouping = 1;
    while (!c->close_after_reply && !c->blocked && !c->job_pending && !c->reply.overflowed &&
           c->query_pos < c->query.len &&
           pending_output(c) < OUTPUT_PAUSE_BYTES) {
        /* Before AUTH a client may send only small requests (as Redis), so
         * an anonymous peer cannot make us buffer large amounts. Re-read per
         * request: AUTH changes it mid-pipeline. */
        resp_limits_t limits = {
            .max_bulk_len = c->authenticated ? config_int(srv->config, CONF_PROTO_MAX_BULK_LEN) : 16384,
            .max_multibulk_len = c->authenticated ? MAX_MULTIBULK : 10,
            .max_inline_len = MAX_INLINE,
            .unauthenticated = !c->authenticated,
        };
        size_t consumed = 0;
        char *start = c->query.data + c->query_pos;
        enum resp_status st = resp_parse(&c->parser, start, c->query.len - c->query_pos, &limits, &consumed);
        if (st == RESP_INCOMPLETE) break;
        if (st == RESP_ERROR) {
            client_group_commit(c);
            reply_errorf(&c->reply, "ERR %s", c->parser.error);
            c->close_after_reply = 1;
            c->query_pos = c->query.len;
            break;
        }
        if (st == RESP_DONE) {
            if (c->parser.argc > c->argv_cap) {
                size_t cap = c->parser.argc < 16 ? 16 : c->parser.argc;
                slice_t *argv = realloc(c->argv, cap * sizeof *argv);
                if (!argv) {
                    reply_error(&c->reply, "ERR out of memory");
                    c->close_after_reply = 1;
                    break;
                }
                c->argv = argv;
                c->argv_cap = cap;
            }
            resp_parser_args(&c->parser, start, c->argv);
            client_execute(c, c->parser.argc);
        }
        c->query_pos += consumed;
        resp_parser_reset(&c->parser);
    }
    /* Before any reply leaves: the grouped writes reach the WAL first. */
    client_group_commit(c);
    c->grouping = 0;
    /* Drop what was consumed, once per read rather than per command. */
    if (c->query_pos > 0) {
        buf_consume(&c->query, c->query_pos);
        c->query_pos = 0;
    }
    if (c->query.len == 0) buf_shrink_if_empty(&c->query, 64 * 1024);
    atomic_store_explicit(&c->query_len, c->query.len, memory_order_relaxed);
}

/* Writes what it can. Returns -1 when the client is gone (freed). */
static int client_flush(client_t *c) {
    while (c->reply_sent < c->reply.out.len) {
        ssize_t n = write(c->fd, c->reply.out.data + c->reply_sent, c->reply.out.len - c->reply_sent);
        if (n > 0) {
            c->reply_sent += (size_t)n;
            /* As Redis: a client taking its replies is not idle. */
            atomic_store_explicit(&c->last_interaction_ms, clock_unix_ms(), memory_order_relaxed);
            atomic_fetch_add_explicit(&c->worker->stats.net_output_bytes, (unsigned long long)n, memory_order_relaxed);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            event_add(c->write_event, NULL);
            atomic_store_explicit(&c->output_len, c->reply.out.len - c->reply_sent, memory_order_relaxed);
            return 0;
        }
        client_free(c);
        return -1;
    }
    buf_clear(&c->reply.out);
    buf_shrink_if_empty(&c->reply.out, 64 * 1024);
    c->reply_sent = 0;
    event_del(c->write_event);
    atomic_store_explicit(&c->output_len, 0, memory_order_relaxed);
    if (c->close_after_reply) {
        client_free(c);
        return -1;
    }
    return 0;
}

void client_run_argv(client_t *c, const slice_t *argv, size_t argc) {
    if (argc > c->argv_cap) {
        slice_t *grown = realloc(c->argv, argc * sizeof *grown);
        if (!grown) {
            reply_error(&c->reply, "ERR out of memory");
            return;
        }
        c->argv = grown;
        c->argv_cap = argc;
    }
    memmove(c->argv, argv, argc * sizeof *argv);
    client_execute(c, argc);
}

/* Runs the buffered requests and writes their replies for as long as both
 * make progress. A client that does not read what it asked for stops being
 * read (OUTPUT_PAUSE_BYTES) until its output drains. May free c. */
static void client_drive(client_t *c) {
    long long limit = config_int(c->worker->srv->config, CONF_CLIENT_QUERY_BUFFER_LIMIT);
    for (;;) {
        size_t before = c->query.len;
        client_process_input(c);
        if (output_limit_reached(c, mono_ms())) {
            client_close_output_limit(c);
            return;
        }
        int progressed = c->query.len != before;
        if (c->query.len > (size_t)limit && !c->close_after_reply) {
            log_warning("closing client %s: query buffer over client-query-buffer-limit", c->addr);
            atomic_fetch_add(&c->worker->srv->qbuf_limit_disconnections, 1);
            reply_error(&c->reply, "ERR Protocol error: query buffer limit exceeded");
            c->close_after_reply = 1;
        }
        if (client_flush(c) != 0) return; /* freed */
        if (pending_output(c) > 0) {
            if (pending_output(c) >= OUTPUT_PAUSE_BYTES && !c->input_paused) {
                event_del(c->read_event);
                c->input_paused = 1;
            }
            return; /* the write event goes on */
        }
        if (c->input_paused) {
            c->input_paused = 0;
            event_add(c->read_event, NULL);
        }
        if (!progressed || c->blocked || c->job_pending || c->query.len == 0) return;
    }
}

void client_resume(client_t *c) { client_drive(c); }

static void client_on_read(evutil_socket_t fd, short events, void *arg) {
    (void)events;
    client_t *c = arg;
    size_t want = resp_parser_bytes_wanted(&c->parser, c->query.len - c->query_pos);
    /* A big bulk is read in few large reads, but room grows only with what
     * has arrived (at most doubling): a client announcing 1 GB and sending
     * nothing must not make us reserve 1 GB. */
    size_t grow = c->query.len > READ_CHUNK ? c->query.len : READ_CHUNK;
    if (want > grow) want = grow;
    size_t chunk = want > READ_CHUNK ? want : READ_CHUNK;
    long long limit = config_int(c->worker->srv->config, CONF_CLIENT_QUERY_BUFFER_LIMIT);
    if ((long long)(c->query.len + chunk) > limit + READ_CHUNK) chunk = READ_CHUNK;
    if (buf_reserve(&c->query, chunk) != 0) {
        client_free(c);
        return;
    }
    ssize_t n = read(fd, c->query.data + c->query.len, chunk);
    if (n == 0) {
        client_free(c);
        return;
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        client_free(c);
        return;
    }
    c->query.len += (size_t)n;
    atomic_fetch_add_explicit(&c->worker->stats.net_input_bytes, (unsigned long long)n, memory_order_relaxed);
    atomic_store_explicit(&c->last_interaction_ms, clock_unix_ms(), memory_order_relaxed);
    if (c->close_after_reply) return; /* discard input after QUIT or an error */
    client_drive(c);
}

static void client_on_write(evutil_socket_t fd, short events, void *arg) {
    (void)fd, (void)events;
    client_t *c = arg;
    if (client_flush(c) != 0) return; /* freed */
    if (pending_output(c) == 0) client_drive(c); /* resumes a paused reader */
}

void worker_reap_clients(worker_t *w) {
    long long timeout_s = config_int(w->srv->config, CONF_TIMEOUT);
    int64_t now = clock_unix_ms(), now_mono = mono_ms();
    client_t *c = w->clients;
    while (c) {
        client_t *next = c->wnext;
        /* As Redis, a blocked client waits for its own timeout instead. */
        int idle_out = timeout_s > 0 && !c->blocked && now - atomic_load(&c->last_interaction_ms) > timeout_s * 1000;
        if (atomic_load(&c->kill_requested) || idle_out)
            client_free(c);
        else if (output_limit_reached(c, now_mono)) /* a soft limit held for its seconds */
            client_close_output_limit(c);
        c = next;
    }
}

void worker_free_clients(worker_t *w) {
    while (w->clients) client_free(w->clients);
}

void client_describe(client_t *c, buf_t *out) {
    int64_t now = clock_unix_ms();
    const char *cmd = atomic_load_explicit(&c->last_command, memory_order_relaxed);
    buf_appendf(out,
                "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=N db=0 sub=0 psub=0 ssub=0 "
                "multi=-1 qbuf=%zu qbuf-free=0 argv-mem=0 multi-mem=0 rbs=%zu rbp=0 obl=0 oll=0 omem=%zu "
                "tot-mem=%zu events=r cmd=%s user=default redir=-1 resp=%d lib-name=%s lib-ver=%s",
                (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name, (long long)((now - c->created_ms) / 1000),
                (long long)((now - atomic_load(&c->last_interaction_ms)) / 1000), atomic_load(&c->query_len),
                (size_t)READ_CHUNK, atomic_load(&c->output_len),
                sizeof *c + atomic_load(&c->query_len) + atomic_load(&c->output_len), cmd ? cmd : "NULL",
                c->reply.proto, c->lib_name, c->lib_ver);
}
