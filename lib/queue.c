#include "queue.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contact.h"
#include "err.h"
#include "inbox.h"
#include "status.h"
#include "track.h"
#include "util.h"

int queue_add(wb_db *db, const queue_msg *m, int64_t *id, queue_added *added)
{
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO message (contact_id, direction, type, body, media_id, reply_to, payload, ts, "
		"status, status_at, due_at, agent, auto, broadcast_id, idem_key, claimed_by, forced, kind, tag, "
		"phone_number_id) "
		"VALUES (?1, 'out', ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
		"ON CONFLICT DO NOTHING");
	sqlite3_bind_int64(st, 1, m->contact_id);
	db_bind_text(st, 2, m->type);
	db_bind_text(st, 3, m->body);
	db_bind_text(st, 4, m->media_id);
	db_bind_text(st, 5, m->reply_to);
	db_bind_text(st, 6, m->payload);
	sqlite3_bind_int64(st, 7, m->ts);
	db_bind_opt_int(st, 8, m->due_at);
	db_bind_text(st, 9, m->agent);
	db_bind_text(st, 10, m->auto_kind);
	db_bind_opt_int(st, 11, m->broadcast_id);
	db_bind_text(st, 12, m->idem_key);
	db_bind_text(st, 13, m->claimed_by);
	sqlite3_bind_int(st, 14, m->forced ? 1 : 0);
	db_bind_text(st, 15, m->kind);
	db_bind_text(st, 16, m->tag);
	db_bind_text(st, 17, m->phone_number_id);
	int rc = db_step_done(db, st, "queueing a message");
	if (rc)
		return rc;
	if (sqlite3_changes(db_handle(db))) {
		*id = sqlite3_last_insert_rowid(db_handle(db));
		*added = QUEUE_NEW;
		return 0;
	}
	*id = 0;
	*added = QUEUE_DUP_BROADCAST;
	if (m->idem_key) {
		st = db_stmt(db, "SELECT id FROM message WHERE idem_key = ?");
		sqlite3_bind_text(st, 1, m->idem_key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*id = sqlite3_column_int64(st, 0);
			*added = QUEUE_DUP_KEY;
		}
		sqlite3_reset(st);
	}
	return 0;
}

int queue_broadcast_new(wb_db *db, const char *name, const char *agent, const char *kind, const char *spec,
			int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO broadcast (name, agent, spec, created_at, kind) "
				       "VALUES (?, ?, ?, ?, ?)");
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, agent);
	db_bind_text(st, 3, spec);
	sqlite3_bind_int64(st, 4, now);
	db_bind_text(st, 5, kind);
	int rc = db_step_done(db, st, "creating a broadcast");
	if (!rc)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int queue_marketing_to(wb_db *db, int64_t contact_id, int64_t since, int64_t except_broadcast, int64_t *count)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT count(*) FROM message WHERE contact_id = ? AND ts >= ? AND direction = 'out' "
		"AND kind = 'marketing' AND broadcast_id IS NOT ? AND status NOT IN ('failed', 'cancelled')");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, except_broadcast);
	if (sqlite3_step(st) != SQLITE_ROW) {
		int rc = db_fail(db, "counting marketing messages");
		sqlite3_reset(st);
		return rc;
	}
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* The template messages that count towards the limit in (?1, ?2), those
 * of broadcast ?3 aside; the partial index message_template_reach serves it. */
#define REACHED " FROM message WHERE direction = 'out' AND type = 'template' " \
	"AND coalesce(due_at, ts) > ?1 AND coalesce(due_at, ts) < ?2 " \
	"AND status NOT IN ('failed', 'cancelled') AND coalesce(broadcast_id, -1) != ?3"

/* A count over a window (?1, ?2) and a broadcast ?3. */
static int count_in(wb_db *db, sqlite3_stmt *st, int64_t from, int64_t to, int64_t broadcast, int64_t *n)
{
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, broadcast);
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : db_fail(db, "counting template recipients");
	*n = rc ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

int queue_template_reach(wb_db *db, int64_t from, int64_t to, int64_t except, int64_t *n)
{
	return count_in(db, db_stmt(db, "SELECT count(DISTINCT contact_id)" REACHED), from, to, except, n);
}

/* Broadcast ?3's template messages due now to contacts not reached otherwise. */
#define NEWCOMERS " FROM message m WHERE m.broadcast_id = ?3 AND m.type = 'template' AND m.status = 'queued' " \
	"AND m.due_at IS NULL AND m.contact_id NOT IN (SELECT contact_id" REACHED ")"

int queue_newcomers(wb_db *db, int64_t broadcast, int64_t from, int64_t to, int64_t *n)
{
	return count_in(db, db_stmt(db, "SELECT count(*)" NEWCOMERS), from, to, broadcast, n);
}

int queue_newcomers_defer(wb_db *db, int64_t broadcast, int64_t from, int64_t to, int64_t skip, int64_t n,
			  int64_t due, void (*fn)(int64_t id, const char *phone, int64_t due, void *ctx), void *ctx)
{
	/* released: the rows due now were reserved for this process */
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE message SET due_at = ?6, claimed_by = NULL WHERE id IN (SELECT m.id" NEWCOMERS
		" ORDER BY m.id LIMIT ?5 OFFSET ?4) "
		"RETURNING id, (SELECT coalesce(wa_id, user_id) FROM contact WHERE contact.id = contact_id)");
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, broadcast);
	sqlite3_bind_int64(st, 4, skip);
	sqlite3_bind_int64(st, 5, n);
	sqlite3_bind_int64(st, 6, due);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (fn)
			fn(sqlite3_column_int64(st, 0), db_col_text(st, 1), due, ctx);
	int rc = step == SQLITE_DONE ? 0 : db_fail(db, "spreading a broadcast");
	sqlite3_reset(st);
	return rc;
}

static void boot_id(char *buf, size_t size)
{
	snprintf(buf, size, "?");
	FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (!fp)
		return;
	if (fgets(buf, (int)size, fp))
		buf[strcspn(buf, "\n")] = 0;
	fclose(fp);
}

const char *queue_me(void)
{
	static char me[80];
	static pid_t pid;
	if (pid != getpid()) { /* a fork is another claimer */
		char boot[48];
		boot_id(boot, sizeof boot);
		pid = getpid();
		snprintf(me, sizeof me, "%ld@%s", (long)pid, boot);
	}
	return me;
}

int queue_claimer_gone(const char *claimer, const char *me)
{
	const char *at = strchr(claimer, '@'), *my_at = strchr(me, '@');
	if (!at || !my_at || strcmp(at, my_at))
		return 1; /* another boot: every process of it is gone */
	long pid = strtol(claimer, NULL, 10);
	if (pid <= 0)
		return 1;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int queue_claim(wb_db *db, const char *me, int mine, int64_t now, int max, queue_item **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	/* claimed_at marks a row as taken by this run; rows reserved by
	 * queue_add have claimed_by set and claimed_at still NULL. The
	 * status terms and the order match the partial index message_pending,
	 * so a claim reads a few index pages, not every queued row. */
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE message SET claimed_by = ?1, claimed_at = ?2 WHERE id IN ("
		" SELECT id FROM message WHERE direction = 'out' AND status IN ('queued', 'sending')"
		" AND status = 'queued' AND (due_at IS NULL OR due_at <= ?2)"
		" AND coalesce(next_try_at, 0) <= ?2 AND claimed_at IS NULL"
		" AND (CASE WHEN ?3 THEN claimed_by = ?1 ELSE claimed_by IS NULL END)"
		" ORDER BY due_at, id LIMIT ?4) "
		"RETURNING id, (SELECT wa_id FROM contact WHERE contact.id = contact_id), payload, attempts, "
		" type = 'template', forced, (SELECT last_in_at FROM contact WHERE contact.id = contact_id), tag, "
		" (SELECT user_id FROM contact WHERE contact.id = contact_id), phone_number_id, "
		" CASE WHEN type = 'template' THEN body END");
	sqlite3_bind_text(st, 1, me, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, mine);
	sqlite3_bind_int(st, 4, max);
	queue_item *v = xcalloc((size_t)max, sizeof *v);
	size_t k = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && k < (size_t)max) {
		v[k].id = sqlite3_column_int64(st, 0);
		snprintf(v[k].phone, sizeof v[k].phone, "%s", db_col_text(st, 1));
		v[k].payload = xstrdup(db_col_text(st, 2));
		v[k].attempts = sqlite3_column_int(st, 3);
		v[k].kind = sqlite3_column_int(st, 4) ? SEND_TEMPLATE : SEND_FREE_FORM;
		v[k].forced = sqlite3_column_int(st, 5);
		v[k].last_in = sqlite3_column_int64(st, 6);
		v[k].tag = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 7));
		snprintf(v[k].user_id, sizeof v[k].user_id, "%s", db_col_text(st, 8));
		v[k].phone_number_id = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 9));
		v[k].tmpl = sqlite3_column_type(st, 10) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 10));
		k++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = db_fail(db, "claiming messages");
		db_rollback(db);
		queue_items_free(v, k);
		return rc;
	}
	if ((rc = db_commit(db))) {
		queue_items_free(v, k);
		return rc;
	}
	*items = v;
	*n = k;
	return 0;
}

void queue_items_free(queue_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].payload);
		free(items[i].tmpl);
		free(items[i].tag);
		free(items[i].phone_number_id);
	}
	free(items);
}

int queue_sending(wb_db *db, int64_t id, int64_t now, int *ok)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE message SET status = 'sending', status_at = ?2, "
				       "attempts = attempts + 1 WHERE id = ?1 AND status = 'queued'");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	int rc = db_step_done(db, st, "marking a message sending");
	*ok = !rc && sqlite3_changes(db_handle(db)) == 1;
	return rc;
}

int queue_sent(wb_db *db, int64_t id, const char *wamid, int64_t ts, msg_status *now, char **error)
{
	int rc = track_accepted(db, id, wamid, ts, now, error);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "SELECT contact_id FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	int64_t cid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (cid && (rc = contact_sent(db, cid, ts)))
		return rc;
	return inbox_message_sent(db, id, ts);
}

/* The message's status; -1 when there is no such message. */
static int status_of(wb_db *db, int64_t id, msg_status *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status FROM message WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	int found = sqlite3_step(st) == SQLITE_ROW && !status_parse(db_col_text(st, 0), s);
	sqlite3_reset(st);
	return found ? 0 : -1;
}

int queue_failed(wb_db *db, int64_t id, long code, const char *text, int64_t ts)
{
	msg_status from;
	if (status_of(db, id, &from) || !status_may_move(from, STATUS_FAILED))
		return 0;
	sqlite3_stmt *st = db_stmt(db, "UPDATE message SET status = 'failed', status_at = ?2, error_code = ?3, "
				       "error_text = ?4 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ts);
	db_bind_opt_int(st, 3, code);
	db_bind_text(st, 4, text);
	return db_step_done(db, st, "recording a failure");
}

int queue_retry(wb_db *db, int64_t id, long code, const char *text)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE message SET status = 'queued', error_code = ?2, error_text = ?3 "
				       "WHERE id = ?1 AND status = 'sending'");
	sqlite3_bind_int64(st, 1, id);
	db_bind_opt_int(st, 2, code);
	db_bind_text(st, 3, text);
	return db_step_done(db, st, "requeueing a message");
}

int queue_release(wb_db *db, const char *me, int64_t retry_at)
{
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE message SET claimed_by = NULL, claimed_at = NULL, "
		"next_try_at = CASE WHEN ?2 AND attempts > 0 THEN ?2 ELSE next_try_at END "
		/* the pending index's own terms, so that this reads the few
		 * pending rows, not every message: wb-send - releases after
		 * each line, and a scan made a stream quadratic */
		"WHERE claimed_by = ?1 AND status = 'queued' AND direction = 'out' "
		"AND status IN ('queued', 'sending')");
	sqlite3_bind_text(st, 1, me, -1, SQLITE_STATIC);
	db_bind_opt_int(st, 2, retry_at);
	return db_step_done(db, st, "releasing messages");
}

int queue_recover(wb_db *db, const char *me, int retry_unknown, int64_t now, queue_fn fn, void *ctx)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "SELECT DISTINCT claimed_by FROM message WHERE direction = 'out' "
				       "AND status IN ('queued', 'sending') AND claimed_by IS NOT NULL");
	char **gone = NULL;
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *c = db_col_text(st, 0);
		if (strcmp(c, me) && queue_claimer_gone(c, me)) {
			gone = xrealloc(gone, (n + 1) * sizeof *gone);
			gone[n++] = xstrdup(c);
		}
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n && !rc; i++) {
		st = db_stmt(db, "UPDATE message SET status = 'unknown', status_at = ?2, claimed_at = NULL, "
				 "error_text = 'the sender stopped while sending; not resent' "
				 "WHERE claimed_by = ?1 AND status = 'sending'");
		sqlite3_bind_text(st, 1, gone[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		rc = db_step_done(db, st, "recovering messages");
		if (!rc) {
			st = db_stmt(db, "UPDATE message SET claimed_by = NULL, claimed_at = NULL "
					 "WHERE claimed_by = ? AND status = 'queued'");
			sqlite3_bind_text(st, 1, gone[i], -1, SQLITE_STATIC);
			rc = db_step_done(db, st, "recovering messages");
		}
	}
	for (size_t i = 0; i < n; i++)
		free(gone[i]);
	free(gone);
	/* report every row in doubt, not only this run's finds: an unknown
	 * row stays in the report until someone decides */
	st = db_stmt(db, "SELECT m.id, coalesce(c.wa_id, c.user_id), m.error_text FROM message m "
			 "JOIN contact c ON c.id = m.contact_id "
			 "WHERE m.status = 'unknown' AND m.direction = 'out' ORDER BY m.id");
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn ? fn(sqlite3_column_int64(st, 0), db_col_text(st, 1),
			     retry_unknown ? STATUS_QUEUED : STATUS_UNKNOWN, db_col_text(st, 2), ctx)
			: 0;
	sqlite3_reset(st);
	if (!rc && retry_unknown) {
		st = db_stmt(db, "UPDATE message SET status = 'queued', status_at = ?1, claimed_by = NULL, "
				 "claimed_at = NULL, error_text = NULL WHERE status = 'unknown' AND direction = 'out'");
		sqlite3_bind_int64(st, 1, now);
		rc = db_step_done(db, st, "requeueing unknown messages");
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int queue_each(wb_db *db, int (*fn)(const queue_row *r, void *ctx), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT m.id, c.wa_id, m.type, m.status, coalesce(m.due_at, m.ts), m.ts, m.attempts, "
		"m.body, m.error_text, m.idem_key, m.broadcast_id, c.user_id, m.tag FROM message m "
		"JOIN contact c ON c.id = m.contact_id "
		"WHERE m.direction = 'out' AND m.status IN ('queued', 'sending', 'unknown') "
		"ORDER BY coalesce(m.due_at, m.ts), m.id");
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		queue_row r = {
			.id = sqlite3_column_int64(st, 0),
			.phone = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : db_col_text(st, 1),
			.user_id = sqlite3_column_type(st, 11) == SQLITE_NULL ? NULL : db_col_text(st, 11),
			.type = db_col_text(st, 2),
			.due_at = sqlite3_column_int64(st, 4),
			.ts = sqlite3_column_int64(st, 5),
			.attempts = sqlite3_column_int(st, 6),
			.body = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : db_col_text(st, 7),
			.error = sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL : db_col_text(st, 8),
			.key = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : db_col_text(st, 9),
			.broadcast_id = sqlite3_column_int64(st, 10),
			.tag = sqlite3_column_type(st, 12) == SQLITE_NULL ? NULL : db_col_text(st, 12),
		};
		status_parse(db_col_text(st, 3), &r.status); /* one of the three the query asks for */
		rc = fn(&r, ctx);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "listing the queue");
	sqlite3_reset(st);
	return rc;
}

int queue_cancel(wb_db *db, int64_t id, int64_t now)
{
	msg_status from;
	if (status_of(db, id, &from))
		return wb_err(EX_FALSE, "message %lld: no such message", (long long)id);
	if (!status_may_move(from, STATUS_CANCELLED))
		return wb_err(EX_DATAERR, "message %lld is %s; only queued messages can be cancelled", (long long)id,
			      status_name(from));
	sqlite3_stmt *st = db_stmt(db, "UPDATE message SET status = 'cancelled', status_at = ?2, claimed_by = NULL, "
				       "claimed_at = NULL WHERE id = ?1 AND status = 'queued'");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return db_step_done(db, st, "cancelling a message");
}
