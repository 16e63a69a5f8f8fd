#ifndef BASALT_SERVER_BLOCKING_H
#define BASALT_SERVER_BLOCKING_H

#include <stdint.h>

#include "commands/command.h"
#include "server/server.h"

/* Blocking commands (BLPOP, BLMOVE, BZPOPMIN...) across workers.
 *
 * A handler that finds nothing to pop calls blocking_block(): the client
 * stops reading commands, its command is copied, and it is queued on each
 * key in a server-wide FIFO. A write that adds elements calls
 * blocking_signal(key) after its commit: the first client queued on that
 * key is asked, on its own worker, to run its command again. If that run
 * finds data, the client replies and resumes, and the next waiter on the
 * key gets its turn; if not, it stays queued where it was. A timer answers
 * the timeout reply. Clients are served in the order they blocked. */

enum block_timeout_reply {
    BLOCK_TIMEOUT_NULL_ARRAY, /* every list and zset command, BLMOVE too (as Redis 7): *-1 (RESP3: _) */
    BLOCK_TIMEOUT_NULL_BULK,  /* $-1 (RESP3: _), for future stream-like commands */
};

/* Parses a blocking timeout in seconds (decimals allowed). Replies with the
 * Redis error and returns 0 when invalid. *timeout_ms = 0 means forever. */
int blocking_parse_timeout(cmd_ctx_t *ctx, slice_t arg, int64_t *timeout_ms);

/* Blocks the calling client on keys (see above). Writes no reply. Called
 * again while already blocked (a retry that found nothing), it keeps the
 * client's place and deadline. */
void blocking_block(cmd_ctx_t *ctx, const slice_t *keys, size_t nkeys, int64_t timeout_ms,
                    enum block_timeout_reply kind);

/* True while the client is running its command again after a wake-up:
 * a handler must not block a second time in MULTI-like contexts (unused
 * for now) and may skip argument checks already done. */
int blocking_is_retry(const cmd_ctx_t *ctx);

/* Wakes the first client blocked on key, if any. Any thread. */
void blocking_signal(server_t *srv, slice_t key);

/* Client lifecycle hooks (client.c). */
void blocking_client_free(client_t *c);
/* Runs the stored command of a woken client; resumes it when served. */
void blocking_retry(client_t *c);
long long blocking_clients_count(server_t *srv);

#endif
