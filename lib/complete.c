#include "complete.h"

#include <stddef.h>

#include "err.h"

const char *const complete_kinds[] = {"label", "quick", "template", "agent", NULL};

int complete_names(wb_db *db, complete_kind kind, int (*fn)(const char *name, void *ctx), void *ctx)
{
	static const char *const sql[] = {
		[COMPLETE_LABEL] = "SELECT name FROM label ORDER BY name",
		[COMPLETE_QUICK] = "SELECT '/' || shortcut FROM quick_reply ORDER BY shortcut",
		/* those still listed upstream (wb-template sync) */
		[COMPLETE_TEMPLATE] = "SELECT DISTINCT name FROM template WHERE gone_at IS NULL ORDER BY name",
		[COMPLETE_AGENT] = "SELECT name FROM agent ORDER BY name",
	};
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(db), sql[kind], -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "listing names");
	int rc = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = fn(db_col_text(st, 0), ctx);
	sqlite3_finalize(st);
	return rc;
}
