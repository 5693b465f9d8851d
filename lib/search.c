#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

/* Both ways read the same columns; only where the match comes from
 * differs. */
#define SEARCH_SELECT(snippet)                                                          \
	"SELECT m.ts, c.wa_id, c.user_id, coalesce(c.name, c.profile_name), m.direction, " \
	"m.type, " snippet ", m.wamid "

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

static sqlite3_stmt *query(wb_db *db, const char *text, const char *const mark[2], char **arg)
{
	static const char fts[] = SEARCH_SELECT("CASE WHEN ?2 = '' THEN m.body "
							   "ELSE snippet(message_fts, 0, ?2, ?3, '…', 64) END")
		"FROM message_fts f JOIN message m ON m.id = f.rowid JOIN contact c ON c.id = m.contact_id "
		"WHERE message_fts MATCH ?1 AND m.deleted_at IS NULL ORDER BY m.ts DESC, m.id DESC LIMIT ?4";
	static const char like[] = SEARCH_SELECT("CASE WHEN ?2 = '' THEN m.body "
							    "ELSE replace(m.body, ?5, ?2 || ?5 || ?3) END")
		"FROM message m JOIN contact c ON c.id = m.contact_id "
		"WHERE m.body LIKE ?1 ESCAPE '\\' AND m.deleted_at IS NULL ORDER BY m.ts DESC, m.id DESC LIMIT ?4";
	/* the trigram index holds no shorter pieces than 3 characters */
	int short_text = chars(text) < 3;
	sqlite3_stmt *st = db_stmt(db, short_text ? like : fts);
	*arg = short_text ? like_pattern(text) : fts_string(text);
	sqlite3_bind_text(st, 1, *arg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mark[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mark[1], -1, SQLITE_STATIC);
	if (short_text)
		sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	return st;
}

int search_each(wb_db *db, const char *text, long limit, const char *const mark[2], search_fn fn, void *ctx)
{
	if (!*text)
		return wb_err(EX_DATAERR, "search: the text is empty");
	char *arg;
	sqlite3_stmt *st = query(db, text, mark, &arg);
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
	return rc;
}
