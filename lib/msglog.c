#include "msglog.h"

#include <string.h>

#include "err.h"

const char *const msglog_cols[MSGLOG_NCOLS + 1] = {"time", "phone", "user_id", "direction", "type",
						   "text", "status", "wamid", "labels", "agent", NULL};

void msglog_cells(const msglog_msg *m, msglog_row *r)
{
	const char *cells[MSGLOG_NCOLS - 1] = {*m->wa_id ? m->wa_id : NULL, *m->user_id ? m->user_id : NULL,
					       m->direction, m->type, m->body, m->status, m->wamid, m->labels,
					       m->agent};
	memcpy(r->cell, cells, sizeof cells);
}

/* Both walks read the same columns; only the WHERE differs. A deleted
 * message shows no text; the status says what became of it. */
#define MSGLOG_SELECT                                                                  \
	"SELECT m.id, m.ts, c.wa_id, c.user_id, m.wamid, m.direction, m.type, "        \
	"CASE WHEN m.deleted_at THEN 'deleted' WHEN m.edited_at AND m.direction = 'in' " \
	"THEN 'edited' ELSE m.status END, CASE WHEN m.deleted_at IS NULL THEN m.body END, " \
	"(SELECT group_concat(name, ',') FROM (SELECT l.name FROM message_label ml "     \
	"JOIN label l ON l.id = ml.label_id WHERE ml.message_id = m.id ORDER BY l.name)), m.agent " \
	"FROM message m JOIN contact c ON c.id = m.contact_id "

static const char *opt_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int walk(wb_db *db, sqlite3_stmt *st, msglog_fn fn, void *ctx)
{
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		msglog_msg m = {
			.id = sqlite3_column_int64(st, 0),
			.ts = sqlite3_column_int64(st, 1),
			.wa_id = db_col_text(st, 2),
			.user_id = db_col_text(st, 3),
			.wamid = opt_text(st, 4),
			.direction = opt_text(st, 5),
			.type = db_col_text(st, 6),
			.status = opt_text(st, 7),
			.body = opt_text(st, 8),
			.labels = db_col_text(st, 9),
			.agent = opt_text(st, 10),
		};
		if ((rc = fn(&m, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "reading messages");
	sqlite3_reset(st);
	return rc;
}

int msglog_each(wb_db *db, int64_t contact_id, msglog_fn fn, void *ctx)
{
	/* calls among the messages, as a line each: "call 2m05s" when it was
	 * answered; a note is a row of its own type */
	sqlite3_stmt *st = db_stmt(db, MSGLOG_SELECT "WHERE m.contact_id = ?1 UNION ALL "
		"SELECT k.id, k.ts, c.wa_id, c.user_id, k.wacid, k.direction, 'call', k.status, "
		"'call' || CASE WHEN k.duration THEN printf(' %dm%02ds', k.duration / 60, k.duration % 60) "
		"ELSE '' END, '', NULL FROM call k JOIN contact c ON c.id = k.contact_id WHERE k.contact_id = ?1 "
		"UNION ALL SELECT n.id, n.created_at, c.wa_id, c.user_id, NULL, NULL, 'note', NULL, n.text, '', "
		"n.agent FROM note n JOIN contact c ON c.id = n.contact_id WHERE n.contact_id = ?1 "
		"ORDER BY 2, 1");
	sqlite3_bind_int64(st, 1, contact_id);
	return walk(db, st, fn, ctx);
}

int msglog_labelled(wb_db *db, int64_t label_id, msglog_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, MSGLOG_SELECT "WHERE m.id IN (SELECT message_id FROM message_label "
						   "WHERE label_id = ?) ORDER BY m.ts, m.id");
	sqlite3_bind_int64(st, 1, label_id);
	return walk(db, st, fn, ctx);
}
