#ifndef BASALT_SERVER_OUTPUT_LIMIT_H
#define BASALT_SERVER_OUTPUT_LIMIT_H

#include <stddef.h>

#include "util/buf.h"

/* client-output-buffer-limit in Redis's format:
 *   <class> <hard> <soft> <soft-seconds> [<class> <hard> <soft> <soft-seconds> ...]
 * with classes normal, replica (alias slave) and pubsub, sizes with Redis
 * units (1mb, 64kb...). Basalt has only normal clients today; the other
 * classes are accepted and shown so that Redis tooling round-trips. */
enum obuf_class { OBUF_NORMAL, OBUF_REPLICA, OBUF_PUBSUB, OBUF_CLASSES };

typedef struct obuf_limit {
    long long hard_bytes;   /* 0 = none */
    long long soft_bytes;   /* 0 = none */
    long long soft_seconds; /* how long the soft limit may stay exceeded */
} obuf_limit_t;

/* Parses `text` over `limits`: classes it names are replaced, the others
 * keep their value (as CONFIG SET does in Redis). Returns 0, or -1 with
 * Redis's message in err and `limits` unchanged. */
int obuf_limits_parse(const char *text, obuf_limit_t limits[OBUF_CLASSES], char *err, size_t errlen);
/* Appends the form CONFIG GET shows: "normal 0 0 0 slave 268435456 ...". */
void obuf_limits_format(const obuf_limit_t limits[OBUF_CLASSES], buf_t *out);

#endif
