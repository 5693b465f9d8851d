#include "track.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "status.h"
#include "util.h"

/* Moves message (by wamid) to status when the rules allow; fills the
 * time column that goes with it. */
static int apply(wb_db *db, const char *wamid, msg_status status, int64_t ts,
		 int error_code, const char *error_text, int *applied)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status FROM message WHERE wamid = ?");
	sqlite3_bind_text(st, 1, wamid, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	msg_status from;
	int move = rc == SQLITE_ROW && !status_parse(db_col_text(st, 0), &from) && status_may_move(from, status);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading a message");
	if (applied)
		*applied = move;
	if (!move)
		return 0;
	st = db_stmt(db,
		"UPDATE message SET status = ?2, status_at = ?3, "
		"sent_at = CASE WHEN ?6 THEN coalesce(sent_at, ?3) ELSE sent_at END, "
		"delivered_at = CASE WHEN ?7 THEN coalesce(delivered_at, ?3) ELSE delivered_at END, "
		"read_at = CASE WHEN ?8 THEN ?3 ELSE read_at END, "
		"error_code = CASE WHEN ?9 THEN ?4 ELSE error_code END, "
		"error_text = CASE WHEN ?9 THEN ?5 ELSE error_text END "
		"WHERE wamid = ?1");
	sqlite3_bind_text(st, 1, wamid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status_name(status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ts);
	db_bind_opt_int(st, 4, error_code);
	db_bind_text(st, 5, error_text);
	sqlite3_bind_int(st, 6, status_reached(status, STATUS_SENT));
	sqlite3_bind_int(st, 7, status_reached(status, STATUS_DELIVERED));
	sqlite3_bind_int(st, 8, status == STATUS_READ);
	sqlite3_bind_int(st, 9, status == STATUS_FAILED);
	return db_step_done(db, st, "updating a status");
}

/* Records a status (name as reported) in the history, once per (wamid,
 * status, participant); *fresh says whether it is new (a repeated
 * webhook is not). */
static int record(wb_db *db, const char *wamid, const char *name, int64_t ts, const track_report *r, int *fresh)
{
	static const track_report none;
	if (!r)
		r = &none;
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO status_event (wamid, status, ts, error_code, error_text, recipient, recipient_user_id, "
		"participant, phone_number_id, callback_data, error_title, error_href, payload) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(?, ''), ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
	const char *text[] = {r->error_text, r->recipient, r->recipient_user_id, r->participant, r->phone_number_id,
			      r->callback_data, r->error_title, r->error_href, r->payload};
	sqlite3_bind_text(st, 1, wamid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ts);
	db_bind_opt_int(st, 4, r->error_code);
	for (int i = 0; i < (int)(sizeof text / sizeof *text); i++)
		db_bind_text(st, 5 + i, text[i]);
	return db_step_changed(db, st, "recording a status", fresh);
}

/* A status name as webhooks report it: a played voice note was read. */
static int parse_name(const char *name, msg_status *s)
{
	if (!strcmp(name, "played")) {
		*s = STATUS_READ;
		return 0;
	}
	return status_parse(name, s);
}

int track_status(wb_db *db, const char *wamid, const char *name, int64_t ts, const track_report *r,
		 int *applied)
{
	msg_status status;
	if (parse_name(name, &status))
		return wb_err(EX_DATAERR, "%s: unknown status '%s'", wamid, name);
	if (applied)
		*applied = 0;
	int fresh, rc = record(db, wamid, name, ts, r, &fresh);
	if (rc || !fresh)
		return rc; /* a repeated webhook: already recorded and applied */
	return apply(db, wamid, status, ts, r ? r->error_code : 0, r ? r->error_text : NULL, applied);
}

/* Where message id stands: its status and error text. */
static int standing(wb_db *db, int64_t id, msg_status *now, char **error)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status, error_text FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		status_parse(db_col_text(st, 0), now);
		*error = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "reading a message");
}

int track_accepted(wb_db *db, int64_t id, const char *wamid, int64_t ts, msg_status *now, char **error)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE message SET wamid = ?2 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, wamid, -1, SQLITE_STATIC);
	int rc = db_step_done(db, st, "saving a message id");
	if (rc)
		return rc;
	/* our own "sent" goes into the history like Meta's; a later webhook
	 * saying the same is then a repeat */
	if ((rc = record(db, wamid, status_name(STATUS_SENT), ts, NULL, NULL)) ||
	    (rc = apply(db, wamid, STATUS_SENT, ts, 0, NULL, NULL)))
		return rc;
	/* statuses that came by webhook before the API's answer reached us */
	st = db_stmt(db, "SELECT status, ts, error_code, error_text FROM status_event "
			 "WHERE wamid = ? ORDER BY ts, id");
	sqlite3_bind_text(st, 1, wamid, -1, SQLITE_STATIC);
	struct early { msg_status status; char *text; int64_t ts; int code; } *ev = NULL;
	size_t n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev = xrealloc(ev, (n + 1) * sizeof *ev);
		if (parse_name(db_col_text(st, 0), &ev[n].status))
			continue; /* track_status records only names it knows */
		ev[n].ts = sqlite3_column_int64(st, 1);
		ev[n].code = sqlite3_column_int(st, 2);
		ev[n].text = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 3));
		n++;
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : db_fail(db, "reading statuses");
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = apply(db, wamid, ev[i].status, ev[i].ts, ev[i].code, ev[i].text, NULL);
		free(ev[i].text);
	}
	free(ev);
	return rc || !now ? rc : standing(db, id, now, error);
}
