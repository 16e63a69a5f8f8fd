#include "server/output_limit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strutil.h"

/* CONFIG GET prints "slave" as Redis 7 does; both names are accepted. */
static const char *const class_names[OBUF_CLASSES] = {"normal", "slave", "pubsub"};

static int class_of(const char *name) {
    if (!strcasecmp(name, "normal")) return OBUF_NORMAL;
    if (!strcasecmp(name, "replica") || !strcasecmp(name, "slave")) return OBUF_REPLICA;
    if (!strcasecmp(name, "pubsub")) return OBUF_PUBSUB;
    return -1;
}

int obuf_limits_parse(const char *text, obuf_limit_t limits[OBUF_CLASSES], char *err, size_t errlen) {
    char *copy = strdup(text);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *words[64];
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (n == sizeof words / sizeof words[0]) {
            n++; /* too many: reported below as a wrong count */
            break;
        }
        words[n++] = w;
    }
    obuf_limit_t next[OBUF_CLASSES];
    memcpy(next, limits, sizeof next);
    int rc = 0;
    if (n % 4 != 0 || n > sizeof words / sizeof words[0]) {
        snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i += 4) {
        int cls = class_of(words[i]);
        long long hard, soft, seconds;
        if (cls < 0) {
            snprintf(err, errlen, "Invalid client class specified in buffer limit configuration.");
            rc = -1;
        } else if (!memory_to_ll(words[i + 1], &hard) || !memory_to_ll(words[i + 2], &soft) ||
                   !str_to_ll(words[i + 3], strlen(words[i + 3]), &seconds) || hard < 0 || soft < 0 ||
                   seconds < 0) {
            snprintf(err, errlen, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            rc = -1;
        } else {
            next[cls].hard_bytes = hard;
            next[cls].soft_bytes = soft;
            next[cls].soft_seconds = seconds;
        }
    }
    free(copy);
    if (rc == 0) memcpy(limits, next, sizeof next);
    return rc;
}

void obuf_limits_format(const obuf_limit_t limits[OBUF_CLASSES], buf_t *out) {
    for (int i = 0; i < OBUF_CLASSES; i++)
        buf_appendf(out, "%s%s %lld %lld %lld", i ? " " : "", class_names[i], limits[i].hard_bytes,
                    limits[i].soft_bytes, limits[i].soft_seconds);
}
