#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

/* How long a search waits for another writer before it searches without
 * catching the index up (a batch of wb-recv holds the lock this long at
 * most, mostly much less). */
#define SEARCH_WAIT_MS 250

/* Both ways read the same columns; only where the match comes from
 * differs. */
#define SEARCH_SELECT(snippet)                                                          \
	"SELECT m.ts, c.wa_id, c.user_id, coalesce(c.name, c.profile_name), m.direction, " \
	"m.type, " snippet ", m.wamid, m.id "
/* The LIKE scan (?6 the pattern), its snippet marked by replace (?5 the
 * text), for short text and for the messages not yet indexed. */
#define SEARCH_SCAN                                                                                   \
	SEARCH_SELECT("CASE WHEN ?2 = '' THEN m.body ELSE replace(m.body, ?5, ?2 || ?5 || ?3) END")    \
	"FROM message m JOIN contact c ON c.id = m.contact_id "                                       \
	"WHERE m.body LIKE ?6 ESCAPE '\\' AND m.deleted_at IS NULL "
/* newest first: the time, then the id */
#define SEARCH_ORDER "ORDER BY 1 DESC, 9 DESC LIMIT ?4"

/* The FTS5 query for text as one string: "…" with its quotes doubled,
 * so nothing in it is syntax. */
static char *fts_string(const char *text)
{
	sb b = {0};
	sb_putc(&b, '"');
	for (const char *p = text; *p; p++) {
		if (*p == '"')
			sb_putc(&b, '"');
		sb_putc(&b, *p);
	}
	sb_putc(&b, '"');
	return sb_take(&b);
}

/* A LIKE pattern matching text anywhere, its %, _ and \ escaped. */
static char *like_pattern(const char *text)
{
	sb b = {0};
	sb_putc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			sb_putc(&b, '\\');
		sb_putc(&b, *p);
	}
	sb_putc(&b, '%');
	return sb_take(&b);
}

/* Characters (code points) in UTF-8 text. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The index catches up with message: the messages after upto indexed,
 * in one short write transaction. A read-only database, or one another
 * writer holds longer than SEARCH_WAIT_MS, is left as it is: the query
 * then scans the tail the index lacks. */
static void catch_up(wb_db *db)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT upto < (SELECT coalesce(max(id), 0) FROM message) FROM message_fts_upto");
	int behind = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (!behind || db_begin_within(db, SEARCH_WAIT_MS))
		return;
	if (db_exec(db, "INSERT INTO message_fts(rowid, body) SELECT id, body FROM message "
			"WHERE id > (SELECT upto FROM message_fts_upto) ORDER BY id;"
			"UPDATE message_fts_upto SET upto = (SELECT coalesce(max(id), 0) FROM message);") ||
	    db_commit(db))
		db_rollback(db);
}

static sqlite3_stmt *query(wb_db *db, const char *text, const char *const mark[2], char **arg, char **like)
{
	/* the index, and the messages it has not taken yet (when it could not
	 * catch up) by a scan; both in one statement, so in one snapshot */
	static const char fts[] = SEARCH_SELECT("CASE WHEN ?2 = '' THEN m.body "
						"ELSE snippet(message_fts, 0, ?2, ?3, '…', 64) END")
		"FROM message_fts f JOIN message m ON m.id = f.rowid JOIN contact c ON c.id = m.contact_id "
		"WHERE message_fts MATCH ?1 AND m.deleted_at IS NULL UNION ALL "
		SEARCH_SCAN "AND m.id > (SELECT upto FROM message_fts_upto) " SEARCH_ORDER;
	static const char scan[] = SEARCH_SCAN SEARCH_ORDER;
	/* the trigram index holds no shorter pieces than 3 characters */
	int short_text = chars(text) < 3;
	if (!short_text)
		catch_up(db);
	sqlite3_stmt *st = db_stmt(db, short_text ? scan : fts);
	*arg = short_text ? NULL : fts_string(text);
	*like = like_pattern(text);
	sqlite3_bind_text(st, 1, *arg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mark[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mark[1], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, *like, -1, SQLITE_STATIC);
	return st;
}

int search_each(wb_db *db, const char *text, long limit, const char *const mark[2], search_fn fn, void *ctx)
{
	if (!*text)
		return wb_err(EX_DATAERR, "search: the text is empty");
	char *arg, *like;
	sqlite3_stmt *st = query(db, text, mark, &arg, &like);
	sqlite3_bind_int64(st, 4, limit);
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		search_hit h = {
			.ts = sqlite3_column_int64(st, 0),
			.wa_id = db_col_text(st, 1),
			.user_id = db_col_text(st, 2),
			.name = (const char *)sqlite3_column_text(st, 3),
			.direction = db_col_text(st, 4),
			.type = db_col_text(st, 5),
			.snippet = db_col_text(st, 6),
			.wamid = (const char *)sqlite3_column_text(st, 7),
		};
		if ((rc = fn(&h, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "searching messages");
	sqlite3_reset(st);
	free(arg);
	free(like);
	return rc;
}
