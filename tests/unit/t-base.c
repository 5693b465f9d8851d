/* Unit tests of the foundation: times, durations, placeholders,
 * the output formats, the CSV and phone readers, and the database. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "contact.h"
#include "db.h"
#include "err.h"
#include "in.h"
#include "kv.h"
#include "out.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

static void times(void)
{
	int64_t t, now = 1764064800; /* 2025-11-25T10:00:00Z */
	char buf[40];
	is_int(when_parse("2026-11-24T09:00Z", now, "UTC", &t), 0, "ISO with Z");
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T09:00:00Z", "formats back");
	when_parse("2026-11-24T09:00+08:00", now, "UTC", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T01:00:00Z", "offset +08:00");
	when_parse("2026-11-24T09:00", now, "Asia/Shanghai", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T01:00:00Z", "no zone: the business zone");
	when_parse("2026-11-24", now, "America/New_York", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T05:00:00Z", "a date is local midnight");
	when_parse("2026-07-01 08:30", now, "America/New_York", &t);
	when_fmt_local(t, "America/New_York", buf);
	is_str(buf, "2026-07-01T08:30:00-04:00", "summer time, space separator, local format");
	is_int(when_parse("now", now, NULL, &t), 0, "now");
	is_int(t, now, "now is now");
	when_parse("-7d", now, NULL, &t);
	is_int(t, now - 7 * 86400, "-7d");
	when_parse("30m", now, NULL, &t);
	is_int(t, now + 1800, "30m is ahead");
	when_parse("2026-12-03T15:00Z -1d", now, NULL, &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-12-02T15:00:00Z", "a time and an offset");
	when_parse("today", now, "Asia/Shanghai", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2025-11-24T16:00:00Z", "today in Shanghai starts at 16:00Z the day before");
	when_parse("tomorrow 09:00", now, "Asia/Shanghai", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2025-11-26T01:00:00Z", "tomorrow 09:00 in Shanghai");
	when_parse("today 18:30 +1h", now, "UTC", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2025-11-25T19:30:00Z", "a day, a clock time and an offset");
	static const char *bad[] = {"", "2026-13-01", "today 25:00", "tomorrow 9am", "2026-02-30", "tomorrowish", "2026-11-24T25:00",
				    "7", "-7x", "2026-11-24 1d", "soon"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(when_parse(bad[i], now, "UTC", &t), EX_DATAERR, "time '%s' rejected", bad[i]);

	int64_t d;
	is_int(when_dur_parse("90s", &d), 0, "90s");
	is_int(d, 90, "90s is 90");
	when_dur_parse("1h30m", &d);
	is_int(d, 5400, "1h30m");
	when_dur_parse("14d", &d);
	is_int(d, 14 * 86400, "14d");
	char db[32];
	when_dur_fmt(14 * 86400, db);
	is_str(db, "2w", "14d formats as 2w");
	is_int(when_dur_parse("14", &d), EX_DATAERR, "a bare number is not a duration");
	is_int(when_dur_parse("-1d", &d), EX_DATAERR, "a negative duration is refused");
	ok(when_tz_valid("Asia/Shanghai"), "Asia/Shanghai is a zone");
	ok(!when_tz_valid("Mars/Olympus"), "Mars/Olympus is not");
	ok(!when_tz_valid("../../etc/passwd"), "paths are not zones");
}

static void placeholders(void)
{
	kv m = {0};
	kv_set(&m, "name", "Mei");
	kv_set(&m, "order_id", "A-77");
	char *s;
	is_int(tmpl_render("Hi {{name}}, order {{ order_id }} shipped", kv_lookup, &m, &s), 0, "render");
	is_str(s, "Hi Mei, order A-77 shipped", "placeholders filled");
	free(s);
	is_int(tmpl_render("Hi {{nobody}}", kv_lookup, &m, &s), EX_DATAERR, "a missing value is an error");
	is_str(wb_errmsg(), "no value for {{nobody}}", "which names it");
	is_int(tmpl_render("no {{ braces", kv_lookup, &m, &s), 0, "an unclosed brace is text");
	is_str(s, "no {{ braces", "kept as is");
	free(s);
	kv_free(&m);
}

static char *render(out_format f, int rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	static const char *const cols[] = {"phone", "name", "n", "rate"};
	out *o = out_new(f, fp, cols, 4);
	for (int i = 0; i < rows; i++) {
		out_str(o, i ? "=HYPERLINK(\"x\")" : "16505551234");
		out_str(o, i ? "Chen, \"Mei\"\n2" : "陈梅");
		out_int(o, -5);
		out_num(o, 0.25);
		out_row_end(o);
	}
	out_close(o);
	fclose(fp);
	return buf;
}

static void output(void)
{
	char *s = render(OUT_CSV, 2);
	is_str(s, "phone,name,n,rate\n16505551234,陈梅,-5,0.25\n\"'=HYPERLINK(\"\"x\"\")\",\"Chen, \"\"Mei\"\"\n2\",-5,0.25\n",
	       "csv quotes, neutralises formulas, keeps numbers");
	free(s);
	s = render(OUT_TSV, 1);
	is_str(s, "phone\tname\tn\trate\n16505551234\t陈梅\t-5\t0.25\n", "tsv");
	free(s);
	s = render(OUT_JSONL, 2);
	is_str(s, "{\"phone\":\"16505551234\",\"name\":\"陈梅\",\"n\":-5,\"rate\":0.25}\n"
		  "{\"phone\":\"=HYPERLINK(\\\"x\\\")\",\"name\":\"Chen, \\\"Mei\\\"\\n2\",\"n\":-5,\"rate\":0.25}\n",
	       "jsonl escapes and keeps types");
	free(s);
	s = render(OUT_JSON, 0);
	is_str(s, "[]\n", "empty json is an empty array");
	free(s);
	s = render(OUT_TABLE, 1);
	is_str(s, "phone        name  n   rate\n16505551234  陈梅  -5  0.25\n", "table aligns wide characters");
	free(s);
}

static void reader(void)
{
	const char *csv = "\xEF\xBB\xBFphone,name,note\n+1 650 555 1234,\"Chen, Mei\",\"two\nlines\"\n\n8613912345678,Li,x\n";
	FILE *fp = fmemopen((void *)csv, strlen(csv), "r");
	csvr *r = csvr_open(fp, "t.csv", ',');
	char **f;
	int n;
	long line;
	is_int(csvr_next(r, &f, &n, &line), 1, "header record");
	is_str(f[0], "phone", "BOM dropped");
	is_int(csvr_next(r, &f, &n, &line), 1, "first row");
	is_str(f[2], "two\nlines", "quoted newline kept");
	is_int(line, 2, "starts on line 2");
	is_int(csvr_next(r, &f, &n, &line), 1, "row after a blank line");
	is_int(line, 5, "on line 5");
	is_int(csvr_next(r, &f, &n, &line), 0, "end");
	csvr_close(r);
	fclose(fp);

	const char *bad = "a,b\n\"open,x\n";
	fp = fmemopen((void *)bad, strlen(bad), "r");
	r = csvr_open(fp, "bad.csv", ',');
	csvr_next(r, &f, &n, &line);
	is_int(csvr_next(r, &f, &n, &line), EX_DATAERR, "unterminated quote");

	ok(strstr(wb_errmsg(), "bad.csv:2") != NULL, "names file and line: %s", wb_errmsg());
	csvr_close(r);
	fclose(fp);

	static const char *inputs[] = {
		"+1 650 555 1234\n8613912345678\n+16505551234\n",
		"name,phone\nA,+1 650 555 1234\nB,8613912345678\n",
		"{\"phone\":\"16505551234\"}\n{\"wa_id\":\"8613912345678\",\"x\":1}\n",
		"phone\tname\n16505551234\tA\n8613912345678\tB\n",
	};
	for (size_t i = 0; i < 4; i++) {
		fp = fmemopen((void *)inputs[i], strlen(inputs[i]), "r");
		phone_list l = {0};
		is_int(in_phones_stream(fp, "stdin", &l), 0, "phones form %zu read", i);
		is_int(l.n, 2, "two distinct phones");
		if (l.n == 2) {
			is_str(l.v[0], "16505551234", "first");
			is_str(l.v[1], "8613912345678", "second");
		}
		phone_list_free(&l);
		fclose(fp);
	}
	const char *badphones = "16505551234\nnot-a-phone\n";
	fp = fmemopen((void *)badphones, strlen(badphones), "r");
	phone_list l = {0};
	is_int(in_phones_stream(fp, "stdin", &l), EX_DATAERR, "a bad phone fails the list");
	ok(strstr(wb_errmsg(), "stdin:2:") != NULL, "and names the line: %s", wb_errmsg());
	phone_list_free(&l);
	fclose(fp);
}

static void database(void)
{
	char *path = tap_tmpfile("a/b/wb.db");
	wb_db *db;
	is_int(db_open(path, &db), 0, "opens, creating parent directories");
	sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), WB_SCHEMA_VERSION, "schema version set");
	st = db_stmt(db, "PRAGMA journal_mode");
	sqlite3_step(st);
	is_str(db_col_text(st, 0), "wal", "WAL mode");
	st = db_stmt(db, "SELECT count(*) FROM label");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 5, "the app's five default labels");
	sqlite3_reset(st);
	int64_t id, id2;
	int created;
	is_int(contact_upsert(db, "16505551234", "Mei", 100, &id, &created), 0, "upsert new");
	is_int(created, 1, "created");
	is_int(contact_upsert(db, "16505551234", NULL, 200, &id2, &created), 0, "upsert again");
	ok(id == id2 && created == 0, "same contact, not created");
	contact c;
	is_int(contact_get(db, "16505551234", &c), 0, "get");
	is_str(c.name, "Mei", "name kept when upsert passes none");
	contact_free(&c);
	is_int(contact_get(db, "1999", &c), EX_FALSE, "unknown contact is 'false'");
	is_int(contact_upsert_attrs(db, "16505551234", NULL, "{\"city\":\"Lyon\",\"tier\":\"gold\"}", 300,
				    &id2, &created), 0, "attributes merged on upsert");
	is_int(contact_upsert_attrs(db, "16505551234", NULL, "{\"tier\":null}", 300, &id2, &created), 0,
	       "a null member removes");
	is_int(contact_upsert_attrs(db, "16505550000", "New", "{\"a\":\"x\",\"gone\":null}", 300, &id2,
				    &created), 0, "a new contact with attributes");
	kv attrs = {0};
	contact_attrs(db, id, &attrs);
	ok(attrs.n == 1 && !strcmp(kv_get(&attrs, "city"), "Lyon"), "attributes kept and removed");
	kv_clear(&attrs);
	contact_attrs(db, id2, &attrs);
	ok(attrs.n == 1 && !strcmp(kv_get(&attrs, "a"), "x"), "a null member is not stored on insert");
	kv_clear(&attrs);
	is_int(contact_set_attr(db, id, "qu\"ote.key", "v"), 0, "any key spelling is safe");
	is_int(contact_set_attr(db, id, "city", NULL), 0, "set NULL removes");
	contact_attrs(db, id, &attrs);
	ok(attrs.n == 1 && !strcmp(kv_get(&attrs, "qu\"ote.key"), "v"), "one attribute left");
	kv_free(&attrs);
	st = db_stmt(db, "SELECT count(*) FROM contact_attr WHERE key = 'a' AND value = 'x'");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 1, "the contact_attr view shows attributes as rows");
	sqlite3_reset(st);
	is_int(db_set_setting(db, "profile.name", "Lucky Tea"), 0, "setting saved");
	char *v = db_get_setting(db, "profile.name");
	is_str(v, "Lucky Tea", "setting read");
	free(v);
	db_close(db);
	is_int(db_open(path, &db), 0, "reopens an existing database");
	db_close(db);
	tap_rmdir();
	free(path);
}

int main(void)
{
	times();
	placeholders();
	output();
	reader();
	database();
	return done_testing();
}
