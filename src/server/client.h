#ifndef BASALT_SERVER_CLIENT_H
#define BASALT_SERVER_CLIENT_H

#include "server/server.h"

/* Connection lifecycle on a worker thread. A client is created, used and
 * freed by its worker only; other threads reach it through the registry
 * under srv->clients_lock, and only to read descriptive fields or to
 * request a kill. */

/* Adopts an accepted socket on worker w. Takes ownership of fd. */
void client_adopt(worker_t *w, int fd, uint64_t id);
/* Runs one command with the given arguments on c (used to run a blocked
 * command again; the views must outlive the call). */
void client_run_argv(client_t *c, const slice_t *argv, size_t argc);
/* After a blocked client is served: runs the commands it sent meanwhile and
 * writes its replies. May free c. */
void client_resume(client_t *c);
/* Writes the worker's write group (plain SET/MSET queued by this client's
 * pipeline) and appends their replies. Commands flagged CMD_WRITE_GROUP
 * call it themselves before doing anything that is not grouped. */
void client_group_commit(client_t *c);
/* Closes and frees. Call on c's worker thread. */
void client_free(client_t *c);
/* Closes clients idle past `timeout` and those asked to die. */
void worker_reap_clients(worker_t *w);
/* Frees every client of a stopped worker. */
void worker_free_clients(worker_t *w);

#endif
