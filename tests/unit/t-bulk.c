/* Unit tests of bulk: every target in one transaction, all or nothing,
 * each told after the commit with whether it changed; and phones read
 * from arguments or stdin. */
#include <stdlib.h>

#include "tap.h"

#include "bulk.h"
#include "db.h"
#include "err.h"
#include "util.h"

static wb_db *db;

static long long rows(void)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM probe");
	sqlite3_step(st);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Writes a row for each target; "same" changes nothing, "fail" fails. */
static int act(wb_db *d, const char *target, int64_t now, void *ctx, int *changed)
{
	if (!strcmp(target, "fail"))
		return wb_err(EX_DATAERR, "%s: no", target);
	if (sqlite3_get_autocommit(db_handle(d)))
		return wb_err(EX_SOFTWARE, "outside a transaction");
	*changed = strcmp(target, "same") != 0;
	return db_exec(d, "INSERT INTO probe VALUES (1)");
}

/* Notes each target told, and whether the rows were committed by then. */
static int row(const char *target, int changed, void *ctx)
{
	sb_printf(ctx, "%s:%d%s ", target, changed, sqlite3_get_autocommit(db_handle(db)) ? "" : "(open)");
	return 0;
}

int main(void)
{
	char *path = tap_tmpfile("wb.db");
	if (db_open(path, &db))
		return 1;
	db_exec(db, "CREATE TABLE probe (x)");
	sb got = {0};
	const char *const ok3[] = {"a", "same", "b"};
	is_int(bulk_run(db, ok3, 3, act, NULL, row, &got), 0, "three targets");
	is_str(got.s, "a:1 same:0 b:1 ", "each told in order, with whether it changed, after the commit");
	is_int(rows(), 3, "all written");

	sb_reset(&got);
	const char *const bad[] = {"c", "fail", "d"};
	is_int(bulk_run(db, bad, 3, act, NULL, row, &got), EX_DATAERR, "one target fails");
	ok(!got.len, "none is told");
	is_int(rows(), 3, "nothing of them stays");

	sb_reset(&got);
	char *args[] = {"+1 650 555 1234", "16505551234", "8613912345678"};
	is_int(bulk_phones(db, 3, args, NULL, act, NULL, row, &got), 0, "phones from arguments");
	is_str(got.s, "16505551234:1 8613912345678:1 ", "normalised, a repeat dropped");

	sb_reset(&got);
	const char *list = "phone\n16505550001\nnope\n";
	FILE *fp = fmemopen((void *)list, strlen(list), "r");
	is_int(bulk_phones(db, 0, NULL, fp, act, NULL, row, &got), EX_DATAERR, "a bad phone on stdin");
	ok(!got.len && rows() == 5, "fails them all before any is touched");
	is_str(wb_errmsg(), "stdin:3: 'nope': not a phone number (unexpected 'n')", "naming its line");
	fclose(fp);

	sb_free(&got);
	db_close(db);
	tap_rmdir();
	free(path);
	return done_testing();
}
