/* track — what happened to each outgoing message after it left: the
 * status history (status_event), statuses applied forward only (rules in
 * status.h), and statuses for a wamid we do not know yet held until the
 * message appears (a webhook can beat the API's answer to the sender). */
#ifndef WB_TRACK_H
#define WB_TRACK_H
#include <stdint.h>

#include "db.h"
#include "status.h"

/* A status reported for wamid at ts, named as the webhook names it
 * (EX_DATAERR for a name status.h does not know; error_code 0 /
 * error_text NULL when none). Recorded once per (wamid, status); applied
 * to the message when it exists and the move is forward. *applied (may
 * be NULL) says whether the message changed. Call inside a transaction
 * for batches. */
int track_status(wb_db *db, const char *wamid, const char *name, int64_t ts,
		 int error_code, const char *error_text, const char *recipient, int *applied);

/* The API accepted message id as wamid at ts: the message becomes sent
 * (if it may move there) and statuses that arrived early are applied.
 * *now (may be NULL) says where it stands then — failed, when a webhook
 * said so before the API's answer reached us — and *error its error
 * text (malloc'd, NULL when none). */
int track_accepted(wb_db *db, int64_t id, const char *wamid, int64_t ts, msg_status *now, char **error);

#endif
