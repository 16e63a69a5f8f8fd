#include "server/server.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands/command.h"
#include "memory/allocator.h"
#include "memory/profiler.h"
#include "server/bg_job.h"
#include "server/client.h"
#include "server/memory_timeline.h"
#include "util/clock.h"
#include "util/log.h"

typedef struct worker_task {
    worker_task_fn fn;
    void *arg;
} worker_task_t;

/* ---- worker mailboxes ---- */

int worker_post(worker_t *w, worker_task_fn fn, void *arg) {
    pthread_mutex_lock(&w->mailbox_lock);
    if (w->ntasks == w->task_cap) {
        size_t cap = w->task_cap ? w->task_cap * 2 : 64;
        worker_task_t *t = realloc(w->tasks, cap * sizeof *t);
        if (!t) {
            pthread_mutex_unlock(&w->mailbox_lock);
            return -1;
        }
        w->tasks = t;
        w->task_cap = cap;
    }
    w->tasks[w->ntasks].fn = fn;
    w->tasks[w->ntasks].arg = arg;
    w->ntasks++;
    pthread_mutex_unlock(&w->mailbox_lock);
    uint64_t one = 1;
    ssize_t n = write(w->mailbox_fd, &one, sizeof one);
    (void)n; /* eventfd only fails when its counter overflows: still awake */
    return 0;
}

static void worker_on_mailbox(evutil_socket_t fd, short events, void *arg) {
    (void)events;
    worker_t *w = arg;
    uint64_t count;
    ssize_t n = read(fd, &count, sizeof count);
    (void)n;
    for (;;) {
        pthread_mutex_lock(&w->mailbox_lock);
        if (w->ntasks == 0) {
            pthread_mutex_unlock(&w->mailbox_lock);
            break;
        }
        worker_task_t *batch = w->tasks;
        size_t nbatch = w->ntasks;
        w->tasks = NULL;
        w->ntasks = w->task_cap = 0;
        pthread_mutex_unlock(&w->mailbox_lock);
        for (size_t i = 0; i < nbatch; i++) batch[i].fn(w, batch[i].arg);
        free(batch);
    }
}

static void worker_on_cron(evutil_socket_t fd, short events, void *arg) {
    (void)fd, (void)events;
    worker_t *w = arg;
    worker_reap_clients(w);
    /* The peak needs a sample a second; the memory timeline's thread takes
     * it, so a worker pays the allocator's statistics walk only without it. */
    if (w->id == 0 && !atomic_load_explicit(&w->srv->timeline_running, memory_order_relaxed)) {
        allocator_stats_t a;
        server_memory_sample(w->srv, &a);
    }
}

void server_memory_sample(server_t *srv, allocator_stats_t *out) {
    allocator_stats_read(out);
    unsigned long long peak = atomic_load(&srv->peak_allocated);
    while (out->allocated > peak && !atomic_compare_exchange_weak(&srv->peak_allocated, &peak, out->allocated)) {
    }
}

static void *worker_main(void *arg) {
    worker_t *w = arg;
    allocator_thread_counters(&w->thread_allocated, &w->thread_deallocated);
    engine_thread_init();
    event_base_dispatch(w->base);
    return NULL;
}

typedef struct accepted {
    int fd;
    uint64_t id;
} accepted_t;

static void task_adopt(worker_t *w, void *arg) {
    accepted_t *a = arg;
    client_adopt(w, a->fd, a->id);
    free(a);
}

static void task_stop(worker_t *w, void *arg) {
    (void)arg;
    event_base_loopbreak(w->base);
}

static void task_reap(worker_t *w, void *arg) {
    (void)arg;
    worker_reap_clients(w);
}

static int worker_init(server_t *srv, worker_t *w, int id, char *err, size_t errlen) {
    w->id = id;
    w->srv = srv;
    pthread_mutex_init(&w->mailbox_lock, NULL);
    w->base = event_base_new();
    w->mailbox_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!w->base || w->mailbox_fd < 0) {
        snprintf(err, errlen, "cannot create worker %d: %s", id, strerror(errno));
        return -1;
    }
    w->mailbox_event = event_new(w->base, w->mailbox_fd, EV_READ | EV_PERSIST, worker_on_mailbox, w);
    w->cron_event = event_new(w->base, -1, EV_PERSIST, worker_on_cron, w);
    struct timeval second = {1, 0};
    if (!w->mailbox_event || !w->cron_event || event_add(w->mailbox_event, NULL) != 0 ||
        event_add(w->cron_event, &second) != 0) {
        snprintf(err, errlen, "cannot set up worker %d events", id);
        return -1;
    }
    db_scratch_init(srv->db, &w->scratch);
    return 0;
}

static void worker_fini(worker_t *w) {
    /* Tasks posted after the loop stopped (a background job that ended
     * during shutdown) still run, so what they carry is freed. */
    worker_on_mailbox(w->mailbox_fd, 0, w);
    worker_free_clients(w);
    if (w->mailbox_event) event_free(w->mailbox_event);
    if (w->cron_event) event_free(w->cron_event);
    if (w->mailbox_fd >= 0) close(w->mailbox_fd);
    if (w->base) event_base_free(w->base);
    db_scratch_fini(&w->scratch);
    free(w->tasks);
    pthread_mutex_destroy(&w->mailbox_lock);
}

/* ---- listener ---- */

static void server_on_accept(evutil_socket_t lfd, short events, void *arg) {
    (void)events;
    server_t *srv = arg;
    for (int i = 0; i < 64; i++) { /* accept a burst, then let others run */
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                log_warning("accept failed: %s", strerror(errno));
            return;
        }
        atomic_fetch_add(&srv->total_connections, 1);
        if (atomic_load(&srv->nclients) >= config_int(srv->config, CONF_MAXCLIENTS) ||
            atomic_load(&srv->shutting_down)) {
            static const char msg[] = "-ERR max number of clients reached\r\n";
            ssize_t n = write(fd, msg, sizeof msg - 1);
            (void)n;
            close(fd);
            atomic_fetch_add(&srv->rejected_connections, 1);
            continue;
        }
        atomic_fetch_add(&srv->nclients, 1);
        unsigned next = atomic_fetch_add(&srv->next_worker, 1);
        worker_t *w = &srv->workers[next % (unsigned)srv->nworkers];
        /* The id is taken here so ids grow in connection order. */
        accepted_t *a = malloc(sizeof *a);
        if (a) {
            a->fd = fd;
            a->id = atomic_fetch_add(&srv->next_client_id, 1);
        }
        if (!a || worker_post(w, task_adopt, a) != 0) {
            free(a);
            atomic_fetch_sub(&srv->nclients, 1);
            close(fd);
        }
    }
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104: reachable only from this host. */
static int is_loopback(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return 0;
}

/* Listens on host:port; *exposed is set when that is not a loopback address. */
static int listen_on(server_t *srv, const char *host, int port, int *exposed, char *err, size_t errlen) {
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve bind address '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
            listen(fd, (int)config_int(srv->config, CONF_TCP_BACKLOG)) != 0) {
            snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
            close(fd);
            fd = -1;
        } else if (!is_loopback(ai->ai_addr)) {
            *exposed = 1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) return -1;
    srv->listen_fds[srv->nlisten] = fd;
    srv->listen_events[srv->nlisten] = event_new(srv->main_base, fd, EV_READ | EV_PERSIST, server_on_accept, srv);
    event_add(srv->listen_events[srv->nlisten], NULL);
    srv->nlisten++;
    return 0;
}

/* ---- signals and lifecycle ---- */

static void server_on_signal(evutil_socket_t sig, short events, void *arg) {
    (void)events;
    log_notice("received %s, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_request_shutdown(arg);
}

void server_request_shutdown(server_t *srv) {
    atomic_store(&srv->shutting_down, 1);
    event_base_loopbreak(srv->main_base);
}

static int apply_config(void *arg, enum config_id id, char *err, size_t errlen) {
    server_t *srv = arg;
    if (id == CONF_ROCKSDB_SYNC && config_int(srv->config, id) && config_int(srv->config, CONF_ROCKSDB_DISABLE_WAL)) {
        snprintf(err, errlen, "rocksdb.write_options.sync needs the WAL (rocksdb.write_options.disable_wal is yes)");
        return -1;
    }
    if (id == CONF_ROCKSDB_SYNC) engine_set_sync(db_engine(srv->db), (int)config_int(srv->config, id));
    if (id == CONF_LOGLEVEL) {
        static const enum log_level levels[] = {LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING};
        log_set_level(levels[config_int(srv->config, id)]);
    }
    if (id == CONF_SLOWLOG_MAX_LEN) {
        slowlog_add(srv, NULL, NULL, 0, -1); /* trims to the new length */
    }
    if (id == CONF_TIMEOUT)
        for (int i = 0; i < srv->nworkers; i++) worker_post(&srv->workers[i], task_reap, NULL);
    return memory_timeline_apply_config(srv, id, err, errlen);
}

int server_init(server_t *srv, config_t *config, char *err, size_t errlen) {
    memset(srv, 0, sizeof *srv);
    srv->config = config;
    srv->start_ms = clock_unix_ms();
    srv->start_mono_us = clock_mono_us();
    srv->lastsave_ms = srv->start_ms;
    atomic_store(&srv->next_client_id, 1);
    pthread_mutex_init(&srv->clients_lock, NULL);
    pthread_mutex_init(&srv->slowlog_lock, NULL);
    pthread_mutex_init(&srv->blocked_lock, NULL);
    ssize_t n = readlink("/proc/self/exe", srv->executable, sizeof srv->executable - 1);
    if (n > 0) srv->executable[n] = '\0';

    evthread_use_pthreads();
    signal(SIGPIPE, SIG_IGN);
    command_table_init();
    for (size_t i = 0; i < config_rename_count(config); i++) {
        const char *name, *new_name;
        config_rename_at(config, i, &name, &new_name);
        char why[200];
        if (command_rename(name, new_name, why, sizeof why) != 0) {
            snprintf(err, errlen, "rename-command %s \"%s\": %s", name, new_name, why);
            return -1;
        }
    }

    char dir[4096], compression[16];
    config_str(config, CONF_DIR, dir, sizeof dir);
    {
        buf_t b;
        buf_init(&b);
        config_format(config, CONF_ROCKSDB_COMPRESSION, &b);
        snprintf(compression, sizeof compression, "%.*s", (int)b.len, b.data);
        buf_fini(&b);
    }
    engine_options_t eo = {
        .dir = dir,
        .block_cache_bytes = (uint64_t)config_int(config, CONF_ROCKSDB_BLOCK_CACHE_SIZE) << 20,
        .write_buffer_bytes = (uint64_t)config_int(config, CONF_ROCKSDB_WRITE_BUFFER_SIZE) << 20,
        .max_open_files = (int)config_int(config, CONF_ROCKSDB_MAX_OPEN_FILES),
        .max_background_jobs = (int)config_int(config, CONF_ROCKSDB_MAX_BACKGROUND_JOBS),
        .compression = compression,
        .sync_writes = (int)config_int(config, CONF_ROCKSDB_SYNC),
        .disable_wal = (int)config_int(config, CONF_ROCKSDB_DISABLE_WAL),
        .info_log_level = (int)config_int(config, CONF_ROCKSDB_INFO_LOG_LEVEL),
    };
    engine_err_t eerr = {{0}};
    if (eo.sync_writes && eo.disable_wal) {
        snprintf(err, errlen, "rocksdb.write_options.sync yes needs the WAL: rocksdb.write_options.disable_wal is yes");
        return -1;
    }
    srandom((unsigned)(clock_unix_us() ^ getpid()));
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create data directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (!realpath(dir, srv->data_dir)) {
        snprintf(err, errlen, "cannot resolve data directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    char pdir[4096];
    config_str(config, CONF_PROFILING_DIR, pdir, sizeof pdir);
    if (pdir[0] && pdir[0] != '/') {
        snprintf(err, errlen, "profiling-dir must be an absolute path, not '%s'", pdir);
        return -1;
    }
    if (pdir[0])
        snprintf(srv->profiling_dir, sizeof srv->profiling_dir, "%s", pdir);
    else
        snprintf(srv->profiling_dir, sizeof srv->profiling_dir, "%.4000s/profiles", srv->data_dir);
    for (size_t len = strlen(srv->profiling_dir); len > 1 && srv->profiling_dir[len - 1] == '/'; len--)
        srv->profiling_dir[len - 1] = '\0';
    profiler_init();
    if (db_open(&eo, &srv->db, &eerr) != 0) {
        snprintf(err, errlen, "%s", eerr.msg);
        return -1;
    }
    config_set_apply_hook(config, apply_config, srv);
    if (memory_timeline_init(srv, err, errlen) != 0) return -1;

    srv->main_base = event_base_new();
    long long nworkers = config_int(config, CONF_WORKERS);
    if (nworkers <= 0) nworkers = sysconf(_SC_NPROCESSORS_ONLN);
    if (nworkers <= 0) nworkers = 1;
    srv->nworkers = (int)nworkers;
    srv->workers = calloc((size_t)srv->nworkers, sizeof *srv->workers);
    if (!srv->main_base || !srv->workers) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < srv->nworkers; i++) srv->workers[i].mailbox_fd = -1;
    for (int i = 0; i < srv->nworkers; i++)
        if (worker_init(srv, &srv->workers[i], i, err, errlen) != 0) return -1;

    char bind[1024];
    config_str(config, CONF_BIND, bind, sizeof bind);
    int port = (int)config_int(config, CONF_PORT);
    size_t naddr = 1;
    for (char *p = bind; *p; p++) naddr += *p == ' ';
    srv->listen_fds = calloc(naddr, sizeof *srv->listen_fds);
    srv->listen_events = calloc(naddr, sizeof *srv->listen_events);
    char *save = NULL;
    int exposed = 0;
    char exposed_hosts[1024] = "";
    for (char *host = strtok_r(bind, " ", &save); host; host = strtok_r(NULL, " ", &save)) {
        int this_exposed = 0;
        if (listen_on(srv, host, port, &this_exposed, err, errlen) != 0) return -1;
        if (this_exposed) {
            size_t used = strlen(exposed_hosts);
            snprintf(exposed_hosts + used, sizeof exposed_hosts - used, "%s%s", used ? " " : "", host);
        }
        exposed |= this_exposed;
    }
    if (srv->nlisten == 0) {
        snprintf(err, errlen, "no bind address");
        return -1;
    }
    allocator_stats_t a;
    server_memory_sample(srv, &a);
    srv->startup_allocated = a.allocated;
    if (exposed && config_str_is_empty(config, CONF_REQUIREPASS))
        log_warning("WARNING: listening on %s, which is not a loopback address, and requirepass is empty: anyone "
                    "who can reach port %d can read, change and delete every key. Set requirepass or bind 127.0.0.1.",
                    exposed_hosts, port);
    return 0;
}

int server_run(server_t *srv) {
    struct event *sigint = evsignal_new(srv->main_base, SIGINT, server_on_signal, srv);
    struct event *sigterm = evsignal_new(srv->main_base, SIGTERM, server_on_signal, srv);
    event_add(sigint, NULL);
    event_add(sigterm, NULL);
    for (int i = 0; i < srv->nworkers; i++)
        pthread_create(&srv->workers[i].thread, NULL, worker_main, &srv->workers[i]);
    char err[256];
    if (memory_timeline_start(srv, err, sizeof err) != 0)
        log_warning("%s: no memory history or automatic dumps", err);
    else
        atomic_store(&srv->timeline_running, 1);
    log_notice("Basalt %s ready to accept connections on port %lld (%d workers)", BASALT_VERSION,
               config_int(srv->config, CONF_PORT), srv->nworkers);
    event_base_dispatch(srv->main_base);

    /* Stop accepting, then let each worker finish the callback it is in. */
    for (int i = 0; i < srv->nlisten; i++) {
        event_free(srv->listen_events[i]);
        close(srv->listen_fds[i]);
    }
    srv->nlisten = 0;
    for (int i = 0; i < srv->nworkers; i++) worker_post(&srv->workers[i], task_stop, NULL);
    for (int i = 0; i < srv->nworkers; i++) pthread_join(srv->workers[i].thread, NULL);
    bg_jobs_shutdown();
    event_free(sigint);
    event_free(sigterm);
    return 0;
}

void server_fini(server_t *srv) {
    memory_timeline_free(srv); /* its threads read the clients and RocksDB */
    if (srv->workers)
        for (int i = 0; i < srv->nworkers; i++) worker_fini(&srv->workers[i]);
    free(srv->workers);
    for (int i = 0; i < srv->nlisten; i++) {
        event_free(srv->listen_events[i]);
        close(srv->listen_fds[i]);
    }
    free(srv->listen_fds);
    free(srv->listen_events);
    if (srv->main_base) event_base_free(srv->main_base);
    log_notice("closing RocksDB");
    db_close(srv->db);
    slowlog_reset(srv);
    free(srv->slowlog);
    pthread_mutex_destroy(&srv->clients_lock);
    pthread_mutex_destroy(&srv->slowlog_lock);
}

/* ---- client registry ---- */

static void task_kill(worker_t *w, void *arg) {
    (void)arg;
    worker_reap_clients(w);
}

int server_kill_clients(server_t *srv, const kill_filter_t *f) {
    int killed = 0;
    int notify[256] = {0};
    if (f->match_none) return 0;
    int64_t now = clock_unix_ms();
    pthread_mutex_lock(&srv->clients_lock);
    for (client_t *c = srv->clients; c; c = c->next) {
        if (c == f->except) continue;
        if (f->id && c->id != f->id) continue;
        if (f->addr && strcmp(c->addr, f->addr) != 0) continue;
        if (f->laddr && strcmp(c->laddr, f->laddr) != 0) continue;
        if (f->min_age_s && (now - c->created_ms) / 1000 < f->min_age_s) continue;
        atomic_store(&c->kill_requested, 1);
        notify[c->worker->id % 256] = 1;
        killed++;
    }
    pthread_mutex_unlock(&srv->clients_lock);
    for (int i = 0; i < srv->nworkers; i++)
        if (notify[i % 256]) worker_post(&srv->workers[i], task_kill, NULL);
    return killed;
}

/* ---- slow log ---- */

static void slowlog_entry_free(slowlog_entry_t *e) {
    for (int i = 0; i < e->argc; i++) free(e->argv[i]);
    free(e->argv);
    e->argv = NULL;
    e->argc = 0;
}

void slowlog_add(server_t *srv, client_t *c, const slice_t *argv, size_t argc, int64_t duration_us) {
    pthread_mutex_lock(&srv->slowlog_lock);
    size_t max = (size_t)config_int(srv->config, CONF_SLOWLOG_MAX_LEN);
    if (duration_us >= 0 && max > 0) {
        if (srv->slowlog_len == srv->slowlog_cap) {
            size_t cap = srv->slowlog_cap ? srv->slowlog_cap * 2 : 16;
            slowlog_entry_t *grown = realloc(srv->slowlog, cap * sizeof *grown);
            if (grown) {
                srv->slowlog = grown;
                srv->slowlog_cap = cap;
            }
        }
        if (srv->slowlog_len < srv->slowlog_cap) {
            memmove(srv->slowlog + 1, srv->slowlog, srv->slowlog_len * sizeof *srv->slowlog);
            slowlog_entry_t *e = &srv->slowlog[0];
            memset(e, 0, sizeof *e);
            e->id = srv->slowlog_next_id++;
            e->time_s = clock_unix_ms() / 1000;
            e->duration_us = duration_us;
            e->orig_argc = (int)argc;
            int keep = argc > 32 ? 32 : (int)argc;
            e->argv = calloc((size_t)keep, sizeof *e->argv);
            for (int i = 0; e->argv && i < keep; i++) {
                char *s;
                if (i == 31 && argc > 32) {
                    s = malloc(64);
                    if (s) snprintf(s, 64, "... (%zu more arguments)", argc - 31);
                } else if (argv[i].len > 128) {
                    s = malloc(200);
                    if (s) snprintf(s, 200, "%.*s... (%zu more bytes)", 128, argv[i].ptr, argv[i].len - 128);
                } else {
                    s = malloc(argv[i].len + 1);
                    if (s) {
                        memcpy(s, argv[i].ptr, argv[i].len);
                        s[argv[i].len] = '\0';
                    }
                }
                if (!s) break;
                e->argv[i] = s;
                e->argc = i + 1;
            }
            snprintf(e->addr, sizeof e->addr, "%s", c ? c->addr : "");
            pthread_mutex_lock(&srv->clients_lock);
            snprintf(e->name, sizeof e->name, "%s", c ? c->name : "");
            pthread_mutex_unlock(&srv->clients_lock);
            srv->slowlog_len++;
        }
    }
    while (srv->slowlog_len > max) slowlog_entry_free(&srv->slowlog[--srv->slowlog_len]);
    pthread_mutex_unlock(&srv->slowlog_lock);
}

void slowlog_reset(server_t *srv) {
    pthread_mutex_lock(&srv->slowlog_lock);
    while (srv->slowlog_len) slowlog_entry_free(&srv->slowlog[--srv->slowlog_len]);
    pthread_mutex_unlock(&srv->slowlog_lock);
}

/* ---- statistics ---- */

void server_stats_sum(server_t *srv, stats_totals_t *out) {
    memset(out, 0, sizeof *out);
    for (int i = 0; i < srv->nworkers; i++) {
        worker_stats_t *s = &srv->workers[i].stats;
        out->commands += atomic_load(&s->commands);
        out->net_input_bytes += atomic_load(&s->net_input_bytes);
        out->net_output_bytes += atomic_load(&s->net_output_bytes);
        out->keyspace_hits += atomic_load(&s->keyspace_hits);
        out->keyspace_misses += atomic_load(&s->keyspace_misses);
        out->error_replies += atomic_load(&s->error_replies);
    }
}

void server_reset_stats(server_t *srv) {
    for (int i = 0; i < srv->nworkers; i++) {
        worker_stats_t *s = &srv->workers[i].stats;
        atomic_store(&s->commands, 0);
        atomic_store(&s->net_input_bytes, 0);
        atomic_store(&s->net_output_bytes, 0);
        atomic_store(&s->keyspace_hits, 0);
        atomic_store(&s->keyspace_misses, 0);
        atomic_store(&s->error_replies, 0);
    }
    atomic_store(&srv->total_connections, 0);
    atomic_store(&srv->rejected_connections, 0);
    atomic_store(&srv->qbuf_limit_disconnections, 0);
    atomic_store(&srv->obuf_limit_disconnections, 0);
    for (size_t i = 0; i < command_count(); i++) {
        command_stats_t *cs = command_at(i)->stats;
        atomic_store(&cs->calls, 0);
        atomic_store(&cs->usec, 0);
        atomic_store(&cs->rejected_calls, 0);
        atomic_store(&cs->failed_calls, 0);
    }
}
