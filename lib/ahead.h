/* ahead — a stream's documents read, and each prepared (parsed, say), on
 * a thread of their own, a bounded number ahead of the thread that uses
 * them, in their order: reading and parsing the next documents then
 * costs the user (the writer of a database) no time. It owns the thread
 * and the ring of documents between the two; it knows nothing of what
 * the documents hold nor of a database. */
#ifndef WB_AHEAD_H
#define WB_AHEAD_H
#include <stddef.h>

#include "in.h"

#define AHEAD_MAX 64 /* documents read ahead, at most */

/* Prepares a document on the reading thread: what it returns is handed
 * on with it. It must not write to a database nor to stdout. */
typedef void *(*ahead_prep_fn)(const char *text, size_t len, void *ctx);
/* Frees what prep returned. */
typedef void (*ahead_drop_fn)(void *prepared, void *ctx);

/* One document as the user gets it; text and prepared stay valid until
 * the next ahead_next or ahead_close (the reading thread drops what it
 * prepared when it takes the place again, or ahead_close does). */
typedef struct {
	const char *text;
	size_t len;
	long long offset;
	long line;
	void *prepared; /* what prep returned */
} ahead_doc;

typedef struct ahead ahead;
/* Starts reading in (NULL prep: nothing prepared). NULL with EX_OSERR
 * when no thread can be started. */
ahead *ahead_start(in_docs *in, ahead_prep_fn prep, ahead_drop_fn drop, void *ctx);
/* The next document, waiting for it: 1 and *d, 0 at the end, or the
 * reader's error (in_docs_next's: EX_DATAERR for a truncated document,
 * EX_IOERR), its message raised on this thread. */
int ahead_next(ahead *a, ahead_doc *d);
/* 1 when the next document is ready, or will be without waiting for more
 * input (in_docs_pending, as seen from the reading thread); when the
 * reader is between two documents, waits for it to know which. */
int ahead_pending(ahead *a);
/* Stops the reader (also one waiting for input that may never come,
 * though not one in the middle of a document that a pipe never
 * finishes), drops all it prepared, frees it all.
 * The in_docs stays the caller's. */
void ahead_close(ahead *a);

#endif
