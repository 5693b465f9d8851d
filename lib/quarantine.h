/* quarantine — the parts of webhook deliveries wb-recv could not take (a
 * message without an id, a value that is not an object, a document that
 * is not JSON), kept in the quarantine table with where they came from
 * and why, once each, until wb-recv retry takes them in. Rows only: what
 * a part is and how it is retried are inbound's. */
#ifndef WB_QUARANTINE_H
#define WB_QUARANTINE_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

typedef struct {
	int64_t id;
	const char *source;   /* the file (or stdin), or "listener" */
	long long offset;     /* the document's byte offset there; -1: none */
	const char *path;     /* the part in its document; "" the whole of it */
	const char *reason;
	const char *raw;      /* a document holding the part, or the text as received */
	int64_t created_at, tried_at; /* tried_at 0: never retried */
} quarantine_row;

/* Keeps a part (inside the caller's transaction); *fresh (may be NULL)
 * is 0 when the same part was kept before. */
int quarantine_add(wb_db *db, const quarantine_row *r, int *fresh);
/* Calls fn for the rows whose ids are in ids (all rows when n is 0), in
 * id order; a non-zero return stops the walk and is returned. */
int quarantine_each(wb_db *db, const int64_t *ids, size_t n, int (*fn)(const quarantine_row *r, void *ctx),
		    void *ctx);
/* The row was taken in: it goes. */
int quarantine_remove(wb_db *db, int64_t id);
/* A retry could not take it, for reason, at now. */
int quarantine_tried(wb_db *db, int64_t id, const char *reason, int64_t now);

#endif
