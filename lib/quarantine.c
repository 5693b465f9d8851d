#include "quarantine.h"

#include <stdlib.h>

#include "err.h"
#include "util.h"

int quarantine_add(wb_db *db, const quarantine_row *r, int *fresh)
{
	/* the same bad part delivered again (Meta retries) is kept once */
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO quarantine (source, byte_offset, path, reason, raw, created_at) "
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
	sqlite3_bind_text(st, 1, r->source, -1, SQLITE_STATIC);
	if (r->offset >= 0)
		sqlite3_bind_int64(st, 2, r->offset);
	sqlite3_bind_text(st, 3, r->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->created_at);
	return db_step_changed(db, st, "quarantining", fresh);
}

/* The rows a statement reads, copied (it is finalized before fn runs,
 * and fn may change the table). */
typedef struct {
	quarantine_row *v;
	size_t n, cap;
} rows;

static int collect(wb_db *db, sqlite3_stmt *st, rows *out)
{
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xrealloc(out->v, out->cap * sizeof *out->v);
		}
		out->v[out->n++] = (quarantine_row){
			.id = sqlite3_column_int64(st, 0),
			.source = xstrdup(db_col_text(st, 1)),
			.offset = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 2),
			.path = xstrdup(db_col_text(st, 3)),
			.reason = xstrdup(db_col_text(st, 4)),
			.raw = xstrdup(db_col_text(st, 5)),
			.created_at = sqlite3_column_int64(st, 6),
			.tried_at = sqlite3_column_int64(st, 7),
		};
	}
	return step == SQLITE_DONE ? 0 : db_fail(db, "reading the quarantine");
}

int quarantine_each(wb_db *db, const int64_t *ids, size_t n, int (*fn)(const quarantine_row *r, void *ctx),
		    void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, source, byte_offset, path, reason, raw, created_at, tried_at "
				       "FROM quarantine WHERE ?1 OR id = ?2 ORDER BY id");
	rows all = {0};
	int rc = 0;
	for (size_t i = 0; i < (n ? n : 1) && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, n == 0);
		sqlite3_bind_int64(st, 2, n ? ids[i] : 0);
		rc = collect(db, st, &all);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < all.n; i++) {
		if (!rc)
			rc = fn(&all.v[i], ctx);
		free((char *)all.v[i].source);
		free((char *)all.v[i].path);
		free((char *)all.v[i].reason);
		free((char *)all.v[i].raw);
	}
	free(all.v);
	return rc;
}

int quarantine_remove(wb_db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM quarantine WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(db, st, "leaving the quarantine");
}

int quarantine_tried(wb_db *db, int64_t id, const char *reason, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE quarantine SET reason = ?2, tried_at = ?3 WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return db_step_done(db, st, "updating the quarantine");
}
