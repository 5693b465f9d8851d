#include "label.h"

#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "err.h"
#include "util.h"

int label_find(wb_db *db, const char *name, int64_t *id)
{
	int rc = db_find_id(db, "SELECT id FROM label WHERE name = ?", name, id);
	if (rc == EX_FALSE)
		return wb_err(EX_FALSE, "no label '%s' (wb-label ls lists them)", name);
	return rc;
}

static int check_color(int color)
{
	if (color < 1 || color > 20)
		return wb_err(EX_DATAERR, "color %d: colors are 1 to 20", color);
	return 0;
}

static int check_name(const char *name)
{
	long n = utf8_len(name);
	if (n <= 0 || n > 100)
		return wb_err(EX_DATAERR, "'%s': a label name is 1 to 100 characters of UTF-8", name);
	/* a contact's labels are listed joined by commas: 'a,b' would read
	 * as two, and a name that differs only by a space or a tab as one */
	size_t len = strlen(name);
	int bad = name[0] == ' ' || name[len - 1] == ' ' || strchr(name, ',');
	for (const unsigned char *p = (const unsigned char *)name; *p && !bad; p++)
		bad = *p < 0x20 || *p == 0x7f;
	return bad ? wb_err(EX_DATAERR, "'%s': a label name has no comma, control character, or space at "
					"either end", name) : 0;
}

int label_add(wb_db *db, const char *name, int color, int64_t now)
{
	int rc;
	if ((rc = check_name(name)) || (rc = check_color(color)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO label (name, color, created_at) VALUES (?, ?, ?) "
				       "ON CONFLICT (name) DO NOTHING");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, color);
	sqlite3_bind_int64(st, 3, now);
	int added;
	if ((rc = db_step_changed(db, st, "adding a label", &added)))
		return rc;
	return added ? 0 : wb_err(EX_DATAERR, "label '%s' exists", name);
}

/* Runs a one-row change on a label by name; EX_FALSE when none matched. */
static int change_one(wb_db *db, sqlite3_stmt *st, const char *name, const char *what)
{
	int changed, rc = db_step_changed(db, st, what, &changed);
	if (rc || changed)
		return rc;
	return wb_err(EX_FALSE, "no label '%s' (wb-label ls lists them)", name);
}

int label_rm(wb_db *db, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM label WHERE name = ?");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return change_one(db, st, name, "removing a label");
}

int label_rename(wb_db *db, const char *from, const char *to)
{
	int rc;
	int64_t id;
	if ((rc = check_name(to)))
		return rc;
	/* Renaming to another label's name would merge them silently; only a
	 * change of case of the same label is allowed. */
	if (label_find(db, to, &id) == 0 && !streq_ci(from, to))
		return wb_err(EX_DATAERR, "label '%s' exists", to);
	sqlite3_stmt *st = db_stmt(db, "UPDATE label SET name = ?2 WHERE name = ?1");
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	return change_one(db, st, from, "renaming a label");
}

int label_set_color(wb_db *db, const char *name, int color)
{
	int rc = check_color(color);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "UPDATE label SET color = ?2 WHERE name = ?1");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, color);
	return change_one(db, st, name, "changing a label");
}

int label_apply(wb_db *db, int64_t label_id, int64_t contact_id, int64_t now, int *changed)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO contact_label (contact_id, label_id, created_at) "
				       "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, label_id);
	sqlite3_bind_int64(st, 3, now);
	return db_step_changed(db, st, "labelling", changed);
}

int label_remove(wb_db *db, int64_t label_id, int64_t contact_id, int *changed)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM contact_label WHERE contact_id = ? AND label_id = ?");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, label_id);
	return db_step_changed(db, st, "unlabelling", changed);
}

static int message_id(wb_db *db, const char *wamid, int64_t *id)
{
	int rc = db_find_id(db, "SELECT id FROM message WHERE wamid = ?", wamid, id);
	if (rc == EX_FALSE)
		return wb_err(EX_FALSE, "%s: no such message", wamid);
	return rc;
}

int label_apply_message(wb_db *db, int64_t label_id, const char *wamid, int64_t now, int *changed)
{
	int64_t mid;
	int rc = message_id(db, wamid, &mid);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO message_label (message_id, label_id, created_at) "
				       "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_int64(st, 2, label_id);
	sqlite3_bind_int64(st, 3, now);
	return db_step_changed(db, st, "labelling a message", changed);
}

int label_remove_message(wb_db *db, int64_t label_id, const char *wamid, int *changed)
{
	int64_t mid;
	int rc = message_id(db, wamid, &mid);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM message_label WHERE message_id = ? AND label_id = ?");
	sqlite3_bind_int64(st, 1, mid);
	sqlite3_bind_int64(st, 2, label_id);
	return db_step_changed(db, st, "unlabelling a message", changed);
}

int label_each(wb_db *db, label_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT id, name, color, created_at, "
		"(SELECT count(*) FROM contact_label WHERE label_id = l.id), "
		"(SELECT count(*) FROM message_label WHERE label_id = l.id) "
		"FROM label l ORDER BY name");
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		label l = {
			.id = sqlite3_column_int64(st, 0),
			.name = db_col_text(st, 1),
			.color = sqlite3_column_int(st, 2),
			.created_at = sqlite3_column_int64(st, 3),
			.contacts = sqlite3_column_int64(st, 4),
			.messages = sqlite3_column_int64(st, 5),
		};
		if ((rc = fn(&l, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "listing labels");
	sqlite3_reset(st);
	return rc;
}

char *label_names_of(wb_db *db, int64_t contact_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT group_concat(name, ',') FROM "
				       "(SELECT l.name FROM contact_label cl JOIN label l ON l.id = cl.label_id "
				       "WHERE cl.contact_id = ? ORDER BY l.name)");
	sqlite3_bind_int64(st, 1, contact_id);
	char *s = xstrdup(sqlite3_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "");
	sqlite3_reset(st);
	return s;
}

typedef struct {
	int64_t id;
	int applying;
} tagging;

static int tag_contact(wb_db *db, const char *wa_id, int64_t now, void *ctx, int *changed)
{
	const tagging *t = ctx;
	int64_t cid;
	int rc = contact_ensure(db, wa_id, now, &cid);
	if (rc)
		return rc;
	return t->applying ? label_apply(db, t->id, cid, now, changed) : label_remove(db, t->id, cid, changed);
}

static int tag_message(wb_db *db, const char *wamid, int64_t now, void *ctx, int *changed)
{
	const tagging *t = ctx;
	int rc = t->applying ? label_apply_message(db, t->id, wamid, now, changed)
			     : label_remove_message(db, t->id, wamid, changed);
	return rc == EX_FALSE ? EX_DATAERR : rc;
}

int label_tag(wb_db *db, const char *name, int applying, int messages, int argc, char **argv, FILE *fp,
	      bulk_row_fn row, void *ctx)
{
	tagging t = {.applying = applying};
	int rc = label_find(db, name, &t.id);
	if (rc) /* naming a label that does not exist is bad input here */
		return rc == EX_FALSE ? EX_DATAERR : rc;
	if (messages)
		return bulk_run(db, (const char *const *)argv, (size_t)argc, tag_message, &t, row, ctx);
	return bulk_phones(db, argc, argv, fp, tag_contact, &t, row, ctx);
}
