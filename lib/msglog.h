/* msglog — a contact's message log, read-only: the message rows both
 * ways in time order with the labels each carries (and the contact's
 * calls and the agents' private notes among them), and the messages
 * that carry a label. Writing messages belongs to the sender and the
 * receiver; writing rows out belongs to whoever owns the output, so
 * this module hands over plain text cells and knows no output format. */
#ifndef WB_MSGLOG_H
#define WB_MSGLOG_H
#include <stdint.h>

#include "db.h"

typedef struct {
	int64_t id, ts;        /* id: the message's, the call's or the note's */
	const char *wa_id;     /* the contact's phone, "" when not known */
	const char *user_id;   /* the contact's user ID, "" when none */
	const char *wamid;     /* NULL until the API accepted it; a call's wacid */
	const char *direction; /* in, out; NULL for a note */
	const char *type;      /* the message's, "call" or "note" */
	const char *status;    /* deleted: the sender deleted it; edited: a
				* message of theirs they edited; a call's:
				* completed, failed, ringing…; NULL for a note */
	const char *body;      /* NULL when the message has none, or is deleted;
				* a call: "call 2m05s" */
	const char *labels;    /* comma-separated label names, "" when none */
	const char *agent;     /* who sent it or wrote the note; NULL: nobody said */
} msglog_msg;

/* Called per message; a non-zero return stops the walk and is returned. */
typedef int (*msglog_fn)(const msglog_msg *m, void *ctx);

/* The messages to and from a contact, its calls and the notes on it,
 * oldest first. */
int msglog_each(wb_db *db, int64_t contact_id, msglog_fn fn, void *ctx);
/* The messages that carry a label, oldest first. */
int msglog_labelled(wb_db *db, int64_t label_id, msglog_fn fn, void *ctx);

/* The row every listing of messages writes (wb-contact log, wb-label who
 * --message), so they read alike and pipe alike: the column names
 * (NULL-terminated), the first of them the time (m->ts, a time cell for
 * the output to render), and one message's other cells in their order,
 * all text (NULL: none), pointing into m. */
#define MSGLOG_NCOLS 10
extern const char *const msglog_cols[MSGLOG_NCOLS + 1];
typedef struct {
	const char *cell[MSGLOG_NCOLS - 1]; /* after the time */
} msglog_row;
void msglog_cells(const msglog_msg *m, msglog_row *r);

#endif
