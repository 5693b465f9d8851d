/* Unit tests of the contact side: attribute names, the import's header
 * and row checks (pure), an import through a real database, attributes
 * as placeholders, the message log read, and the change log's cursor
 * file. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "changes.h"
#include "contact.h"
#include "db.h"
#include "err.h"
#include "import.h"
#include "kv.h"
#include "msglog.h"
#include "tmpl.h"
#include "util.h"

static void keys(void)
{
	static const char *good[] = {"city", "order_id", "Order ID", "客户等级", "a.b-c"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		is_int(contact_key_check(good[i]), 0, "key '%s' accepted", good[i]);
	static const char *bad[] = {"", "{{x}}", "a=b", " city", "city ", "tab\there", "name", "Phone",
				    "wa_id", "profile_name", "business", "\xff",
				    "12345678901234567890123456789012345678901234567890123456789012345"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(contact_key_check(bad[i]), EX_DATAERR, "key %zu rejected", i);
	static const char *conds[] = {"tier=gold", "tier!=gold", "tier=", "tier!=", "a b=c=d", "客户等级=金"};
	for (size_t i = 0; i < sizeof conds / sizeof *conds; i++)
		is_int(contact_where_check(conds[i]), 0, "condition '%s'", conds[i]);
	static const char *badconds[] = {"tier", "=gold", "!=gold", "name=Mei", "{{x}}=1"};
	for (size_t i = 0; i < sizeof badconds / sizeof *badconds; i++)
		is_int(contact_where_check(badconds[i]), EX_USAGE, "condition '%s' refused", badconds[i]);
}

/* A mutable copy of a row, as the CSV reader hands out. */
static char **row(int n, const char *const *v)
{
	char **f = xcalloc((size_t)n, sizeof *f);
	for (int i = 0; i < n; i++)
		f[i] = xstrdup(v[i]);
	return f;
}

static void free_row(char **f, int n)
{
	for (int i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

static void header_and_rows(void)
{
	import_map m;
	static const char *const h1[] = {" Phone ", "NAME", "city", "", "wa_id"};
	char **f = row(5, h1);
	is_int(import_header(f, 5, &m), 0, "header read");
	is_int(m.phone, 0, "phone column (trimmed, any case)");
	is_int(m.name, 1, "name column");
	is_str(m.keys[2], "city", "an attribute");
	ok(m.keys[3] == NULL && m.keys[4] == NULL, "unnamed and second-key columns are not attributes");
	free_row(f, 5);

	static const char *const r1[] = {"+1 650 555 1234", "", "Paris", "junk", "16505551234"};
	import_row r;
	f = row(5, r1);
	is_int(import_check(NULL, &m, f, 5, &r), 0, "a good row");
	is_str(r.key, "16505551234", "phone normalised");
	ok(r.name == NULL, "an empty name is no name");
	is_int(import_check(NULL, &m, f, 4, &r), EX_DATAERR, "too few fields");
	is_str(wb_errmsg(), "4 fields, the header has 5: quote a cell that holds a line break, or add the missing cells",
	       "says how many, and what to do");
	free(f[0]);
	f[0] = xstrdup("");
	is_int(import_check(NULL, &m, f, 5, &r), EX_DATAERR, "an empty phone");
	free(f[0]);
	f[0] = xstrdup("16505551234");
	free(f[2]);
	f[2] = xstrdup("Z\xfcrich");
	is_int(import_check(NULL, &m, f, 5, &r), EX_DATAERR, "invalid UTF-8");
	is_str(wb_errmsg(), "column 'city': not valid UTF-8", "names the column");
	free(f[2]);
	f[2] = xstrdup("ok");
	free(f[3]);
	f[3] = xstrdup("\xc3");
	is_int(import_check(NULL, &m, f, 5, &r), EX_DATAERR, "invalid UTF-8 in an ignored column too");
	is_str(wb_errmsg(), "column 4: not valid UTF-8", "named by its number");
	free_row(f, 5);
	import_map_free(&m);

	static const char *const h2[] = {"wa_id", "city"};
	f = row(2, h2);
	is_int(import_header(f, 2, &m), 0, "wa_id alone is the phone column");
	is_int(m.phone, 0, "there");
	is_int(m.name, -1, "no name column");
	import_map_free(&m);
	free_row(f, 2);
	static const char *const h3[] = {"name", "city"};
	f = row(2, h3);
	is_int(import_header(f, 2, &m), EX_DATAERR, "no phone column");
	free_row(f, 2);
	static const char *const h4[] = {"phone", "a", "b", "a"};
	f = row(4, h4);
	is_int(import_header(f, 4, &m), EX_DATAERR, "a column twice");
	free_row(f, 4);
}

static void note_skip(const char *msg, void *ctx)
{
	sb *b = ctx;
	sb_printf(b, "%s|", msg);
}

static int collect(const msglog_msg *m, void *ctx)
{
	sb *b = ctx;
	sb_printf(b, "%s:%s:%s|", m->direction, m->body ? m->body : "-", m->labels);
	return 0;
}

static void with_database(void)
{
	char *path = tap_tmpfile("wb.db");
	wb_db *db;
	is_int(db_open(path, &db), 0, "database");

	const char *csv = "phone,name,city\n16505551234,Mei,Paris\nbad,X,Y\n8613912345678,,\n";
	FILE *fp = fmemopen((void *)csv, strlen(csv), "r");
	import_stats st;
	is_int(import_contacts(db, fp, "c.csv", 100, NULL, NULL, NULL, &st), EX_DATAERR, "a bad row fails");
	ok(strstr(wb_errmsg(), "c.csv:3: column 'phone'") != NULL, "names file, line, column: %s", wb_errmsg());
	contact c;
	is_int(contact_get(db, "16505551234", &c), EX_FALSE, "the good row before it was rolled back");
	fclose(fp);

	fp = fmemopen((void *)csv, strlen(csv), "r");
	sb skipped = {0};
	is_int(import_contacts(db, fp, "c.csv", 100, note_skip, &skipped, NULL, &st), 0, "skipping bad rows");
	ok(st.created == 2 && st.updated == 0 && st.skipped == 1, "2 created, 1 skipped");
	ok(skipped.s && !strncmp(skipped.s, "c.csv:3: ", 9), "skip told of line 3: %s", skipped.s);
	sb_free(&skipped);
	fclose(fp);

	is_int(contact_get(db, "16505551234", &c), 0, "imported");
	kv vars = {0};
	is_int(contact_vars(db, &c, &vars), 0, "placeholder values");
	char *text;
	is_int(tmpl_render("Hi {{name}} in {{city}}", kv_lookup, &vars, &text), 0, "attributes fill placeholders");
	is_str(text, "Hi Mei in Paris", "rendered");
	free(text);
	kv_free(&vars);
	char *json = contact_attrs_json(db, c.id);
	is_str(json, "{\"city\":\"Paris\"}", "attributes as JSON");
	free(json);

	sb log = {0};
	is_int(msglog_each(db, c.id, collect, &log), 0, "message log of a quiet contact");
	ok(log.s == NULL, "is empty");
	char *sql = xasprintf(
		"INSERT INTO message (wamid, contact_id, direction, type, body, ts, status) VALUES "
		"('w2', %lld, 'out', 'text', 'second', 20, 'sent'), ('w1', %lld, 'in', 'text', 'first', 10, 'received'),"
		"('w3', %lld, 'in', 'image', NULL, 20, 'received');"
		"INSERT INTO message_label SELECT m.id, l.id, 0 FROM message m, label l "
		"WHERE m.wamid = 'w1' AND l.name IN ('Paid', 'New order')",
		(long long)c.id, (long long)c.id, (long long)c.id);
	is_int(db_exec(db, sql), 0, "messages inserted");
	free(sql);
	is_int(msglog_each(db, c.id, collect, &log), 0, "message log read");
	is_str(log.s, "in:first:New order,Paid|out:second:|in:-:|", "oldest first, ties by row, labels sorted");
	sb_free(&log);
	int64_t lid = 0;
	sqlite3_stmt *q = db_stmt(db, "SELECT id FROM label WHERE name = 'Paid'");
	if (sqlite3_step(q) == SQLITE_ROW)
		lid = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	is_int(msglog_labelled(db, lid, collect, &log), 0, "labelled messages read");
	is_str(log.s, "in:first:New order,Paid|", "only the labelled one");
	sb_free(&log);
	contact_free(&c);

	db_close(db);
	tap_rmdir();
	free(path);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
}

static void cursor_file(void)
{
	char *path = tap_tmpfile("crm.cursor");
	char *tmp = xasprintf("%s.tmp", path);
	int64_t c = -1;
	is_int(changes_cursor_load(path, &c), 0, "no cursor file yet");
	is_int(c, 0, "starts from the start");
	write_file(path, "");
	ok(changes_cursor_load(path, &c) == 0 && c == 0, "an empty file starts from the start");
	write_file(path, " 42\n");
	ok(changes_cursor_load(path, &c) == 0 && c == 42, "a number, spaces and a newline around it");
	static const char *bad[] = {"x", "-1", "12 13", "4.5", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		write_file(path, bad[i]);
		is_int(changes_cursor_load(path, &c), EX_DATAERR, "'%s' is no cursor", bad[i]);
	}
	is_int(changes_cursor_save(path, 1234567), 0, "saved");
	ok(changes_cursor_load(path, &c) == 0 && c == 1234567, "and read back");
	ok(access(tmp, F_OK) != 0, "no temporary file left");
	char *nodir = tap_tmpfile("no/such/dir/cursor");
	is_int(changes_cursor_save(nodir, 1), EX_CANTCREAT, "a directory that is not there");
	tap_rmdir();
	free(nodir);
	free(tmp);
	free(path);
}

int main(void)
{
	keys();
	cursor_file();
	header_and_rows();
	with_database();
	return done_testing();
}
