/* live — wb-recv --listen's store (a listen_store_fn): the bodies the
 * listener took, stored a group at a time in one transaction without a
 * savepoint each; when one fails, the group is rolled back and stored
 * again with each body in a savepoint of its own, so that one the
 * database fails spoils none of the others (inbound quarantines bad
 * parts), and their events written and flushed before any of them is
 * answered. A database locked by another process is waited for a
 * bounded time, then the group is answered 503 so that Meta tries
 * again. It neither parses webhooks (inbound does) nor speaks HTTP
 * (listen does). */
#ifndef WB_LIVE_H
#define WB_LIVE_H
#include <stddef.h>

#include "inbound.h"
#include "listen.h"

/* How long a signed POST waits for the write lock, from its arrival,
 * unless WB_LISTEN_BUSY_MS says otherwise. */
#define LIVE_BUSY_MS 5000

typedef struct {
	inbound *ib;
	int busy_ms;
} live;

/* Reads WB_LISTEN_BUSY_MS (config.h): EX_CONFIG when it is not a number
 * of milliseconds (0 to 600000). */
int live_open(live *lv, inbound *ib);
/* The listen_store_fn; ctx is the live. The posts that queue up while
 * a group is stored join it before its commit. A post's prepared, when
 * there is one, is its body parsed (listen_opts.prep = inbound_parse).
 * Returns EX_IOERR when the events cannot be written (the reader went
 * away): the listener stops. */
int live_store(listen_group *g, void *ctx);
/* The listen_end_fn: the store thread's identity cache (identity.h)
 * let go. */
void live_end(void *ctx);

#endif
