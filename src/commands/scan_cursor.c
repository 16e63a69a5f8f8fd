#include "commands/scan_cursor.h"

#include "commands/command.h"
#include "storage/encoding.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_CURSOR_SLOTS 16384

typedef struct cursor_slot {
    uint64_t cursor;
    char *key;
    size_t len;
} cursor_slot_t;

static pthread_mutex_t cursor_lock = PTHREAD_MUTEX_INITIALIZER;
static cursor_slot_t slots[SCAN_CURSOR_SLOTS];
static uint64_t next_cursor = 1;

uint64_t scan_cursor_save(slice_t key) {
    char *copy = malloc(key.len ? key.len : 1);
    if (!copy) return 0;
    memcpy(copy, key.ptr, key.len);
    pthread_mutex_lock(&cursor_lock);
    uint64_t cursor = next_cursor++;
    cursor_slot_t *s = &slots[cursor % SCAN_CURSOR_SLOTS];
    free(s->key);
    s->cursor = cursor;
    s->key = copy;
    s->len = key.len;
    pthread_mutex_unlock(&cursor_lock);
    return cursor;
}

int scan_cursor_load(uint64_t cursor, buf_t *out) {
    int found = 0;
    pthread_mutex_lock(&cursor_lock);
    cursor_slot_t *s = &slots[cursor % SCAN_CURSOR_SLOTS];
    if (s->cursor == cursor && s->key) {
        buf_clear(out);
        buf_append(out, s->key, s->len);
        found = 1;
    }
    pthread_mutex_unlock(&cursor_lock);
    return found;
}

static int type_from_name(slice_t name) {
    static const enum value_type types[] = {TYPE_STRING, TYPE_HASH, TYPE_LIST, TYPE_SET, TYPE_ZSET};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (slice_eq_nocase(name, type_name(types[i]))) return types[i];
    return 0x7f; /* no key has it */
}

int scan_options_parse(cmd_ctx_t *ctx, size_t first, int allow_type, scan_options_t *o) {
    o->count = 10;
    o->pattern = slice_make(NULL, 0);
    o->type = TYPE_NONE;
    for (size_t i = first; i < ctx->argc; i++) {
        slice_t a = ctx->argv[i];
        if (i + 1 >= ctx->argc) {
            reply_syntax_error(ctx->reply);
            return 0;
        }
        if (slice_eq_nocase(a, "count")) {
            if (!arg_to_ll(ctx, ctx->argv[++i], &o->count)) return 0;
            if (o->count < 1) {
                reply_syntax_error(ctx->reply);
                return 0;
            }
        } else if (slice_eq_nocase(a, "match")) {
            o->pattern = ctx->argv[++i];
            if (o->pattern.len == 1 && o->pattern.ptr[0] == '*') o->pattern.ptr = NULL;
        } else if (allow_type && slice_eq_nocase(a, "type")) {
            o->type = type_from_name(ctx->argv[++i]);
        } else {
            reply_syntax_error(ctx->reply);
            return 0;
        }
    }
    return 1;
}

int scan_cursor_resume(cmd_ctx_t *ctx, unsigned long long cursor, buf_t *start) {
    buf_clear(start);
    if (cursor == 0 || scan_cursor_load(cursor, start)) return 1;
    reply_error(ctx->reply, "ERR invalid cursor");
    return 0;
}
