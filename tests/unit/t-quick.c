/* Unit tests of the quick replies and their keywords through a real
 * database: adding, reading and removing by shortcut, keywords that
 * answer with one quick reply only, and the listings. */
#include <stdlib.h>

#include "tap.h"

#include "db.h"
#include "err.h"
#include "quick.h"
#include "util.h"

static int list_quick(const quick_reply *q, void *ctx)
{
	sb_printf(ctx, "/%s=%s[%s]|", q->shortcut, q->text, q->keywords);
	return 0;
}

static int list_keyword(const quick_keyword *k, void *ctx)
{
	sb_printf(ctx, "%s>/%s:%s|", k->word, k->shortcut, k->text);
	return 0;
}

static int stop_at_first(const quick_reply *q, void *ctx)
{
	++*(int *)ctx;
	return 42;
}

static void quick_replies(wb_db *db)
{
	is_int(quick_add(db, "price", "Tea is 5, {{name}}", NULL, 100), 0, "add");
	is_int(quick_add(db, "hours", "Open 9 to 6", NULL, 100), 0, "add another");
	is_int(quick_add(db, "price", "other", NULL, 100), EX_DATAERR, "a shortcut is added once");
	char *text;
	is_int(quick_text(db, "price", &text), 0, "text by shortcut");
	is_str(text, "Tea is 5, {{name}}", "placeholders kept");
	free(text);
	is_int(quick_text(db, "nope", &text), EX_FALSE, "no such shortcut");
	ok(text == NULL, "and no text");
	ok(strstr(wb_errmsg(), "/nope") != NULL, "the message names it: %s", wb_errmsg());
}

static void keywords(wb_db *db)
{
	is_int(quick_keyword_add(db, "price", "price"), 0, "a keyword");
	is_int(quick_keyword_add(db, "价格", "price"), 0, "a second for the same reply");
	is_int(quick_keyword_add(db, "price", "price"), 0, "again: harmless");
	is_int(quick_keyword_add(db, "price", "hours"), EX_DATAERR, "not a second reply for one word");
	is_int(quick_keyword_add(db, "foo", "nope"), EX_DATAERR, "not to a missing reply");
	is_int(quick_keyword_add(db, "", "price"), EX_DATAERR, "not an empty word");
	is_int(quick_keyword_add(db, "open", "hours"), 0, "a keyword for the other");

	sb b = {0};
	is_int(quick_each(db, list_quick, &b), 0, "list quick replies");
	is_str(b.s, "/hours=Open 9 to 6[open]|/price=Tea is 5, {{name}}[price,价格]|",
	       "by shortcut, with their keywords");
	sb_reset(&b);
	is_int(quick_keyword_each(db, list_keyword, &b), 0, "list keywords");
	is_str(b.s, "open>/hours:Open 9 to 6|price>/price:Tea is 5, {{name}}|价格>/price:Tea is 5, {{name}}|",
	       "by word, with the shortcut and text they answer with");
	int calls = 0;
	is_int(quick_each(db, stop_at_first, &calls), 42, "a callback's status stops the walk");
	is_int(calls, 1, "after one row");

	is_int(quick_keyword_rm(db, "open"), 0, "keyword rm");
	is_int(quick_keyword_rm(db, "open"), EX_FALSE, "again: none");
	is_int(quick_rm(db, "price"), 0, "quick rm");
	is_int(quick_rm(db, "price"), EX_FALSE, "again: none");
	sb_reset(&b);
	is_int(quick_keyword_each(db, list_keyword, &b), 0, "list keywords");
	ok(b.len == 0, "the reply's keywords went with it");
	sb_free(&b);
}

int main(void)
{
	char *path = tap_tmpfile("wb.db");
	wb_db *db;
	is_int(db_open(path, &db), 0, "database");
	quick_replies(db);
	keywords(db);
	db_close(db);
	free(path);
	tap_rmdir();
	return done_testing();
}
