/* replay — the events of what is stored, read back from the database in
 * the form wb-recv writes them live (event.h): inbound messages from the
 * payload they were stored with, delivery statuses from the status
 * history (those a webhook brought, not wb-send's own). For a pipeline
 * that lost its reader: what was stored but never written goes out
 * again, and wb-reply auto, which remembers what it decided, answers
 * only what it had not seen. It writes nothing to the database. */
#ifndef WB_REPLAY_H
#define WB_REPLAY_H
#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* Writes to out, flushed, one line for every inbound message and webhook
 * status whose time (the event's ts) is since or later, in time order.
 * *n is how many. 0, or EX_IOERR (the message says why), or the
 * database's code. */
int replay_events(wb_db *db, int64_t since, FILE *out, long *n);

#endif
