#include "quick.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "media.h"
#include "util.h"

int quick_media_read(const char *type, const char *arg, char **src)
{
	*src = NULL;
	if (media_is_url(arg)) {
		*src = xstrdup(arg);
		return 0;
	}
	const char *mime;
	int rc = media_probe(strcmp(type, "image") ? MSG_DOCUMENT : MSG_IMAGE, 0, arg, &mime);
	if (rc == EX_NOINPUT && *arg && strspn(arg, "0123456789") == strlen(arg)) {
		*src = xstrdup(arg); /* no such file: the id of a medium already uploaded */
		return 0;
	}
	if (rc)
		return wb_err_prefix(rc, "--%s: ", type);
	char *abs = realpath(arg, NULL);
	if (!abs)
		return wb_err(EX_NOINPUT, "--%s: %s: %s", type, arg, strerror(errno));
	*src = abs;
	return 0;
}

int quick_add(wb_db *db, const char *shortcut, const char *text, const quick_media *m, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO quick_reply (shortcut, text, created_at, media_type, media) "
				       "VALUES (?, ?, ?, ?, ?) ON CONFLICT (shortcut) DO NOTHING");
	sqlite3_bind_text(st, 1, shortcut, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	db_bind_text(st, 4, m && m->type ? m->type : NULL);
	db_bind_text(st, 5, m && m->type ? m->src : NULL);
	int rc = db_step_done(db, st, "saving a quick reply");
	if (!rc && !sqlite3_changes(db_handle(db)))
		rc = wb_err(EX_DATAERR, "quick reply '/%s' exists (quick set changes it)", shortcut);
	return rc;
}

int quick_set(wb_db *db, const char *shortcut, const char *text, const quick_media *m)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE quick_reply SET text = coalesce(?2, text), "
				       "media_type = CASE WHEN ?3 THEN ?4 ELSE media_type END, "
				       "media = CASE WHEN ?3 THEN ?5 ELSE media END WHERE shortcut = ?1");
	sqlite3_bind_text(st, 1, shortcut, -1, SQLITE_STATIC);
	db_bind_text(st, 2, text);
	sqlite3_bind_int(st, 3, m != NULL);
	db_bind_text(st, 4, m && m->type ? m->type : NULL);
	db_bind_text(st, 5, m && m->type ? m->src : NULL);
	int changed, rc = db_step_changed(db, st, "saving a quick reply", &changed);
	return rc || changed ? rc : wb_err(EX_FALSE, "no quick reply '/%s' (quick add makes one)", shortcut);
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

/* Column i as a string, or NULL. */
int quick_get(wb_db *db, const char *shortcut, quick_content *q)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT text, media_type, media FROM quick_reply WHERE shortcut = ?");
	sqlite3_bind_text(st, 1, shortcut, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	memset(q, 0, sizeof *q);
	if (rc == SQLITE_ROW) {
		q->text = xstrdup(db_col_text(st, 0));
		q->media_type = db_col_opt(st, 1) ? xstrdup(db_col_opt(st, 1)) : NULL;
		q->media = db_col_opt(st, 2) ? xstrdup(db_col_opt(st, 2)) : NULL;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? wb_err(EX_FALSE, "no quick reply '/%s'", shortcut)
				 : db_fail(db, "reading a quick reply");
}

void quick_content_free(quick_content *q)
{
	free(q->text);
	free(q->media_type);
	free(q->media);
	memset(q, 0, sizeof *q);
}

int quick_each(wb_db *db, quick_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT q.shortcut, q.text, coalesce((SELECT group_concat(word, ',') FROM "
		"(SELECT word FROM keyword WHERE quick_reply_id = q.id ORDER BY word)), ''), q.media_type, q.media "
		"FROM quick_reply q ORDER BY q.shortcut");
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		quick_reply q = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_opt(st, 3),
				 db_col_opt(st, 4)};
		rc = fn(&q, ctx);
	}
	sqlite3_reset(st);
	return !rc && step != SQLITE_DONE ? db_fail(db, "listing quick replies") : rc;
}

int quick_keyword_add(wb_db *db, const char *word, const char *shortcut)
{
	if (!*word)
		return wb_err(EX_DATAERR, "an empty keyword");
	if (utf8_len(word) < 0) /* it could never match a message, which is UTF-8 */
		return wb_err(EX_DATAERR, "keyword '%s': not valid UTF-8", word);
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
	sqlite3_stmt *st = db_stmt(db, "SELECT k.word, q.shortcut, q.text, q.media_type, q.media FROM keyword k "
				       "JOIN quick_reply q ON q.id = k.quick_reply_id ORDER BY k.word");
	int rc = 0, step = SQLITE_DONE;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		quick_keyword k = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_opt(st, 3),
				   db_col_opt(st, 4)};
		rc = fn(&k, ctx);
	}
	sqlite3_reset(st);
	return !rc && step != SQLITE_DONE ? db_fail(db, "listing keywords") : rc;
}
