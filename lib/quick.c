#include "quick.h"

#include <stdlib.h>

#include "err.h"
#include "util.h"

int quick_add(wb_db *db, const char *shortcut, const char *text, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO quick_reply (shortcut, text, created_at) VALUES (?, ?, ?) "
				       "ON CONFLICT (shortcut) DO NOTHING");
	sqlite3_bind_text(st, 1, shortcut, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	int rc = db_step_done(db, st, "saving a quick reply");
	if (!rc && !sqlite3_changes(db_handle(db)))
		rc = wb_err(EX_DATAERR, "quick reply '/%s' exists (rm it first)", shortcut);
	return rc;
}

/* Runs a DELETE of one named row; EX_FALSE when there was none. */
static int delete_one(wb_db *db, sqlite3_stmt *st, const char *name, const char *what)
{
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = db_step_done(db, st, "removing");
	if (!rc && !sqlite3_changes(db_handle(db)))
		rc = wb_err(EX_FALSE, "no %s '%s'", what, name);
	return rc;
}

int quick_rm(wb_db *db, const char *shortcut)
{
	return delete_one(db, db_stmt(db, "DELETE FROM quick_reply WHERE shortcut = ?"), shortcut, "quick reply");
}

int quick_keyword_rm(wb_db *db, const char *word)
{
	return delete_one(db, db_stmt(db, "DELETE FROM keyword WHERE word = ?"), word, "keyword");
}

int quick_text(wb_db *db, const char *shortcut, char **text)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT text FROM quick_reply WHERE shortcut = ?");
	sqlite3_bind_text(st, 1, shortcut, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*text = rc == SQLITE_ROW ? xstrdup(db_col_text(st, 0)) : NULL;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? wb_err(EX_FALSE, "no quick reply '/%s'", shortcut)
				 : db_fail(db, "reading a quick reply");
}

int quick_each(wb_db *db, quick_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT q.shortcut, q.text, coalesce((SELECT group_concat(word, ',') FROM "
		"(SELECT word FROM keyword WHERE quick_reply_id = q.id ORDER BY word)), '') "
		"FROM quick_reply q ORDER BY q.shortcut");
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		quick_reply q = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2)};
		rc = fn(&q, ctx);
	}
	sqlite3_reset(st);
	return !rc && step != SQLITE_DONE ? db_fail(db, "listing quick replies") : rc;
}

int quick_keyword_add(wb_db *db, const char *word, const char *shortcut)
{
	if (!*word)
		return wb_err(EX_DATAERR, "an empty keyword");
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO keyword (word, quick_reply_id) SELECT ?1, id FROM quick_reply WHERE shortcut = ?2 "
		"ON CONFLICT (word) DO UPDATE SET quick_reply_id = excluded.quick_reply_id "
		"WHERE quick_reply_id = excluded.quick_reply_id");
	sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, shortcut, -1, SQLITE_STATIC);
	int rc = db_step_done(db, st, "saving a keyword");
	if (rc || sqlite3_changes(db_handle(db)))
		return rc;
	/* nothing changed: no such quick reply, or the word answers with another */
	char *text;
	if ((rc = quick_text(db, shortcut, &text)))
		return rc == EX_FALSE ? EX_DATAERR : rc;
	free(text);
	return wb_err(EX_DATAERR, "keyword '%s' already answers with another quick reply (rm it first)", word);
}

int quick_keyword_each(wb_db *db, quick_keyword_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT k.word, q.shortcut, q.text FROM keyword k "
				       "JOIN quick_reply q ON q.id = k.quick_reply_id ORDER BY k.word");
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		quick_keyword k = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2)};
		rc = fn(&k, ctx);
	}
	sqlite3_reset(st);
	return !rc && step != SQLITE_DONE ? db_fail(db, "listing keywords") : rc;
}
