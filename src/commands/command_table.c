#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/command.h"
#include "commands/command_table.h"
#include "util/strutil.h"

#define DECLARE_HANDLER(name, ...) void cmd_##name(cmd_ctx_t *ctx);
COMMAND_TABLE(DECLARE_HANDLER)
#undef DECLARE_HANDLER

#define DECLARE_STATS(name, ...) static command_stats_t stats_##name;
COMMAND_TABLE(DECLARE_STATS)
#undef DECLARE_STATS

#define COMMAND_ROW(name, arity, flags, first, last, step, group, since, complexity, summary) \
    {#name, cmd_##name, arity, flags, first, last, step, group, since, summary, complexity, &stats_##name},
static const command_def_t commands[] = {COMMAND_TABLE(COMMAND_ROW)};
#undef COMMAND_ROW

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define LOOKUP_SLOTS 512 /* power of two, well above the number of commands */

static const command_def_t *lookup[LOOKUP_SLOTS];
/* The name each command answers to: its own, another one given by
 * rename-command, or NULL when rename-command disabled it. */
static const char *answers_to[NCOMMANDS];
static char *renamed[NCOMMANDS]; /* owned copies of new names */

#define MAX_DISABLED_SUBCOMMANDS 64
static struct {
    const command_def_t *container;
    char sub[33];
} disabled_subs[MAX_DISABLED_SUBCOMMANDS];
static size_t ndisabled_subs;

static unsigned hash_name_nocase(const char *s, size_t len) {
    unsigned h = 5381;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        h = h * 33 + c;
    }
    return h;
}

static void build_lookup(void) {
    memset(lookup, 0, sizeof lookup);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (!answers_to[i]) continue;
        unsigned slot = hash_name_nocase(answers_to[i], strlen(answers_to[i])) & (LOOKUP_SLOTS - 1);
        while (lookup[slot]) slot = (slot + 1) & (LOOKUP_SLOTS - 1);
        lookup[slot] = &commands[i];
    }
}

void command_table_init(void) {
    static int named;
    if (!named) /* once: a second init keeps the renames */
        for (size_t i = 0; i < NCOMMANDS; i++) answers_to[i] = commands[i].name;
    named = 1;
    build_lookup();
}

const command_def_t *command_lookup(slice_t name) {
    if (name.len == 0 || name.len > COMMAND_NAME_MAX) return NULL;
    unsigned slot = hash_name_nocase(name.ptr, name.len) & (LOOKUP_SLOTS - 1);
    while (lookup[slot]) {
        if (slice_eq_nocase(name, answers_to[lookup[slot] - commands])) return lookup[slot];
        slot = (slot + 1) & (LOOKUP_SLOTS - 1);
    }
    return NULL;
}

int command_enabled(const command_def_t *cmd) { return answers_to[cmd - commands] != NULL; }

/* "container|sub" with an empty new name disables one subcommand (a Basalt
 * extension: Redis renames whole commands only). */
static int disable_subcommand(const char *name, const char *bar, const char *new_name, char *err, size_t errlen) {
    const command_def_t *container = command_lookup(slice_make(name, (size_t)(bar - name)));
    const char *sub = bar + 1;
    if (!container || !(container->flags & CMD_CONTAINER) || !*sub || strlen(sub) >= sizeof disabled_subs[0].sub) {
        snprintf(err, errlen, "No such command in rename-command");
        return -1;
    }
    if (*new_name) {
        snprintf(err, errlen, "a subcommand can only be disabled (\"\"), not renamed");
        return -1;
    }
    if (ndisabled_subs == MAX_DISABLED_SUBCOMMANDS) {
        snprintf(err, errlen, "too many disabled subcommands");
        return -1;
    }
    disabled_subs[ndisabled_subs].container = container;
    snprintf(disabled_subs[ndisabled_subs].sub, sizeof disabled_subs[0].sub, "%s", sub);
    ndisabled_subs++;
    return 0;
}

int command_rename(const char *name, const char *new_name, char *err, size_t errlen) {
    const char *bar = strchr(name, '|');
    if (bar) return disable_subcommand(name, bar, new_name, err, errlen);
    const command_def_t *cmd = command_lookup(slice_make(name, strlen(name)));
    if (!cmd) {
        snprintf(err, errlen, "No such command in rename-command");
        return -1;
    }
    size_t i = (size_t)(cmd - commands);
    if (!*new_name) {
        answers_to[i] = NULL;
    } else {
        if (strlen(new_name) > COMMAND_NAME_MAX || strchr(new_name, '|')) {
            snprintf(err, errlen, "new command name must be 1 to %d characters, without '|'", COMMAND_NAME_MAX);
            return -1;
        }
        if (command_lookup(slice_make(new_name, strlen(new_name)))) {
            snprintf(err, errlen, "Target command name already exists");
            return -1;
        }
        char *copy = strdup(new_name);
        if (!copy) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(renamed[i]);
        renamed[i] = copy;
        answers_to[i] = copy;
    }
    build_lookup();
    return 0;
}

int command_subcommand_disabled(const command_def_t *cmd, slice_t sub) {
    for (size_t i = 0; i < ndisabled_subs; i++)
        if (disabled_subs[i].container == cmd && slice_eq_nocase(sub, disabled_subs[i].sub)) return 1;
    return 0;
}

size_t command_count(void) { return NCOMMANDS; }
const command_def_t *command_at(size_t i) { return i < NCOMMANDS ? &commands[i] : NULL; }

void reply_wrong_arity(reply_t *r, const char *name) {
    reply_errorf(r, "ERR wrong number of arguments for '%s' command", name);
}

void reply_syntax_error(reply_t *r) { reply_error(r, "ERR syntax error"); }
void reply_not_integer(reply_t *r) { reply_error(r, "ERR value is not an integer or out of range"); }

void reply_db_status(cmd_ctx_t *ctx, db_status_t st) {
    reply_t *r = ctx->reply;
    switch (st) {
    case DB_OK: reply_ok(r); break;
    case DB_NOT_FOUND: reply_null(r); break;
    case DB_WRONGTYPE: reply_error(r, "WRONGTYPE Operation against a key holding the wrong kind of value"); break;
    case DB_NOT_INTEGER: reply_not_integer(r); break;
    case DB_NOT_FLOAT: reply_error(r, "ERR value is not a valid float"); break;
    case DB_OVERFLOW: reply_error(r, "ERR increment or decrement would overflow"); break;
    case DB_NAN: reply_error(r, "ERR increment would produce NaN or Infinity"); break;
    case DB_TOO_BIG: reply_error(r, "ERR string exceeds maximum allowed size (proto-max-bulk-len)"); break;
    case DB_IO_ERROR: reply_errorf(r, "ERR storage error: %s", ctx->scratch->err.msg); break;
    }
}

int arg_to_ll(cmd_ctx_t *ctx, slice_t arg, long long *out) {
    if (str_to_ll(arg.ptr, arg.len, out)) return 1;
    reply_not_integer(ctx->reply);
    return 0;
}

void reply_help(reply_t *r, const char *const *lines, size_t n) {
    reply_array(r, (long long)n);
    for (size_t i = 0; i < n; i++) reply_simple(r, lines[i]);
}

void reply_subcommand_error(cmd_ctx_t *ctx, const char *const *known, size_t nknown) {
    slice_t sub = ctx->argv[1];
    for (size_t k = 0; k < nknown; k++)
        if (slice_eq_nocase(sub, known[k])) {
            reply_errorf(ctx->reply, "ERR wrong number of arguments for '%s|%s' command", ctx->cmd->name, known[k]);
            return;
        }
    char name[64], container[32];
    arg_to_cstr(sub, name, sizeof name);
    size_t i = 0;
    for (; ctx->cmd->name[i] && i < sizeof container - 1; i++)
        container[i] = (char)(ctx->cmd->name[i] >= 'a' && ctx->cmd->name[i] <= 'z' ? ctx->cmd->name[i] - 32
                                                                                  : ctx->cmd->name[i]);
    container[i] = '\0';
    reply_errorf(ctx->reply, "ERR unknown subcommand '%s'. Try %s HELP.", name, container);
}

int str_to_ll_arg(slice_t arg, long long *out) { return str_to_ll(arg.ptr, arg.len, out); }

void arg_to_cstr(slice_t arg, char *dst, size_t cap) {
    size_t n = arg.len < cap - 1 ? arg.len : cap - 1;
    memcpy(dst, arg.ptr, n);
    dst[n] = '\0';
}
