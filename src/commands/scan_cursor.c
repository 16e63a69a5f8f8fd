#include "commands/scan_cursor.h"

#include <pthread.h>
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
