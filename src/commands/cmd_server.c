/* Server commands: COMMAND, CONFIG, TIME, LASTSAVE, SHUTDOWN, SLOWLOG,
 * DEBUG, COMPACT. INFO lives in cmd_info.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands/command.h"
#include "memory/debug_leak.h"
#include "memory/heap_hold.h"
#include "server/server.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strutil.h"

/* ---- COMMAND ---- */

static void reply_flag_set(reply_t *r, const command_def_t *cmd) {
    static const struct {
        unsigned flag;
        const char *name;
    } names[] = {{CMD_WRITE, "write"},       {CMD_READONLY, "readonly"}, {CMD_DENYOOM, "denyoom"},
                 {CMD_ADMIN, "admin"},       {CMD_NOSCRIPT, "noscript"}, {CMD_BLOCKING, "blocking"},
                 {CMD_LOADING, "loading"},   {CMD_STALE, "stale"},       {CMD_FAST, "fast"},
                 {CMD_NOAUTH, "no_auth"}};
    int n = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) n += (cmd->flags & names[i].flag) != 0;
    reply_set(r, n);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (cmd->flags & names[i].flag) reply_simple(r, names[i].name);
}

static void reply_acl_categories(reply_t *r, const command_def_t *cmd) {
    const char *cats[4];
    int n = 0;
    cats[n++] = cmd->flags & CMD_WRITE ? "@write" : "@read";
    if (!strcmp(cmd->group, "string")) cats[n++] = "@string";
    else if (!strcmp(cmd->group, "generic")) cats[n++] = "@keyspace";
    else if (!strcmp(cmd->group, "connection")) cats[n++] = "@connection";
    if (cmd->flags & CMD_ADMIN) cats[n++] = "@admin";
    cats[n++] = cmd->flags & CMD_FAST ? "@fast" : "@slow";
    reply_set(r, n);
    for (int i = 0; i < n; i++) reply_simple(r, cats[i]);
}

static void reply_command_info(reply_t *r, const command_def_t *cmd) {
    reply_array(r, 10);
    reply_bulk_cstr(r, cmd->name);
    reply_int(r, cmd->arity);
    reply_flag_set(r, cmd);
    reply_int(r, cmd->first_key);
    reply_int(r, cmd->last_key);
    reply_int(r, cmd->key_step);
    reply_acl_categories(r, cmd);
    reply_set(r, 0); /* tips */
    if (cmd->first_key > 0) {
        /* One key spec: keys from first_key to last_key by key_step. */
        reply_array(r, 1);
        reply_map(r, 3);
        reply_bulk_cstr(r, "flags");
        reply_set(r, 1);
        reply_simple(r, cmd->flags & CMD_WRITE ? "RW" : "RO");
        reply_bulk_cstr(r, "begin_search");
        reply_map(r, 2);
        reply_bulk_cstr(r, "type");
        reply_bulk_cstr(r, "index");
        reply_bulk_cstr(r, "spec");
        reply_map(r, 1);
        reply_bulk_cstr(r, "index");
        reply_int(r, cmd->first_key);
        reply_bulk_cstr(r, "find_keys");
        reply_map(r, 2);
        reply_bulk_cstr(r, "type");
        reply_bulk_cstr(r, "range");
        reply_bulk_cstr(r, "spec");
        reply_map(r, 3);
        reply_bulk_cstr(r, "lastkey");
        reply_int(r, cmd->last_key < 0 ? cmd->last_key : cmd->last_key - cmd->first_key);
        reply_bulk_cstr(r, "keystep");
        reply_int(r, cmd->key_step);
        reply_bulk_cstr(r, "limit");
        reply_int(r, 0);
    } else {
        reply_array(r, 0);
    }
    reply_array(r, 0); /* subcommands */
}

static void reply_command_docs(reply_t *r, const command_def_t *cmd) {
    reply_bulk_cstr(r, cmd->name);
    reply_map(r, 4);
    reply_bulk_cstr(r, "summary");
    reply_bulk_cstr(r, cmd->summary);
    reply_bulk_cstr(r, "since");
    reply_bulk_cstr(r, cmd->since);
    reply_bulk_cstr(r, "group");
    reply_bulk_cstr(r, cmd->group);
    reply_bulk_cstr(r, "complexity");
    reply_bulk_cstr(r, cmd->complexity);
}

static void command_getkeys(cmd_ctx_t *ctx) {
    const command_def_t *cmd = command_lookup(ctx->argv[2]);
    size_t argc = ctx->argc - 2;
    const slice_t *argv = ctx->argv + 2;
    if (!cmd) {
        reply_error(ctx->reply, "ERR Invalid command specified");
        return;
    }
    if ((cmd->arity > 0 && (long long)argc != cmd->arity) || (cmd->arity < 0 && (long long)argc < -cmd->arity)) {
        reply_error(ctx->reply, "ERR Invalid number of arguments specified for command");
        return;
    }
    if (cmd->first_key <= 0) {
        reply_error(ctx->reply, "ERR The command has no key arguments");
        return;
    }
    long long last = cmd->last_key < 0 ? (long long)argc + cmd->last_key : cmd->last_key;
    size_t mark = reply_deferred_begin(ctx->reply);
    long long n = 0;
    for (long long i = cmd->first_key; i <= last && i < (long long)argc; i += cmd->key_step, n++)
        reply_bulk(ctx->reply, argv[i].ptr, argv[i].len);
    reply_deferred_array(ctx->reply, mark, n);
}

/* Commands disabled by rename-command are left out, as in Redis. */
static size_t enabled_count(void) {
    size_t n = 0;
    for (size_t i = 0; i < command_count(); i++) n += command_enabled(command_at(i));
    return n;
}

static void reply_all_command_info(reply_t *r) {
    reply_array(r, (long long)enabled_count());
    for (size_t i = 0; i < command_count(); i++)
        if (command_enabled(command_at(i))) reply_command_info(r, command_at(i));
}

void cmd_command(cmd_ctx_t *ctx) {
    reply_t *r = ctx->reply;
    size_t n = command_count();
    if (ctx->argc == 1) {
        reply_all_command_info(r);
        return;
    }
    slice_t sub = ctx->argv[1];
    if (slice_eq_nocase(sub, "count") && ctx->argc == 2) {
        reply_int(r, (long long)enabled_count());
    } else if (slice_eq_nocase(sub, "info")) {
        if (ctx->argc == 2) {
            reply_all_command_info(r);
            return;
        }
        reply_array(r, (long long)ctx->argc - 2);
        for (size_t i = 2; i < ctx->argc; i++) {
            const command_def_t *cmd = command_lookup(ctx->argv[i]);
            if (cmd)
                reply_command_info(r, cmd);
            else
                reply_null_array(r);
        }
    } else if (slice_eq_nocase(sub, "docs")) {
        size_t mark = reply_deferred_begin(r);
        long long pairs = 0;
        if (ctx->argc == 2) {
            for (size_t i = 0; i < n; i++)
                if (command_enabled(command_at(i))) {
                    reply_command_docs(r, command_at(i));
                    pairs++;
                }
        } else {
            for (size_t i = 2; i < ctx->argc; i++) {
                const command_def_t *cmd = command_lookup(ctx->argv[i]);
                if (cmd) {
                    reply_command_docs(r, cmd);
                    pairs++;
                }
            }
        }
        reply_deferred_map(r, mark, pairs);
    } else if (slice_eq_nocase(sub, "list")) {
        reply_array(r, (long long)enabled_count());
        for (size_t i = 0; i < n; i++)
            if (command_enabled(command_at(i))) reply_bulk_cstr(r, command_at(i)->name);
    } else if (slice_eq_nocase(sub, "getkeys") && ctx->argc >= 3) {
        command_getkeys(ctx);
    } else if (slice_eq_nocase(sub, "help") && ctx->argc == 2) {
        static const char *const lines[] = {
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "(no subcommand)", "    Return details about all commands.",
            "COUNT", "    Return the total number of commands in this server.",
            "LIST", "    Return a list of all commands in this server.",
            "INFO [<command-name> ...]", "    Return details about multiple commands.",
            "DOCS [<command-name> ...]", "    Return documentation details about multiple commands.",
            "GETKEYS <full-command>", "    Return the keys from a full command.",
            "HELP", "    Print this help.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
    } else {
        static const char *const known[] = {"count", "getkeys", "help"};
        reply_subcommand_error(ctx, known, sizeof known / sizeof known[0]);
    }
}

/* ---- CONFIG ---- */

void cmd_config(cmd_ctx_t *ctx) {
    slice_t sub = ctx->argv[1];
    config_t *cfg = ctx->srv->config;
    char err[512];
    if (slice_eq_nocase(sub, "get")) {
        if (ctx->argc < 3) {
            reply_wrong_arity(ctx->reply, "config|get");
            return;
        }
        int matched[CONF_COUNT] = {0};
        long long pairs = 0;
        for (size_t i = 2; i < ctx->argc; i++)
            for (int id = 0; id < CONF_COUNT; id++) {
                const char *name = config_name((enum config_id)id);
                if (!matched[id] && glob_match(ctx->argv[i].ptr, ctx->argv[i].len, name, strlen(name), 1)) {
                    matched[id] = 1;
                    pairs++;
                }
            }
        reply_map(ctx->reply, pairs);
        buf_t value;
        buf_init(&value);
        for (int id = 0; id < CONF_COUNT; id++) {
            if (!matched[id]) continue;
            reply_bulk_cstr(ctx->reply, config_name((enum config_id)id));
            buf_clear(&value);
            config_format(cfg, (enum config_id)id, &value);
            reply_bulk(ctx->reply, value.data ? value.data : "", value.len);
        }
        buf_fini(&value);
    } else if (slice_eq_nocase(sub, "set")) {
        if (ctx->argc < 4 || ctx->argc % 2 != 0) {
            reply_wrong_arity(ctx->reply, "config|set");
            return;
        }
        /* All or nothing, as in Redis 7: check every pair (and duplicates)
         * first, then apply, undoing the applied ones if one fails. */
        size_t npairs = (ctx->argc - 2) / 2;
        for (size_t i = 0; i < npairs; i++) {
            char name[128], value[4096];
            slice_t n = ctx->argv[2 + 2 * i], v = ctx->argv[3 + 2 * i];
            arg_to_cstr(n, name, sizeof name);
            arg_to_cstr(v, value, sizeof value);
            if (v.len >= sizeof value || memchr(v.ptr, '\0', v.len) || n.len >= sizeof name) {
                reply_errorf(ctx->reply, "ERR CONFIG SET failed (possibly related to argument '%s') - invalid value",
                             name);
                return;
            }
            for (size_t j = 0; j < i; j++)
                if (config_find(name) >= 0 && slice_eq_nocase(ctx->argv[2 + 2 * j], config_name(config_find(name)))) {
                    reply_errorf(ctx->reply, "ERR CONFIG SET failed (possibly related to argument '%s') - duplicate "
                                             "parameter", name);
                    return;
                }
            if (config_check_runtime(name, value, err, sizeof err) != 0) {
                reply_errorf(ctx->reply, "ERR %s", err);
                return;
            }
        }
        buf_t old[16];
        size_t applied = 0;
        int failed = npairs > 16;
        if (failed) snprintf(err, sizeof err, "CONFIG SET failed - too many parameters at once");
        for (size_t i = 0; i < npairs && !failed; i++, applied++) {
            char name[128], value[4096];
            arg_to_cstr(ctx->argv[2 + 2 * i], name, sizeof name);
            arg_to_cstr(ctx->argv[3 + 2 * i], value, sizeof value);
            buf_init(&old[i]);
            config_format(cfg, (enum config_id)config_find(name), &old[i]);
            buf_append_char(&old[i], '\0');
            if (config_set_runtime(cfg, name, value, err, sizeof err) != 0) {
                buf_fini(&old[i]);
                failed = 1;
                break;
            }
        }
        for (size_t i = 0; i < applied; i++) {
            if (failed) {
                char name[128], ignored[256];
                arg_to_cstr(ctx->argv[2 + 2 * i], name, sizeof name);
                config_set_runtime(cfg, name, old[i].data, ignored, sizeof ignored);
            }
            buf_fini(&old[i]);
        }
        if (failed)
            reply_errorf(ctx->reply, "ERR %s", err);
        else
            reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "rewrite") && ctx->argc == 2) {
        if (config_rewrite(cfg, err, sizeof err) != 0)
            reply_errorf(ctx->reply, "ERR %s", err);
        else
            reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "resetstat") && ctx->argc == 2) {
        server_reset_stats(ctx->srv);
        reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "help") && ctx->argc == 2) {
        static const char *const lines[] = {
            "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
            "RESETSTAT", "    Reset statistics reported by the INFO command.",
            "REWRITE", "    Rewrite the configuration file.",
            "HELP", "    Print this help.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
    } else {
        static const char *const known[] = {"rewrite", "resetstat", "help"};
        reply_subcommand_error(ctx, known, sizeof known / sizeof known[0]);
    }
}

/* ---- small server commands ---- */

void cmd_time(cmd_ctx_t *ctx) {
    int64_t us = clock_unix_us();
    reply_array(ctx->reply, 2);
    reply_bulk_ll(ctx->reply, us / 1000000);
    reply_bulk_ll(ctx->reply, us % 1000000);
}

void cmd_lastsave(cmd_ctx_t *ctx) {
    /* Every acknowledged write is in the WAL: the data is always "saved".
     * Report start time, the last moment nothing was pending in memory. */
    reply_int(ctx->reply, ctx->srv->lastsave_ms / 1000);
}

void cmd_shutdown(cmd_ctx_t *ctx) {
    for (size_t i = 1; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        if (slice_eq_nocase(a, "abort")) {
            reply_error(ctx->reply, "ERR No shutdown in progress.");
            return;
        }
        if (!slice_eq_nocase(a, "nosave") && !slice_eq_nocase(a, "save") && !slice_eq_nocase(a, "now") &&
            !slice_eq_nocase(a, "force")) {
            reply_syntax_error(ctx->reply);
            return;
        }
    }
    log_notice("SHUTDOWN requested by client %s", ctx->client->addr);
    /* As in Redis, a successful SHUTDOWN closes the connection unanswered. */
    ctx->client->close_after_reply = 1;
    server_request_shutdown(ctx->srv);
}

void cmd_slowlog(cmd_ctx_t *ctx) {
    server_t *srv = ctx->srv;
    slice_t sub = ctx->argv[1];
    reply_t *r = ctx->reply;
    if (slice_eq_nocase(sub, "get") && ctx->argc <= 3) {
        long long count = 10;
        if (ctx->argc == 3) {
            if (!str_to_ll_arg(ctx->argv[2], &count) || count < -1) {
                reply_error(r, "ERR count should be greater than or equal to -1");
                return;
            }
        }
        pthread_mutex_lock(&srv->slowlog_lock);
        size_t n = count < 0 || (size_t)count > srv->slowlog_len ? srv->slowlog_len : (size_t)count;
        reply_array(r, (long long)n);
        for (size_t i = 0; i < n; i++) {
            slowlog_entry_t *e = &srv->slowlog[i];
            reply_array(r, 6);
            reply_int(r, e->id);
            reply_int(r, e->time_s);
            reply_int(r, e->duration_us);
            reply_array(r, e->argc);
            for (int k = 0; k < e->argc; k++) reply_bulk_cstr(r, e->argv[k]);
            reply_bulk_cstr(r, e->addr);
            reply_bulk_cstr(r, e->name);
        }
        pthread_mutex_unlock(&srv->slowlog_lock);
    } else if (slice_eq_nocase(sub, "len") && ctx->argc == 2) {
        pthread_mutex_lock(&srv->slowlog_lock);
        long long n = (long long)srv->slowlog_len;
        pthread_mutex_unlock(&srv->slowlog_lock);
        reply_int(r, n);
    } else if (slice_eq_nocase(sub, "reset") && ctx->argc == 2) {
        slowlog_reset(srv);
        reply_ok(r);
    } else if (slice_eq_nocase(sub, "help") && ctx->argc == 2) {
        static const char *const lines[] = {
            "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "LEN", "    Return the length of the slowlog.",
            "RESET", "    Reset the slowlog.",
            "HELP", "    Print this help.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
    } else {
        static const char *const known[] = {"get", "len", "reset", "help"};
        reply_subcommand_error(ctx, known, sizeof known / sizeof known[0]);
    }
}

void cmd_debug(cmd_ctx_t *ctx) {
    if (!config_int(ctx->srv->config, CONF_ENABLE_DEBUG_COMMAND)) {
        reply_error(ctx->reply, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"no\", "
                                "you need to set it to \"yes\" in the configuration file, and then restart the server.");
        return;
    }
    slice_t sub = ctx->argv[1];
    if (slice_eq_nocase(sub, "sleep") && ctx->argc == 3) {
        double seconds;
        if (!str_to_double(ctx->argv[2].ptr, ctx->argv[2].len, &seconds) || seconds < 0 || isinf(seconds)) {
            reply_error(ctx->reply, "ERR value is not a valid float");
            return;
        }
        /* Blocks this worker only, like Redis blocks its one thread. */
        struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
        nanosleep(&ts, NULL);
        reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "heap-hold") && ctx->argc == 4) {
        long long bytes, count;
        if (!arg_to_ll(ctx, ctx->argv[2], &bytes) || !arg_to_ll(ctx, ctx->argv[3], &count)) return;
        if (count < 1 || count > 1000000 || bytes < count || bytes > (1LL << 36)) {
            reply_error(ctx->reply, "ERR HEAP-HOLD needs 1 <= count <= 1000000 and count <= bytes <= 64 GiB");
            return;
        }
        if (debug_heap_hold((size_t)bytes, (size_t)count) != 0) {
            reply_error(ctx->reply, "ERR out of memory");
            return;
        }
        reply_int(ctx->reply, (long long)debug_heap_held());
    } else if (slice_eq_nocase(sub, "heap-stacks") && ctx->argc == 3) {
        long long count;
        if (!arg_to_ll(ctx, ctx->argv[2], &count)) return;
        if (count < 1 || count > DEBUG_HEAP_STACKS_MAX) {
            reply_errorf(ctx->reply, "ERR HEAP-STACKS needs 1 <= count <= %d", DEBUG_HEAP_STACKS_MAX);
            return;
        }
        if (debug_heap_stacks((size_t)count) != 0) {
            reply_error(ctx->reply, "ERR out of memory");
            return;
        }
        reply_int(ctx->reply, (long long)debug_heap_held());
    } else if (slice_eq_nocase(sub, "heap-release") && ctx->argc == 2) {
        reply_int(ctx->reply, (long long)debug_heap_release());
    } else if (slice_eq_nocase(sub, "leak") && ctx->argc == 3) {
        long long bytes;
        if (!arg_to_ll(ctx, ctx->argv[2], &bytes)) return;
        if (bytes < 1 || bytes > (1LL << 20)) {
            reply_error(ctx->reply, "ERR LEAK needs 1 <= bytes <= 1 MiB");
            return;
        }
        if (debug_leak((size_t)bytes) != 0) {
            reply_error(ctx->reply, "ERR out of memory");
            return;
        }
        reply_ok(ctx->reply);
    } else if (slice_eq_nocase(sub, "help")) {
        static const char *const lines[] = {
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "SLEEP <seconds>", "    Stop the worker for <seconds> (decimals allowed).",
            "HEAP-HOLD <bytes> <count>", "    Allocate and keep <count> blocks totalling <bytes> (profiler tests).",
            "HEAP-STACKS <count>", "    Keep <count> 64-byte blocks, each from a distinct call stack (profile sizes).",
            "HEAP-RELEASE", "    Free every block kept by HEAP-HOLD and HEAP-STACKS.",
            "LEAK <bytes>", "    Allocate <bytes> and lose the pointer (LeakSanitizer must report it at exit).",
            "HELP", "    Print this help.",
        };
        reply_help(ctx->reply, lines, sizeof lines / sizeof lines[0]);
    } else {
        static const char *const known[] = {"sleep", "heap-hold", "heap-stacks", "heap-release", "leak"};
        reply_subcommand_error(ctx, known, sizeof known / sizeof known[0]);
    }
}

void cmd_compact(cmd_ctx_t *ctx) {
    engine_err_t err;
    if (engine_compact_all(db_engine(ctx->db), &err) != 0)
        reply_errorf(ctx->reply, "ERR %s", err.msg);
    else
        reply_ok(ctx->reply);
}
