/* search — finding messages by their text (wb-contact search): every
 * stored message both ways, through the FTS5 index message_fts (trigram:
 * a case-insensitive substring of 3 characters or more, in any script),
 * and a LIKE scan for shorter text, which the trigram index cannot
 * answer. The index is caught up here, not as messages are stored (so
 * ingest does not pay for it): each search first indexes the messages
 * stored since the last one, in a short write transaction; when it cannot
 * (a read-only database, a writer holding the lock) the messages not yet
 * indexed are scanned instead, so the answer is the same either way. The
 * text is data: bound, and quoted as one FTS5 string so that quotes,
 * AND, OR, NEAR, * or ^ in it are matched, never run. Deleted messages
 * are not found. No output format here. */
#ifndef WB_SEARCH_H
#define WB_SEARCH_H
#include <stdint.h>

#include "db.h"

typedef struct {
	int64_t ts;
	const char *wa_id, *user_id; /* the contact's; "" when none */
	const char *name;            /* the contact's name, else profile name; NULL */
	const char *direction, *type;
	const char *snippet;         /* marked: the text around the match (up to
				      * 64 characters); unmarked: the whole text */
	const char *wamid;           /* NULL until accepted */
} search_hit;

typedef int (*search_fn)(const search_hit *h, void *ctx);

/* The messages whose text holds text, newest first, at most limit of
 * them; mark[0] and mark[1] go around the match in a snippet, or, both
 * "", the snippet is the whole text. EX_DATAERR for empty text. */
int search_each(wb_db *db, const char *text, long limit, const char *const mark[2], search_fn fn, void *ctx);

#endif
