/* conv — a contact's conversation and labelled messages, read-only: the
 * message rows both ways in time order, with the labels each carries.
 * Writing messages belongs to the sender and the receiver, not here. */
#ifndef WB_CONV_H
#define WB_CONV_H
#include <stdint.h>

#include "db.h"
#include "out.h"

typedef struct {
	int64_t id, ts;
	const char *wa_id;     /* the contact's phone */
	const char *wamid;     /* NULL until the API accepted it */
	const char *direction; /* in, out */
	const char *type, *status;
	const char *body;      /* NULL when the message has none */
	const char *labels;    /* comma-separated label names, "" when none */
} conv_msg;

/* Called per message; a non-zero return stops the walk and is returned. */
typedef int (*conv_fn)(const conv_msg *m, void *ctx);

/* The messages to and from a contact, oldest first. */
int conv_each(wb_db *db, int64_t contact_id, conv_fn fn, void *ctx);
/* The messages that carry a label, oldest first. */
int conv_labelled(wb_db *db, int64_t label_id, conv_fn fn, void *ctx);

/* The row every listing of messages writes (wb-contact log, wb-label who
 * --message), so they read alike and pipe alike. */
extern const char *const conv_cols[];
#define CONV_NCOLS 8
void conv_cells(out *o, const conv_msg *m);

#endif
