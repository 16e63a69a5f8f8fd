#include <stdio.h>
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

static unsigned hash_name_nocase(const char *s, size_t len) {
    unsigned h = 5381;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        h = h * 33 + c;
    }
    return h;
}

void command_table_init(void) {
    for (size_t i = 0; i < NCOMMANDS; i++) {
        unsigned slot = hash_name_nocase(commands[i].name, strlen(commands[i].name)) & (LOOKUP_SLOTS - 1);
        while (lookup[slot]) slot = (slot + 1) & (LOOKUP_SLOTS - 1);
        lookup[slot] = &commands[i];
    }
}

const command_def_t *command_lookup(slice_t name) {
    if (name.len == 0 || name.len > 32) return NULL;
    unsigned slot = hash_name_nocase(name.ptr, name.len) & (LOOKUP_SLOTS - 1);
    while (lookup[slot]) {
        if (slice_eq_nocase(name, lookup[slot]->name)) return lookup[slot];
        slot = (slot + 1) & (LOOKUP_SLOTS - 1);
    }
    return NULL;
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
