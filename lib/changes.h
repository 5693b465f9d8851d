/* changes — reading the change log: the rows of the change table (filled
 * by its triggers, share/schema.sql; wb(7) documents both) after a
 * cursor, in commit order, with the message fields each refers to; and
 * the cursor file a cron job keeps between exports. Writing the log
 * belongs to the triggers; writing rows out belongs to the output
 * module, so this hands over plain cells. */
#ifndef WB_CHANGES_H
#define WB_CHANGES_H
#include <stdint.h>

#include "db.h"

typedef struct {
	int64_t cursor, at;   /* the row's id; when it was written */
	const char *kind;     /* message status label contact */
	const char *change;   /* in out · the status · applied removed · created … */
	const char *phone;    /* NULL: none (a contact known by user ID) */
	const char *user_id;  /* NULL: none */
	const char *wamid;    /* a message's, NULL: none or not yet */
	const char *label;    /* label: its name */
	const char *data;     /* a JSON object: the change's own fields */
} change_row;

/* The columns of a change row, NULL-terminated, in change_row's order. */
extern const char *const changes_cols[];

/* Called per change; a non-zero return stops the walk and is returned. */
typedef int (*change_fn)(const change_row *r, void *ctx);
/* The changes after cursor, oldest first, as one snapshot: what commits
 * meanwhile comes in the next walk. */
int changes_each(wb_db *db, int64_t after, change_fn fn, void *ctx);

/* The cursor in path: 0 when the file is absent or empty; EX_DATAERR when
 * it holds anything but a cursor, EX_NOINPUT when it cannot be read. */
int changes_cursor_load(const char *path, int64_t *cursor);
/* Replaces path's cursor whole or not at all (path.tmp, fsync, rename,
 * fsync of the directory): a crash leaves the old cursor or the new. */
int changes_cursor_save(const char *path, int64_t cursor);

#endif
