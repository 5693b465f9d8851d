/* par — a pure function over batches of items in worker threads, while
 * the caller does something else (a bulk import writes the rows checked
 * before while the next ones are checked). Batches are handed back in
 * the order they were submitted. The function must touch nothing shared
 * but what is safe to share between threads: no database, no output. */
#ifndef WB_PAR_H
#define WB_PAR_H
#include <stddef.h>

/* Works on one batch: its n items of size bytes each, at items. */
typedef void (*par_fn)(void *items, size_t n, void *ctx);

typedef struct par par;
/* Starts the workers: one a processor (at least one, at most 16). */
par *par_open(par_fn fn, void *ctx);
/* Queues a batch; the caller leaves it alone until par_wait returns it. */
void par_submit(par *p, void *items, size_t n);
/* The oldest batch not yet handed back, once done; NULL when none is
 * queued. */
void *par_wait(par *p);
/* Waits for what is queued (dropping it) and stops the workers. */
void par_close(par *p);

#endif
