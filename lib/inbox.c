#include "inbox.h"

#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "contact.h"
#include "err.h"
#include "label.h"
#include "send.h"
#include "survey.h"
#include "util.h"
#include "when.h"

const char *const inbox_state_names[] = {"open", "pending", "resolved", "all", NULL};

static inbox_state state_of(const char *name)
{
	for (int i = 0; i < INBOX_ALL; i++)
		if (!strcmp(name, inbox_state_names[i]))
			return (inbox_state)i;
	return INBOX_ALL; /* the CHECK constraint allows no other */
}

/* The next version, counted in a table of its own: a counter that never
 * goes back, even when the conversation that had the largest is deleted
 * with its contact (and not a setting: settings_version would move with
 * every customer message, and wb-reply auto reread its settings). */
int inbox_version(wb_db *db, int64_t *v)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT version FROM inbox_version");
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "reading the inbox version");
}

/* One new version a transaction: a reader sees all of a transaction's
 * changes at once, so one number tells them apart from what it saw
 * before, and a batch of wb-recv writes the counter once, not once a
 * message. The number is read again only when a savepoint was undone
 * since (db_undos), which may have undone this transaction's count:
 * then it is made again. Else it costs no statement a message. The
 * UPDATE, then the SELECT: RETURNING would make SQLite open a temporary
 * table for its one row. */
static int bump(wb_db *db, int64_t *v)
{
	static _Thread_local struct {
		wb_db *db;
		long long txn, undos;
		int64_t v;
	} last;
	int rc;
	if (last.db == db && last.txn == db_txn(db)) {
		*v = last.v;
		if (last.undos == db_undos(db))
			return 0;
		if ((rc = inbox_version(db, v)))
			return rc;
		if (*v == last.v) { /* what was undone came after the count */
			last.undos = db_undos(db);
			return 0;
		}
	}
	rc = db_step_done(db, db_stmt(db, "UPDATE inbox_version SET version = version + 1"),
			  "counting inbox versions");
	if (!rc && !(rc = inbox_version(db, v))) {
		last.db = db;
		last.txn = db_txn(db);
		last.undos = db_undos(db);
		last.v = *v;
	}
	return rc;
}

static int event(wb_db *db, int64_t conv, const char *kind, const char *agent, const char *actor, int64_t ts)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO conversation_event (conversation_id, ts, kind, agent, actor) "
				       "VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	db_bind_text(st, 4, agent);
	db_bind_text(st, 5, actor);
	return db_step_done(db, st, "recording a conversation event");
}

/* After conversation conv was given to agent (at version v): the event,
 * and the agent's place in the round robin. */
static int assigned(wb_db *db, int64_t conv, const char *agent, const char *actor, int64_t now, int64_t v)
{
	int rc = event(db, conv, "assigned", agent, actor, now);
	return rc ? rc : agent_assigned(db, agent, v);
}

static int set_assignee(wb_db *db, int64_t conv, const char *agent, const char *actor, int64_t now, int64_t v)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE conversation SET assignee = ?2, assigned_at = ?3, version = ?4 "
				       "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, conv);
	db_bind_text(st, 2, agent);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, v);
	int rc = db_step_done(db, st, "assigning a conversation");
	return rc || !agent ? rc : assigned(db, conv, agent, actor, now, v);
}

/* Auto-assignment of a conversation that opened without an agent. */
static int auto_assign(wb_db *db, int64_t conv, int64_t ts, int64_t v)
{
	char *agent;
	if (!agent_auto_assign(db) || agent_next(db, &agent))
		return 0; /* off, or nobody on duty: it waits in the queue */
	int rc = set_assignee(db, conv, agent, NULL, ts, v);
	free(agent);
	return rc;
}

/* The contact's latest conversation: its id, state and assignee (copied
 * into who, "" for none); EX_FALSE when it never had one. */
typedef struct {
	int64_t id, resolved_at;
	inbox_state state;
	char who[128];
	int on_duty; /* whether the assignee is on duty */
} conv_ref;

static int latest(wb_db *db, int64_t contact_id, conv_ref *c)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT v.id, v.state, v.assignee, v.resolved_at, a.on_duty "
				       "FROM conversation v LEFT JOIN agent a ON a.name = v.assignee "
				       "WHERE v.contact_id = ? ORDER BY v.id DESC LIMIT 1");
	sqlite3_bind_int64(st, 1, contact_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(st, 0);
		c->state = state_of(db_col_text(st, 1));
		snprintf(c->who, sizeof c->who, "%s", db_col_text(st, 2));
		c->resolved_at = sqlite3_column_int64(st, 3);
		c->on_duty = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EX_FALSE : db_fail(db, "reading conversations");
}

/* A resolved conversation reopens: its agent keeps it while on duty. */
static int reopen(wb_db *db, const conv_ref *c, int64_t ts, int64_t v, const char *actor, int unread)
{
	int keep = *c->who && c->on_duty;
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE conversation SET state = 'open', waiting_since = ?2, resolved_at = NULL, unread = ?4, "
		"last_in_at = CASE WHEN ?4 THEN max(coalesce(last_in_at, 0), ?2) ELSE last_in_at END, "
		"assignee = CASE WHEN ?5 THEN assignee END, version = ?3 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, v);
	sqlite3_bind_int(st, 4, unread);
	sqlite3_bind_int(st, 5, keep);
	int rc = db_step_done(db, st, "reopening a conversation");
	if (!rc)
		rc = event(db, c->id, "reopened", NULL, actor, ts);
	if (!rc && *c->who && !keep)
		rc = event(db, c->id, "unassigned", c->who, NULL, ts);
	return rc;
}

/* A customer message and no conversation open or pending: the last one
 * reopens, or a new one opens; either may go to an agent by itself. */
static int open_for(wb_db *db, int64_t contact_id, int64_t ts, int64_t v)
{
	conv_ref c;
	int rc = latest(db, contact_id, &c);
	if (rc && rc != EX_FALSE)
		return rc;
	if (!rc && ts - c.resolved_at < INBOX_REOPEN_WITHIN) {
		if ((rc = reopen(db, &c, ts, v, NULL, 1)))
			return rc;
		if (*c.who && c.on_duty)
			return 0;
	} else {
		sqlite3_stmt *st = db_stmt(db, "INSERT INTO conversation (contact_id, state, opened_at, "
					       "waiting_since, last_in_at, unread, version) VALUES (?1, 'open', ?2, ?2, ?2, 1, ?3)");
		sqlite3_bind_int64(st, 1, contact_id);
		sqlite3_bind_int64(st, 2, ts);
		sqlite3_bind_int64(st, 3, v);
		if ((rc = db_step_done(db, st, "opening a conversation")))
			return rc;
		c.id = sqlite3_last_insert_rowid(db_handle(db));
		if ((rc = event(db, c.id, "opened", NULL, NULL, ts)))
			return rc;
	}
	return auto_assign(db, c.id, ts, v);
}

int inbox_customer_message(wb_db *db, int64_t contact_id, const char *type, int64_t ts)
{
	/* a thumbs-up to our answer asks for nothing; a system message (a
	 * changed number) is WhatsApp's, not the customer's */
	if (!strcmp(type, "reaction") || !strcmp(type, "system"))
		return 0;
	int64_t v;
	int rc = bump(db, &v);
	if (rc)
		return rc;
	/* the most common case, one more message in a conversation already
	 * waiting, sets no column of the state index: SQLite rewrites an
	 * index only when the SET list names one of its columns. The '+'
	 * keeps the planner on the contact's own row (the index of current
	 * conversations), not on a scan of the queue's index */
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE conversation SET last_in_at = max(coalesce(last_in_at, 0), ?2), unread = unread + 1, "
		"version = ?3 WHERE contact_id = ?1 AND state != 'resolved' AND +state = 'open' "
		"AND +waiting_since <= ?2");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, v);
	int changed;
	if ((rc = db_step_changed(db, st, "updating a conversation", &changed)) || changed)
		return rc;
	/* pending, or open and this message older than the one it waits from */
	st = db_stmt(db,
		"UPDATE conversation SET waiting_since = CASE WHEN state = 'open' "
		"THEN min(coalesce(waiting_since, ?2), ?2) ELSE ?2 END, state = 'open', "
		"last_in_at = max(coalesce(last_in_at, 0), ?2), unread = unread + 1, version = ?3 "
		"WHERE contact_id = ?1 AND state != 'resolved'");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, v);
	if ((rc = db_step_changed(db, st, "updating a conversation", &changed)) || changed)
		return rc;
	return open_for(db, contact_id, ts, v);
}

int inbox_message_sent(wb_db *db, int64_t message_id, int64_t ts)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT v.id, v.state, m.agent FROM message m JOIN conversation v "
		"ON v.contact_id = m.contact_id AND v.state != 'resolved' "
		"WHERE m.id = ? AND m.auto IS NULL AND m.broadcast_id IS NULL");
	sqlite3_bind_int64(st, 1, message_id);
	int step = sqlite3_step(st);
	int64_t conv = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int was_open = step == SQLITE_ROW && !strcmp(db_col_text(st, 1), "open");
	char *agent = step == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL
			      ? xstrdup(db_col_text(st, 2)) : NULL;
	sqlite3_reset(st);
	int64_t v;
	int rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_fail(db, "reading a message");
	if (rc || !conv || (rc = bump(db, &v)))
		goto out;
	st = db_stmt(db, "UPDATE conversation SET state = 'pending', waiting_since = NULL, unread = 0, "
			 "first_response_at = coalesce(first_response_at, ?2), first_response_by = "
			 "CASE WHEN first_response_at IS NULL THEN ?3 ELSE first_response_by END, version = ?4 "
			 "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_int64(st, 2, ts);
	db_bind_text(st, 3, agent);
	sqlite3_bind_int64(st, 4, v);
	rc = db_step_done(db, st, "answering a conversation");
	if (!rc && was_open)
		rc = event(db, conv, "answered", agent, agent, ts);
out:
	free(agent);
	return rc;
}

/* ---- reading */

/* One statement for every listing: the state is bound three times (the
 * same one, or all three), so the index on state serves it. */
#define LIST_SQL                                                                                      \
	"SELECT v.id, v.contact_id, c.wa_id, coalesce(c.name, c.profile_name), v.state, v.assignee, "  \
	"v.opened_at, v.waiting_since, v.unread, c.last_in_at, v.version, v.first_response_at, "       \
	"v.resolved_at, (SELECT group_concat(name, ',') FROM (SELECT l.name FROM contact_label cl "     \
	"JOIN label l ON l.id = cl.label_id WHERE cl.contact_id = v.contact_id ORDER BY l.name)), "     \
	"(SELECT coalesce(body, '[' || type || ']') FROM message WHERE contact_id = v.contact_id "      \
	"ORDER BY ts DESC, id DESC LIMIT 1), c.user_id "                                               \
	"FROM conversation v JOIN contact c ON c.id = v.contact_id "                                   \
	"WHERE v.state IN (?1, ?2, ?3) AND (?4 IS NULL OR v.assignee = ?4) AND (NOT ?5 OR v.assignee IS NULL) " \
	"AND (?6 IS NULL OR EXISTS (SELECT 1 FROM contact_label WHERE contact_id = v.contact_id AND label_id = ?6)) " \
	"AND (?7 IS NULL OR v.id = (SELECT max(id) FROM conversation WHERE contact_id = ?7)) AND v.version > ?8 " \
	"ORDER BY v.waiting_since IS NULL, v.waiting_since, v.last_in_at, v.id"

static void bind_filter(sqlite3_stmt *st, const inbox_filter *f, int64_t label_id)
{
	for (int i = 0; i < 3; i++) {
		int k = f->state == INBOX_ALL ? i : (int)f->state;
		sqlite3_bind_text(st, i + 1, inbox_state_names[k], -1, SQLITE_STATIC);
	}
	db_bind_text(st, 4, f->agent);
	sqlite3_bind_int(st, 5, f->unassigned);
	db_bind_opt_int(st, 6, label_id);
	db_bind_opt_int(st, 7, f->contact_id);
	sqlite3_bind_int64(st, 8, f->since_version);
}

static void read_conv(sqlite3_stmt *st, int64_t now, inbox_conv *c)
{
	int64_t waiting = sqlite3_column_int64(st, 7), last_in = sqlite3_column_int64(st, 9);
	int64_t left = last_in ? last_in + SEND_WINDOW - now : 0;
	*c = (inbox_conv){
		.id = sqlite3_column_int64(st, 0),
		.contact_id = sqlite3_column_int64(st, 1),
		.phone = db_col_text(st, 2),
		.name = (const char *)sqlite3_column_text(st, 3),
		.state = state_of(db_col_text(st, 4)),
		.assignee = (const char *)sqlite3_column_text(st, 5),
		.opened_at = sqlite3_column_int64(st, 6),
		.unread = sqlite3_column_int64(st, 8),
		.version = sqlite3_column_int64(st, 10),
		.first_response_at = sqlite3_column_int64(st, 11),
		.resolved_at = sqlite3_column_int64(st, 12),
		.labels = db_col_text(st, 13),
		.last_message = (const char *)sqlite3_column_text(st, 14),
		.user_id = db_col_text(st, 15),
	};
	c->wait = c->state == INBOX_OPEN && waiting ? (now > waiting ? now - waiting : 0) : -1;
	c->window_left = left > 0 ? left : 0;
}

int inbox_each(wb_db *db, const inbox_filter *f, inbox_fn fn, void *ctx)
{
	int64_t label_id = 0;
	int rc = f->label ? label_find(db, f->label, &label_id) : 0;
	if (rc)
		return rc == EX_FALSE ? EX_DATAERR : rc;
	sqlite3_stmt *st = db_stmt(db, LIST_SQL);
	bind_filter(st, f, label_id);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		inbox_conv c;
		read_conv(st, f->now, &c);
		if ((rc = fn(&c, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "listing conversations");
	sqlite3_reset(st);
	return rc;
}

/* ---- changes */

/* The contact whose phone or user ID this is: 0, EX_FALSE when there is
 * none, or phone's and the database's errors. */
static int contact_of(wb_db *db, const char *phone, int64_t *id)
{
	char key[CONTACT_KEY_MAX];
	int rc = contact_resolve(db, phone, key);
	if (!rc && (rc = contact_find(db, key, id)) == EX_FALSE)
		wb_err(EX_FALSE, "%s: no such contact", key);
	return rc;
}

/* Why take found nothing to take: 0 when the conversation is the
 * agent's already, else EX_FALSE saying why. */
static int why_not(wb_db *db, const char *phone, int64_t contact_id, const char *agent)
{
	conv_ref c;
	if (!phone)
		return wb_err(EX_FALSE, "nobody is waiting in the queue");
	int rc = latest(db, contact_id, &c);
	if (rc == EX_FALSE || (!rc && c.state == INBOX_RESOLVED))
		return wb_err(EX_FALSE, "%s: no open or pending conversation", phone);
	if (rc || !strcmp(c.who, agent))
		return rc;
	return wb_err(EX_FALSE, "%s: taken by %s", phone, c.who);
}

int inbox_take(wb_db *db, const char *agent, const char *phone, int64_t now, int64_t *contact_id,
	       int *changed)
{
	int64_t cid = 0, v;
	*changed = 0;
	int rc = agent_me(db, agent);
	if (rc || (phone && (rc = contact_of(db, phone, &cid))))
		return rc;
	if ((rc = db_begin(db)) || (rc = bump(db, &v)))
		return rc;
	/* the one statement that decides, under the write lock */
	sqlite3_stmt *st = db_stmt(db, cid
		? "UPDATE conversation SET assignee = ?1, assigned_at = ?2, version = ?3 "
		  "WHERE contact_id = ?4 AND state != 'resolved' AND assignee IS NULL RETURNING id, contact_id"
		: "UPDATE conversation SET assignee = ?1, assigned_at = ?2, version = ?3 WHERE id = "
		  "(SELECT id FROM conversation WHERE state = 'open' AND assignee IS NULL "
		  "ORDER BY waiting_since, id LIMIT 1) AND assignee IS NULL RETURNING id, contact_id");
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, v);
	if (cid)
		sqlite3_bind_int64(st, 4, cid);
	int step = sqlite3_step(st);
	int64_t conv = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*contact_id = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : cid;
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(db, "taking a conversation");
	else if (!conv)
		rc = why_not(db, phone, cid, agent);
	else if (!(rc = assigned(db, conv, agent, agent, now, v)))
		*changed = 1;
	if (rc || !*changed) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

typedef struct {
	inbox_act act;
	const char *agent, *actor;
} acting;

static int set_state(wb_db *db, int64_t conv, const char *state, int64_t now, int64_t v)
{
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE conversation SET state = ?2, version = ?4, "
		"waiting_since = CASE WHEN ?2 = 'open' THEN coalesce(waiting_since, ?3) END, "
		"resolved_at = CASE WHEN ?2 = 'resolved' THEN ?3 END WHERE id = ?1");
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, v);
	return db_step_done(db, st, "changing a conversation");
}

/* What one action does to a conversation c (the contact's latest). */
static int act_on(wb_db *db, const acting *a, const conv_ref *c, int64_t now, int *changed)
{
	const char *who = *c->who ? c->who : NULL;
	int64_t v;
	int rc = 0;
	switch (a->act) {
	case INBOX_ASSIGN: *changed = !who || strcmp(who, a->agent); break;
	case INBOX_UNASSIGN: *changed = who != NULL; break;
	case INBOX_RESOLVE: *changed = c->state != INBOX_RESOLVED; break;
	case INBOX_REOPEN: *changed = c->state != INBOX_OPEN; break;
	}
	if (!*changed || (rc = bump(db, &v)))
		return rc;
	switch (a->act) {
	case INBOX_ASSIGN: return set_assignee(db, c->id, a->agent, a->actor, now, v);
	case INBOX_UNASSIGN:
		if ((rc = set_assignee(db, c->id, NULL, a->actor, now, v)))
			return rc;
		return event(db, c->id, "unassigned", who, a->actor, now);
	case INBOX_RESOLVE:
		if ((rc = set_state(db, c->id, "resolved", now, v)))
			return rc;
		return event(db, c->id, "resolved", who, a->actor, now);
	case INBOX_REOPEN:
		if (c->state == INBOX_RESOLVED)
			return reopen(db, c, now, v, a->actor, 0);
		return set_state(db, c->id, "open", now, v);
	}
	return 0;
}

/* key: a phone or a user ID, as bulk_phones reads them */
static int act_one(wb_db *db, const char *key, int64_t now, void *ctx, int *changed)
{
	const acting *a = ctx;
	int64_t cid;
	conv_ref c;
	int rc = contact_find(db, key, &cid);
	if (!rc)
		rc = latest(db, cid, &c);
	if (rc == EX_FALSE || (!rc && c.state == INBOX_RESOLVED && a->act != INBOX_REOPEN)) {
		/* nothing to resolve or unassign is no error: a listing may hold anyone */
		if (a->act == INBOX_RESOLVE || a->act == INBOX_UNASSIGN)
			return 0;
		return wb_err(EX_DATAERR, "%s: no %sconversation", key,
			      a->act == INBOX_REOPEN ? "" : "open or pending ");
	}
	if (!rc)
		rc = act_on(db, a, &c, now, changed);
	/* the survey sent on resolution, queued with the change, all or nothing */
	if (!rc && *changed && a->act == INBOX_RESOLVE)
		rc = survey_on_resolve(db, key, c.id, now);
	return rc;
}

int inbox_act_phones(wb_db *db, inbox_act act, const char *agent, const char *actor, int argc, char **argv,
		     FILE *fp, bulk_row_fn row, void *ctx)
{
	acting a = {act, agent, actor};
	int rc = act == INBOX_ASSIGN ? agent_find(db, agent) : 0;
	if (rc)
		return rc == EX_FALSE ? EX_DATAERR : rc;
	return bulk_phones(db, argc, argv, fp, act_one, &a, row, ctx);
}

int inbox_note(wb_db *db, const char *phone, const char *agent, const char *text, int64_t now)
{
	long n = utf8_len(text);
	if (n <= 0 || n > 4096)
		return wb_err(EX_DATAERR, "a note is 1 to 4096 characters of UTF-8");
	int64_t cid, v;
	conv_ref c = {0};
	int rc = contact_of(db, phone, &cid);
	if (rc || (rc = db_begin(db)))
		return rc;
	if ((rc = latest(db, cid, &c)) == EX_FALSE)
		rc = 0; /* a note on a contact who never wrote stands alone */
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO note (contact_id, conversation_id, agent, text, created_at) "
				       "VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, cid);
	db_bind_opt_int(st, 2, c.id);
	db_bind_text(st, 3, agent);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if (!rc)
		rc = db_step_done(db, st, "saving a note");
	/* the conversation changed, for whoever follows it */
	if (!rc && c.id && !(rc = bump(db, &v))) {
		st = db_stmt(db, "UPDATE conversation SET version = ? WHERE id = ?");
		sqlite3_bind_int64(st, 1, v);
		sqlite3_bind_int64(st, 2, c.id);
		rc = db_step_done(db, st, "saving a note");
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int inbox_release(wb_db *db, const char *agent, const char *actor, int64_t now)
{
	int64_t v;
	int rc = bump(db, &v);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO conversation_event (conversation_id, ts, kind, agent, actor) "
				       "SELECT id, ?2, 'unassigned', assignee, ?3 FROM conversation "
				       "WHERE assignee = ?1 AND state != 'resolved'");
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	db_bind_text(st, 3, actor);
	if (!rc)
		rc = db_step_done(db, st, "releasing conversations");
	st = db_stmt(db, "UPDATE conversation SET assignee = NULL, version = ?2 "
			 "WHERE assignee = ?1 AND state != 'resolved'");
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	return rc ? rc : db_step_done(db, st, "releasing conversations");
}

/* After a read mark on the message at ts: the contact's conversation
 * counts as unread only their messages after it. */
static int seen(wb_db *db, int64_t contact_id, int64_t ts)
{
	int64_t v;
	int rc = db_begin(db);
	if (rc || (rc = bump(db, &v)))
		return rc;
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE conversation SET version = ?3, unread = (SELECT count(*) FROM message m "
		"WHERE m.contact_id = ?1 AND m.direction = 'in' AND m.ts > ?2 AND m.ts >= conversation.opened_at) "
		"WHERE contact_id = ?1 AND state != 'resolved'");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, v);
	rc = db_step_done(db, st, "counting unread messages");
	/* the business has read them: wb-contact ls --unread leaves them out */
	st = rc ? NULL : db_stmt(db, "UPDATE message SET read_at = ?3 WHERE contact_id = ?1 "
				     "AND direction = 'in' AND ts <= ?2 AND read_at IS NULL");
	if (st) {
		sqlite3_bind_int64(st, 1, contact_id);
		sqlite3_bind_int64(st, 2, ts);
		sqlite3_bind_int64(st, 3, when_now());
		rc = db_step_done(db, st, "marking messages read");
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int inbox_mark_read(wb_db *db, api *a, const char *wamid, int typing, char phone[PHONE_MAX],
		    char user_id[BSUID_MAX])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT m.contact_id, m.ts, c.wa_id, c.user_id FROM message m "
				       "JOIN contact c ON c.id = m.contact_id WHERE m.wamid = ? AND m.direction = 'in'");
	sqlite3_bind_text(st, 1, wamid, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	int64_t cid = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	int64_t ts = step == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	snprintf(phone, PHONE_MAX, "%s", step == SQLITE_ROW ? db_col_text(st, 2) : "");
	snprintf(user_id, BSUID_MAX, "%s", step == SQLITE_ROW ? db_col_text(st, 3) : "");
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, "reading a message");
	if (!cid)
		return wb_err(EX_DATAERR, "%s: no message from a customer has this id", wamid);
	int rc = api_mark_read(a, wamid, typing);
	return rc ? rc : seen(db, cid, ts);
}
