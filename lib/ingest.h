/* ingest — what each kind of webhook item does to the database: a user's
 * message stored once by wamid, its contact found (identity) and the
 * opt-out words heard; an edit or a deletion applied to the message it
 * names; an echo or a history message stored as the business's own; a
 * delivery status tracked (track); a call recorded; a marketing
 * preference or an address-book name kept on the contact; a change kept
 * whole, and a new template or number change applied (template). Inside the caller's transaction. It parses nothing (webhook
 * does) and writes no events (inbound does). */
#ifndef WB_INGEST_H
#define WB_INGEST_H

#include "db.h"
#include "inbound.h"
#include "webhook.h"

/* Stores one item (not WH_BAD). *fresh is 1 when it was new: its event,
 * if it has one, is due, and only then. */
int ingest_item(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh);

/* The JSON of v as wb stores it: compact, numbers as written (decimals
 * to 15 digits, so 7.99 stays 7.99). malloc'd. */
char *ingest_dump(json_t *v);

#endif
