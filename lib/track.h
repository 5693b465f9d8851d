/* track — what happened to each outgoing message after it left: the
 * status history (status_event), statuses applied forward only (rules in
 * status.h), and statuses for a wamid we do not know yet held until the
 * message appears (a webhook can beat the API's answer to the sender). */
#ifndef WB_TRACK_H
#define WB_TRACK_H
#include <stdint.h>

#include "db.h"
#include "status.h"

/* What a status report says besides the status; any field may be 0 or
 * NULL. */
typedef struct {
	int error_code;
	const char *error_text, *error_title, *error_href;
	const char *recipient;         /* recipient_id: a phone, or a group's id */
	const char *recipient_user_id;
	const char *participant;       /* a group's member: phone, else user ID */
	const char *phone_number_id;   /* the business number */
	const char *callback_data;     /* biz_opaque_callback_data */
	const char *payload;           /* the status as received */
} track_report;

/* A status reported for wamid at ts, named as the webhook names it
 * (EX_DATAERR for a name status.h does not know, but "played": a voice
 * note played, which counts as read). Recorded once per (wamid, status,
 * participant); applied to the message when it exists and the move is
 * forward. *applied (may be NULL) says whether the message changed; r
 * may be NULL. Call inside a transaction for batches. */
int track_status(wb_db *db, const char *wamid, const char *name, int64_t ts, const track_report *r,
		 int *applied);

/* The API accepted message id as wamid at ts: the message becomes sent
 * (if it may move there) and statuses that arrived early are applied.
 * *now (may be NULL) says where it stands then — failed, when a webhook
 * said so before the API's answer reached us — and *error its error
 * text (malloc'd, NULL when none). */
int track_accepted(wb_db *db, int64_t id, const char *wamid, int64_t ts, msg_status *now, char **error);

#endif
