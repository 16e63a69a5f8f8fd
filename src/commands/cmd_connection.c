/* Connection commands: they read and change the calling client's state. */
#include <stdio.h>
#include <string.h>

#include "commands/command.h"
#include "server/server.h"

void cmd_ping(cmd_ctx_t *ctx) {
    if (ctx->argc > 2)
        reply_wrong_arity(ctx->reply, "ping");
    else if (ctx->argc == 2)
        reply_bulk(ctx->reply, ctx->argv[1].ptr, ctx->argv[1].len);
    else
        reply_simple(ctx->reply, "PONG");
}

void cmd_echo(cmd_ctx_t *ctx) { reply_bulk(ctx->reply, ctx->argv[1].ptr, ctx->argv[1].len); }

void cmd_quit(cmd_ctx_t *ctx) {
    reply_ok(ctx->reply);
    ctx->client->close_after_reply = 1;
}

static void set_client_name(client_t *c, server_t *srv, slice_t name, char *field) {
    pthread_mutex_lock(&srv->clients_lock);
    size_t n = name.len > CLIENT_NAME_MAX ? CLIENT_NAME_MAX : name.len;
    memcpy(field, name.ptr, n);
    field[n] = '\0';
    pthread_mutex_unlock(&srv->clients_lock);
}

void cmd_reset(cmd_ctx_t *ctx) {
    client_t *c = ctx->client;
    set_client_name(c, ctx->srv, slice_make("", 0), c->name);
    c->reply.proto = 2;
    c->authenticated = config_str_is_empty(ctx->srv->config, CONF_REQUIREPASS);
    reply_simple(ctx->reply, "RESET");
}

/* Checks a password for the default user. Replies with the error and
 * returns 0 when it is refused. */
static int check_password(cmd_ctx_t *ctx, const slice_t *user, slice_t pass) {
    config_t *cfg = ctx->srv->config;
    if (config_str_is_empty(cfg, CONF_REQUIREPASS) && !user) {
        reply_error(ctx->reply, "ERR AUTH <password> called without any password configured for the default user. "
                                "Are you sure your configuration is correct?");
        return 0;
    }
    int user_ok = !user || slice_eq_nocase(*user, "default");
    int pass_ok = config_str_is_empty(cfg, CONF_REQUIREPASS) || config_str_equals(cfg, CONF_REQUIREPASS, pass.ptr, pass.len);
    if (!user_ok || !pass_ok) {
        reply_error(ctx->reply, "WRONGPASS invalid username-password pair or user is disabled.");
        return 0;
    }
    ctx->client->authenticated = 1;
    return 1;
}

void cmd_auth(cmd_ctx_t *ctx) {
    if (ctx->argc > 3) {
        reply_syntax_error(ctx->reply);
        return;
    }
    int ok = ctx->argc == 2 ? check_password(ctx, NULL, ctx->argv[1]) : check_password(ctx, &ctx->argv[1], ctx->argv[2]);
    if (ok) reply_ok(ctx->reply);
}

void cmd_hello(cmd_ctx_t *ctx) {
    long long proto = ctx->client->reply.proto;
    size_t i = 1;
    if (ctx->argc >= 2) {
        if (!str_to_ll_arg(ctx->argv[1], &proto)) {
            reply_error(ctx->reply, "ERR Protocol version is not an integer or out of range");
            return;
        }
        if (proto < 2 || proto > 3) {
            reply_error(ctx->reply, "NOPROTO unsupported protocol version");
            return;
        }
        i = 2;
    }
    slice_t setname = {0};
    int has_setname = 0;
    for (; i < ctx->argc; i++) {
        if (slice_eq_nocase(ctx->argv[i], "auth") && i + 2 < ctx->argc) {
            if (!check_password(ctx, &ctx->argv[i + 1], ctx->argv[i + 2])) return;
            i += 2;
        } else if (slice_eq_nocase(ctx->argv[i], "setname") && i + 1 < ctx->argc) {
            setname = ctx->argv[++i];
            has_setname = 1;
        } else {
            char opt[64];
            arg_to_cstr(ctx->argv[i], opt, sizeof opt);
            reply_errorf(ctx->reply, "ERR Syntax error in HELLO option '%s'", opt);
            return;
        }
    }
    if (!ctx->client->authenticated) {
        reply_error(ctx->reply, "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                                "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
                                "select the RESP protocol version at the same time");
        return;
    }
    if (has_setname) {
        for (size_t k = 0; k < setname.len; k++)
            if (setname.ptr[k] <= ' ' || setname.ptr[k] > '~') {
                reply_error(ctx->reply, "ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
        set_client_name(ctx->client, ctx->srv, setname, ctx->client->name);
    }
    ctx->client->reply.proto = (int)proto;
    reply_t *r = ctx->reply;
    reply_map(r, 7);
    reply_bulk_cstr(r, "server");
    reply_bulk_cstr(r, "redis");
    reply_bulk_cstr(r, "version");
    reply_bulk_cstr(r, BASALT_REDIS_VERSION);
    reply_bulk_cstr(r, "proto");
    reply_int(r, proto);
    reply_bulk_cstr(r, "id");
    reply_int(r, (long long)ctx->client->id);
    reply_bulk_cstr(r, "mode");
    reply_bulk_cstr(r, "standalone");
    reply_bulk_cstr(r, "role");
    reply_bulk_cstr(r, "master");
    reply_bulk_cstr(r, "modules");
    reply_array(r, 0);
}

void cmd_select(cmd_ctx_t *ctx) {
    long long id;
    if (!arg_to_ll(ctx, ctx->argv[1], &id)) return;
    if (id != 0)
        reply_error(ctx->reply, "ERR DB index is out of range");
    else
        reply_ok(ctx->reply);
}

/* ---- CLIENT ---- */

static void client_list(cmd_ctx_t *ctx, int only_self) {
    buf_t out;
    buf_init(&out);
    pthread_mutex_lock(&ctx->srv->clients_lock);
    if (only_self) {
        client_describe(ctx->client, &out);
        buf_append_char(&out, '\n');
    } else {
        for (client_t *c = ctx->srv->clients; c; c = c->next) {
            client_describe(c, &out);
            buf_append_char(&out, '\n');
        }
    }
    pthread_mutex_unlock(&ctx->srv->clients_lock);
    reply_verbatim(ctx->reply, out.data ? out.data : "", out.len);
    buf_fini(&out);
}

static void client_kill(cmd_ctx_t *ctx) {
    char addr[128], laddr[128];
    kill_filter_t f = {0};
    if (ctx->argc == 3) { /* old form: CLIENT KILL addr:port */
        arg_to_cstr(ctx->argv[2], addr, sizeof addr);
        f.addr = addr;
        if (server_kill_clients(ctx->srv, &f) == 0)
            reply_error(ctx->reply, "ERR No such client");
        else
            reply_ok(ctx->reply);
        return;
    }
    if (ctx->argc % 2 != 0) {
        reply_syntax_error(ctx->reply);
        return;
    }
    f.except = ctx->client;
    for (size_t i = 2; i + 1 < ctx->argc; i += 2) {
        slice_t opt = ctx->argv[i], val = ctx->argv[i + 1];
        long long v;
        if (slice_eq_nocase(opt, "id")) {
            if (!str_to_ll_arg(val, &v) || v <= 0) {
                reply_error(ctx->reply, "ERR client-id should be greater than 0");
                return;
            }
            f.id = (uint64_t)v;
        } else if (slice_eq_nocase(opt, "addr")) {
            arg_to_cstr(val, addr, sizeof addr);
            f.addr = addr;
        } else if (slice_eq_nocase(opt, "laddr")) {
            arg_to_cstr(val, laddr, sizeof laddr);
            f.laddr = laddr;
        } else if (slice_eq_nocase(opt, "skipme")) {
            if (slice_eq_nocase(val, "yes")) f.except = ctx->client;
            else if (slice_eq_nocase(val, "no")) f.except = NULL;
            else {
                reply_syntax_error(ctx->reply);
                return;
            }
        } else if (slice_eq_nocase(opt, "type")) {
            /* Every client here is a normal one: no replicas, no pub/sub yet. */
            if (slice_eq_nocase(val, "normal")) {
            } else if (slice_eq_nocase(val, "master") || slice_eq_nocase(val, "replica") ||
                       slice_eq_nocase(val, "slave") || slice_eq_nocase(val, "pubsub")) {
                f.match_none = 1;
            } else {
                char t[64];
                arg_to_cstr(val, t, sizeof t);
                reply_errorf(ctx->reply, "ERR Unknown client type '%s'", t);
                return;
            }
        } else if (slice_eq_nocase(opt, "user")) {
            if (!slice_eq_nocase(val, "default")) {
                char u[64];
                arg_to_cstr(val, u, sizeof u);
                reply_errorf(ctx->reply, "ERR No such user '%s'", u);
                return;
            }
        } else if (slice_eq_nocase(opt, "maxage")) {
            if (!str_to_ll_arg(val, &v) || v < 0) {
                reply_syntax_error(ctx->reply);
                return;
            }
            f.min_age_s = v;
        } else {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    reply_int(ctx->reply, server_kill_clients(ctx->srv, &f));
}

void cmd_client(cmd_ctx_t *ctx) {
    slice_t sub = ctx->argv[1];
    client_t *c = ctx->client;
    if (slice_eq_nocase(sub, "id") && ctx->argc == 2) {
        reply_int(ctx->reply, (long long)c->id);
    } else if (slice_eq_nocase(sub, "setname") && ctx->argc == 3) {
        slice_t name = ctx->argv[2];
        for (size_t k = 0; k < name.len; k++)
            if (name.ptr[k] <= ' ' || name.ptr[k] > '~') {
                reply_error(ctx->reply, "ERR Client names cannot contain spaces, newlines or special characters.");
                return;
            }
        set_client_name(c, ctx->srv, name, c->name);
        reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "getname") && ctx->argc == 2) {
        if (c->name[0])
            reply_bulk_cstr(ctx->reply, c->name);
        else
            reply_null(ctx->reply);
    } else if (slice_eq_nocase(sub, "list")) {
        client_list(ctx, 0);
    } else if (slice_eq_nocase(sub, "info") && ctx->argc == 2) {
        client_list(ctx, 1);
    } else if (slice_eq_nocase(sub, "kill") && ctx->argc >= 3) {
        client_kill(ctx);
    } else if (slice_eq_nocase(sub, "setinfo") && ctx->argc == 4) {
        slice_t what = ctx->argv[2], value = ctx->argv[3];
        for (size_t k = 0; k < value.len; k++)
            if (value.ptr[k] <= ' ' || value.ptr[k] > '~') {
                reply_error(ctx->reply, "ERR lib-name and lib-ver cannot contain spaces, newlines or special characters.");
                return;
            }
        if (slice_eq_nocase(what, "lib-name"))
            set_client_name(c, ctx->srv, value, c->lib_name);
        else if (slice_eq_nocase(what, "lib-ver"))
            set_client_name(c, ctx->srv, value, c->lib_ver);
        else {
            char attr[64];
            arg_to_cstr(what, attr, sizeof attr);
            reply_errorf(ctx->reply, "ERR Unrecognized option '%s'", attr);
            return;
        }
        reply_ok(ctx->reply);
    } else if ((slice_eq_nocase(sub, "no-evict") || slice_eq_nocase(sub, "no-touch")) && ctx->argc == 3) {
        reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "help") && ctx->argc == 2) {
        static const char *const lines[] = {
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ID", "    Return the ID of the current connection.",
            "GETNAME", "    Return the name of the current connection.",
            "SETNAME <name>", "    Assign the name <name> to the current connection.",
            "SETINFO <LIB-NAME|LIB-VER> <value>", "    Set client library name or version.",
            "LIST", "    Return information about client connections.",
            "INFO", "    Return information about the current client connection.",
            "KILL <ip:port> | KILL <ID|ADDR|LADDR|SKIPME> <value> ...", "    Kill connections.",
            "HELP", "    Print this help.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
    } else {
        static const char *const known[] = {"id", "setname", "getname", "list", "info", "kill", "setinfo",
                                            "no-evict", "no-touch", "help"};
        reply_subcommand_error(ctx, known, sizeof known / sizeof known[0]);
    }
}
