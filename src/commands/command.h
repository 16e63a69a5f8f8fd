#ifndef BASALT_COMMANDS_COMMAND_H
#define BASALT_COMMANDS_COMMAND_H

#include <stdatomic.h>
#include <stddef.h>

#include "server/reply.h"
#include "storage/db.h"
#include "util/slice.h"

struct server;
struct client;

/* What a command handler gets: its arguments (argv[0] is the name), where
 * to write the reply, and the data layer with this thread's scratch. The
 * argument views live until the handler returns. */
typedef struct cmd_ctx {
    struct server *srv;
    struct client *client;
    db_t *db;
    db_scratch_t *scratch;
    reply_t *reply;
    const slice_t *argv;
    size_t argc;
    const struct command_def *cmd;
} cmd_ctx_t;

typedef void (*cmd_handler_fn)(cmd_ctx_t *ctx);

enum cmd_flag {
    CMD_WRITE = 1 << 0,
    CMD_READONLY = 1 << 1,
    CMD_ADMIN = 1 << 2,
    CMD_BLOCKING = 1 << 3,
    CMD_FAST = 1 << 4,
    CMD_NOAUTH = 1 << 5, /* allowed before AUTH */
    CMD_LOADING = 1 << 6,
    CMD_STALE = 1 << 7,
    CMD_NOSCRIPT = 1 << 8,
    CMD_DENYOOM = 1 << 9,
    CMD_CONTAINER = 1 << 10, /* has subcommands: CLIENT LIST shows "client|list" */
    CMD_WRITE_GROUP = 1 << 11, /* may join the pipeline's write group (client_group_commit) */
};

typedef struct command_stats {
    atomic_ullong calls;
    atomic_ullong usec;
    atomic_ullong rejected_calls;
    atomic_ullong failed_calls;
} command_stats_t;

typedef struct command_def {
    const char *name; /* lower case */
    cmd_handler_fn handler;
    int arity; /* >0 exact, <0 at least -arity */
    unsigned flags;
    int first_key, last_key, key_step;
    const char *group;
    const char *since;
    const char *summary;
    const char *complexity;
    command_stats_t *stats;
} command_def_t;

#define COMMAND_NAME_MAX 32

/* Builds the lookup table; call once before serving. */
void command_table_init(void);
/* rename-command (config file, before serving): the command answers to
 * new_name instead, or to nothing when new_name is "". "container|sub"
 * with "" disables one subcommand. Returns 0, or -1 with Redis's message. */
int command_rename(const char *name, const char *new_name, char *err, size_t errlen);
/* 0 when rename-command disabled it (COMMAND and COMMAND COUNT skip it). */
int command_enabled(const command_def_t *cmd);
int command_subcommand_disabled(const command_def_t *cmd, slice_t sub);
/* Finds a command by name, any case; NULL when unknown. */
const command_def_t *command_lookup(slice_t name);
size_t command_count(void);
const command_def_t *command_at(size_t i);

/* Replies for errors shared by many handlers. */
void reply_wrong_arity(reply_t *r, const char *name);
void reply_db_status(cmd_ctx_t *ctx, db_status_t st);
void reply_syntax_error(reply_t *r);
void reply_not_integer(reply_t *r);

/* Replies with HELP text: one simple string per line. */
void reply_help(reply_t *r, const char *const *lines, size_t n);
/* For a container command (CONFIG, CLIENT...) whose subcommand argv[1] was
 * not handled: "wrong number of arguments for 'config|get'" when it is one
 * of `known`, else "unknown subcommand '<x>'. Try CONFIG HELP.". */
void reply_subcommand_error(cmd_ctx_t *ctx, const char *const *known, size_t nknown);

/* Parses an integer argument; replies with the Redis error and returns 0
 * when it is not one. */
int arg_to_ll(cmd_ctx_t *ctx, slice_t arg, long long *out);
/* Parses an integer without replying. Returns 1 or 0. */
int str_to_ll_arg(slice_t arg, long long *out);
/* C string copy of an argument for printing, truncated to cap. */
void arg_to_cstr(slice_t arg, char *dst, size_t cap);

#endif
