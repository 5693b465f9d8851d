/* Unit tests of status tracking against a real database: forward-only
 * moves, repeated webhooks, failures after acceptance, early statuses. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "contact.h"
#include "db.h"
#include "track.h"
#include "util.h"

static wb_db *db;

static int64_t outbound(void)
{
	int64_t cid;
	contact_ensure(db, "16505551234", 1, &cid);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO message (contact_id, direction, type, ts, status) "
				       "VALUES (?, 'out', 'text', 1, 'sending') RETURNING id");
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_step(st);
	int64_t id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* sent_at, delivered_at and read_at, "-" for none */
static const char *times_of(int64_t id)
{
	static char buf[64];
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(sent_at, '-') || ' ' || coalesce(delivered_at, '-') || ' ' "
				       "|| coalesce(read_at, '-') FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	snprintf(buf, sizeof buf, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return buf;
}

static const char *status_of(int64_t id)
{
	static char buf[32];
	sqlite3_stmt *st = db_stmt(db, "SELECT status FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_step(st);
	snprintf(buf, sizeof buf, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return buf;
}

int main(void)
{
	char *path = tap_tmpfile("wb.db");
	if (db_open(path, &db))
		return 1;
	int64_t a = outbound();
	is_int(track_accepted(db, a, "wamid.A", 10, NULL, NULL), 0, "accepted");
	is_str(status_of(a), "sent", "sent");
	int applied;
	track_status(db, "wamid.A", "delivered", 12, &(track_report){.recipient = "16505551234"}, &applied);
	is_str(status_of(a), "delivered", "delivered");
	ok(applied, "applied");
	track_status(db, "wamid.A", "sent", 11, NULL, &applied);
	is_str(status_of(a), "delivered", "a late sent changes nothing");
	ok(!applied, "not applied");
	track_status(db, "wamid.A", "delivered", 12, NULL, &applied);
	ok(!applied, "a repeated webhook is a no-op");
	track_status(db, "wamid.A", "read", 15, NULL, NULL);
	is_str(status_of(a), "read", "read");
	is_str(times_of(a), "10 12 15", "each step's time kept");

	int64_t d = outbound();
	track_accepted(db, d, "wamid.D", 40, NULL, NULL);
	track_status(db, "wamid.D", "read", 45, NULL, NULL);
	is_str(times_of(d), "40 45 45", "read without a delivered: delivered then too");

	int64_t b = outbound();
	/* the webhook beats the API answer */
	track_status(db, "wamid.B", "delivered", 20, NULL, &applied);
	ok(!applied, "a status for an unknown wamid waits");
	track_accepted(db, b, "wamid.B", 19, NULL, NULL);
	is_str(status_of(b), "delivered", "and is applied when the message appears");

	int64_t c = outbound();
	track_accepted(db, c, "wamid.C", 30, NULL, NULL);
	track_status(db, "wamid.C", "failed", 31,
		     &(track_report){.error_code = 131047, .error_text = "Re-engagement message"}, NULL);
	is_str(status_of(c), "failed", "failed after a 200");
	sqlite3_stmt *st = db_stmt(db, "SELECT error_code, error_text, sent_at FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, c);
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 131047, "error code kept");
	is_str(db_col_text(st, 1), "Re-engagement message", "error text kept");
	sqlite3_reset(st);
	is_int(track_status(db, "wamid.C", "exploded", 1, NULL, NULL), 65, "an unknown status is bad data");

	/* a failure by webhook before the API's answer: the answer says failed */
	int64_t e = outbound();
	track_status(db, "wamid.E", "failed", 50,
		     &(track_report){.error_code = 131026, .error_text = "Message undeliverable"}, NULL);
	msg_status now = STATUS_SENT;
	char *why = NULL;
	is_int(track_accepted(db, e, "wamid.E", 49, &now, &why), 0, "accepted after its failure");
	is_str(status_name(now), "failed", "where it stands: failed");
	is_str(why, "Message undeliverable", "with the webhook's error");
	free(why);
	int64_t f = outbound();
	track_accepted(db, f, "wamid.F", 60, &now, &why);
	ok(now == STATUS_SENT && !why, "otherwise sent, no error");
	st = db_stmt(db, "SELECT count(*) FROM status_event");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 12, "history: one row per (wamid, status)");
	sqlite3_reset(st);

	/* a voice note played: recorded as played, applied as read */
	int64_t p = outbound();
	track_accepted(db, p, "wamid.P", 50, NULL, NULL);
	is_int(track_status(db, "wamid.P", "played", 55, NULL, &applied), 0, "played is a status");
	ok(applied, "applied");
	is_str(status_of(p), "read", "a played voice note was read");
	st = db_stmt(db, "SELECT status FROM status_event WHERE wamid = 'wamid.P' ORDER BY id DESC LIMIT 1");
	sqlite3_step(st);
	is_str(db_col_text(st, 0), "played", "the history says played");
	sqlite3_reset(st);
	int64_t q = outbound();
	track_status(db, "wamid.Q", "played", 61, NULL, NULL);
	track_accepted(db, q, "wamid.Q", 60, NULL, NULL);
	is_str(status_of(q), "read", "an early played is applied when the message appears");

	/* a group message: one status per member */
	track_report r1 = {.recipient = "G1", .participant = "16505550147", .callback_data = "tag-1"};
	track_report r2 = {.recipient = "G1", .participant = "GB.41099238170556612"};
	is_int(track_status(db, "wamid.G", "delivered", 70, &r1, NULL), 0, "a member's delivered");
	track_status(db, "wamid.G", "delivered", 71, &r2, NULL);
	track_status(db, "wamid.G", "delivered", 71, &r2, NULL);
	st = db_stmt(db, "SELECT group_concat(participant || ':' || coalesce(callback_data, '-'), ' ') FROM "
			 "(SELECT * FROM status_event WHERE wamid = 'wamid.G' ORDER BY id)");
	sqlite3_step(st);
	is_str(db_col_text(st, 0), "16505550147:tag-1 GB.41099238170556612:-", "each member once, with the callback data");
	sqlite3_reset(st);
	db_close(db);
	tap_rmdir();
	free(path);
	return done_testing();
}
