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
	track_status(db, "wamid.A", "delivered", 12, 0, NULL, "16505551234", &applied);
	is_str(status_of(a), "delivered", "delivered");
	ok(applied, "applied");
	track_status(db, "wamid.A", "sent", 11, 0, NULL, NULL, &applied);
	is_str(status_of(a), "delivered", "a late sent changes nothing");
	ok(!applied, "not applied");
	track_status(db, "wamid.A", "delivered", 12, 0, NULL, NULL, &applied);
	ok(!applied, "a repeated webhook is a no-op");
	track_status(db, "wamid.A", "read", 15, 0, NULL, NULL, NULL);
	is_str(status_of(a), "read", "read");
	is_str(times_of(a), "10 12 15", "each step's time kept");

	int64_t d = outbound();
	track_accepted(db, d, "wamid.D", 40, NULL, NULL);
	track_status(db, "wamid.D", "read", 45, 0, NULL, NULL, NULL);
	is_str(times_of(d), "40 45 45", "read without a delivered: delivered then too");

	int64_t b = outbound();
	/* the webhook beats the API answer */
	track_status(db, "wamid.B", "delivered", 20, 0, NULL, NULL, &applied);
	ok(!applied, "a status for an unknown wamid waits");
	track_accepted(db, b, "wamid.B", 19, NULL, NULL);
	is_str(status_of(b), "delivered", "and is applied when the message appears");

	int64_t c = outbound();
	track_accepted(db, c, "wamid.C", 30, NULL, NULL);
	track_status(db, "wamid.C", "failed", 31, 131047, "Re-engagement message", NULL, NULL);
	is_str(status_of(c), "failed", "failed after a 200");
	sqlite3_stmt *st = db_stmt(db, "SELECT error_code, error_text, sent_at FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, c);
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 131047, "error code kept");
	is_str(db_col_text(st, 1), "Re-engagement message", "error text kept");
	sqlite3_reset(st);
	is_int(track_status(db, "wamid.C", "exploded", 1, 0, NULL, NULL, NULL), 65, "an unknown status is bad data");

	/* a failure by webhook before the API's answer: the answer says failed */
	int64_t e = outbound();
	track_status(db, "wamid.E", "failed", 50, 131026, "Message undeliverable", NULL, NULL);
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
	db_close(db);
	tap_rmdir();
	free(path);
	return done_testing();
}
