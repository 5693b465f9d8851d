/* Unit tests of who a contact is: the user ID syntax, contacts found by
 * phone or user ID, linked when a delivery names both, merged when two
 * exist, a number passed to a new person, changes of number and of user
 * ID with their aliases; the cache of contacts by phone; and the readers
 * of phones that take user IDs. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "bsuid.h"
#include "contact.h"
#include "db.h"
#include "err.h"
#include "identity.h"
#include "in.h"
#include "label.h"
#include "util.h"

static wb_db *db;

static void syntax(void)
{
	static const char *good[] = {"US.13491208655302741918", "GB.4", "AU.ENT.30917725560184411", "US.ENT", "DE.aB9"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		ok(bsuid_valid(good[i]), "'%s' is a user ID", good[i]);
	static const char *bad[] = {"", "16505551234", "+1 650 555 1234", "us.123", "U.123", "US123", "US.",
				    "US.ENT.", "US.12-3", "US. 123", "USA.123"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(!bsuid_valid(bad[i]), "'%s' is not", bad[i]);
	char max[3 + 128 + 2];
	memcpy(max, "US.", 3);
	memset(max + 3, '7', 129);
	max[3 + 129] = 0;
	ok(!bsuid_valid(max), "129 characters are too many");
	max[3 + 128] = 0;
	ok(bsuid_valid(max), "128 are not");
	ok(bsuid_is_parent("AU.ENT.30917725560184411") && !bsuid_is_parent("AU.30917725560184411"), "a parent ID");
}

static int64_t find(const char *phone, const char *user_id, int create)
{
	identity who = {.phone = phone, .user_id = user_id, .last_in = 100};
	int64_t id = -1;
	int rc = identity_find(db, &who, 100, create, &id);
	return rc ? -rc : id;
}

/* "phone|user_id" of contact id, "-" for none */
static const char *keys_of(int64_t id)
{
	static char buf[200];
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(wa_id, '-') || '|' || coalesce(user_id, '-') FROM contact "
				       "WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	snprintf(buf, sizeof buf, "%s", sqlite3_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "(gone)");
	sqlite3_reset(st);
	return buf;
}

static int64_t count(const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

static void linking(void)
{
	int64_t p = find("16505550147", NULL, 1);
	ok(p > 0, "a phone makes a contact");
	is_int(find(NULL, "US.7305512948810462201", 0), 0, "a user ID it does not know finds nobody");
	is_int(find("16505550147", "US.7305512948810462201", 1), p, "both: the phone's contact");
	is_str(keys_of(p), "16505550147|US.7305512948810462201", "which learns the user ID");
	is_int(find(NULL, "US.7305512948810462201", 0), p, "found by it alone since");
	is_int(count("SELECT count(*) FROM contact"), 1, "no second contact");
	is_int(find("", NULL, 1), -EX_DATAERR, "neither is nobody");

	/* two contacts, one by each: the same person, merged into the older */
	int64_t byphone = find("447700900461", NULL, 1);
	int64_t byuid = find(NULL, "GB.88213075546190331", 1);
	int64_t lid;
	label_add(db, "vip", 3, 1);
	label_find(db, "vip", &lid);
	int changed;
	label_apply(db, lid, byuid, 1, &changed);
	contact_set_attr(db, byphone, "city", "Leeds");
	contact_set_attr(db, byuid, "city", "York");
	contact_set_attr(db, byuid, "tier", "gold");
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO message (wamid, contact_id, direction, type, ts, status) "
				       "VALUES ('wamid.M1', ?, 'in', 'text', 5, 'received')");
	sqlite3_bind_int64(st, 1, byuid);
	db_step_done(db, st, "test");
	is_int(find("447700900461", "GB.88213075546190331", 1), byphone, "both at once: one contact, the older");
	is_str(keys_of(byphone), "447700900461|GB.88213075546190331", "with both keys");
	is_str(keys_of(byuid), "(gone)", "the other is gone");
	is_int(count("SELECT contact_id FROM message WHERE wamid = 'wamid.M1'"), byphone, "its messages moved");
	is_int(count("SELECT count(*) FROM contact_label WHERE contact_id = (SELECT id FROM contact WHERE wa_id = "
		     "'447700900461')"), 1, "its labels too");
	char *attrs = contact_attrs_json(db, byphone);
	is_str(attrs, "{\"city\":\"Leeds\",\"tier\":\"gold\"}", "attributes merged, the older's winning");
	free(attrs);
}

static void recycled(void)
{
	/* a number that belonged to someone with a user ID reaches someone else */
	int64_t old = find("61491570156", "AU.55018231942770315", 1);
	int64_t fresh = find("61491570156", "AU.99999999999999999", 1);
	ok(fresh > 0 && fresh != old, "a new user ID with a known number: a new person");
	is_str(keys_of(fresh), "61491570156|AU.99999999999999999", "who has the number now");
	is_str(keys_of(old), "-|AU.55018231942770315", "the old one keeps their user ID");
	is_int(count("SELECT count(*) FROM contact_alias WHERE kind = 'phone' AND value = '61491570156'"), 1,
	       "and the number as a former one");
}

static void changes(void)
{
	int64_t a = find("447700900999", "GB.11111111111111111", 1), id;
	identity was = {.phone = "447700900999", .user_id = "GB.11111111111111111"};
	identity now_is = {.phone = "447700900512", .user_id = "GB.22222222222222222"};
	is_int(identity_changed(db, &was, &now_is, 200, &id), 0, "a changed number");
	is_int(id, a, "the same contact");
	is_str(keys_of(a), "447700900512|GB.22222222222222222", "with the new identifiers");
	is_int(find(NULL, "GB.11111111111111111", 0), a, "the old user ID still finds it");
	is_int(find("447700900999", NULL, 0), 0, "the old number does not (numbers are given to others)");
	/* a delivery from before the change teaches nothing */
	is_int(find("447700900999", "GB.11111111111111111", 1), a, "an old delivery: the same contact");
	is_str(keys_of(a), "447700900512|GB.22222222222222222", "unchanged");

	identity uwas = {.user_id = "GB.22222222222222222"}, unow = {.user_id = "GB.33333333333333333"};
	is_int(identity_changed(db, &uwas, &unow, 300, &id), 0, "a changed user ID");
	is_str(keys_of(a), "447700900512|GB.33333333333333333", "re-keyed, the number kept");

	/* a change heard about a user wb never met: the new ids, the old ones as aliases */
	identity nwas = {.phone = "33612345678", .user_id = "FR.1"}, nnow = {.user_id = "FR.2"};
	is_int(identity_changed(db, &nwas, &nnow, 400, &id), 0, "a change of someone new");
	is_str(keys_of(id), "-|FR.2", "a contact with the new ID");
	is_int(find(NULL, "FR.1", 0), id, "the old one finds it");
}

/* What a delivery from someone known writes: only what is new. */
static void learning(void)
{
	identity who = {.phone = "5511987650001", .profile_name = "Ana", .last_in = 200};
	int64_t id, again;
	identity_find(db, &who, 200, 1, &id);
	sqlite3 *h = db_handle(db);
	int before = sqlite3_total_changes(h);
	identity_find(db, &who, 300, 1, &again);
	ok(again == id && sqlite3_total_changes(h) == before, "a repeated delivery writes nothing");
	who.last_in = 150;
	identity_find(db, &who, 300, 1, &again);
	ok(sqlite3_total_changes(h) == before, "nor does an older message");
	who.last_in = 400;
	identity_find(db, &who, 400, 1, &again);
	is_int(sqlite3_total_changes(h) - before, 1, "a later one moves its time, one row written");
	who.profile_name = "Ana Lima";
	who.username = "ana";
	who.last_out = 450;
	identity_find(db, &who, 500, 1, &again);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT last_in_at = 400 AND last_out_at = 450 AND profile_name = 'Ana Lima' "
		 "AND username = 'ana' AND updated_at = 500 FROM contact WHERE id = %lld", (long long)id);
	is_int(count(sql), 1, "a new name is learned, with the time of it");
}

static void readers(void)
{
	char key[CONTACT_KEY_MAX];
	is_int(contact_resolve(db, " GB.41099238170556612 ", key), 0, "a user ID where a phone goes");
	is_str(key, "GB.41099238170556612", "as it is");
	is_int(contact_resolve_phone(db, "GB.41099238170556612", key), EX_DATAERR, "not where only a phone goes");

	int64_t id;
	is_int(contact_ensure(db, "GB.41099238170556612", 1, &id), 0, "ensured by user ID");
	contact c;
	is_int(contact_get(db, "GB.41099238170556612", &c), 0, "got by it");
	is_str(contact_key(&c), "GB.41099238170556612", "its key, without a phone");
	contact_free(&c);
	is_int(contact_get(db, "AU.ENT.30917725560184411", &c), EX_FALSE, "no contact with that parent yet");
	sqlite3_stmt *st = db_stmt(db, "UPDATE contact SET parent_user_id = 'AU.ENT.30917725560184411' WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	db_step_done(db, st, "test");
	is_int(contact_find(db, "AU.ENT.30917725560184411", &id), 0, "a parent ID names its contact");

	/* phones and user IDs on stdin: a list, a table with a user_id
	 * column (an export whose phone is empty), JSONL */
	static const char *forms[] = {
		"16505550147\nGB.41099238170556612\n16505550147\n",
		"phone,user_id,name\n16505550147,US.7305512948810462201,Priya\n,GB.41099238170556612,Oliver\n",
		"user_id\nUS.7305512948810462201\nGB.41099238170556612\n",
		"{\"phone\":\"16505550147\"}\n{\"user_id\":\"GB.41099238170556612\"}\n",
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		FILE *fp = fmemopen((void *)forms[i], strlen(forms[i]), "r");
		phone_list l = {.db = db};
		is_int(in_phones_stream(fp, "stdin", &l), 0, "form %zu read", i);
		is_int(l.n, 2, "two contacts, repeats dropped");
		ok(l.n == 2 && bsuid_valid(l.v[1]), "the second by user ID: %s", l.n > 1 ? l.v[1] : "");
		phone_list_free(&l);
		fclose(fp);
	}
	const char *none = "phone,user_id\n,\n";
	FILE *fp = fmemopen((void *)none, strlen(none), "r");
	phone_list l = {.db = db};
	is_int(in_phones_stream(fp, "stdin", &l), EX_DATAERR, "a row with neither");
	is_str(wb_errmsg(), "stdin:2: no phone or user ID in this row", "says so");
	phone_list_free(&l);
	fclose(fp);
}

/* identity_cache: a contact found by phone is remembered, and forgotten
 * when another connection's commit or a rollback may have changed it. */
static void caching(const char *path)
{
	wb_db *other;
	if (db_open(path, &other))
		return;
	identity_cache(db, 1);
	db_begin(db);
	int64_t a = find("4915112340001", NULL, 1);
	is_int(find("4915112340001", NULL, 1), a, "found again, and remembered");
	is_int(find("4915112340001", NULL, 1), a, "found from the cache");
	db_commit(db);
	/* another process gives the number to someone new */
	db_exec(other, "UPDATE contact SET wa_id = NULL, user_id = 'DE.1' WHERE wa_id = '4915112340001';"
		       "INSERT INTO contact (wa_id, created_at, updated_at) VALUES ('4915112340001', 1, 1)");
	db_begin(db);
	int64_t b = find("4915112340001", NULL, 1);
	ok(b > 0 && b != a, "another connection's commit is seen: %lld, not %lld", (long long)b, (long long)a);
	is_int(find("4915112340001", NULL, 1), b, "and remembered");
	db_commit(db);

	db_begin(db);
	int64_t c = find("4915112340002", NULL, 1);
	is_int(find("4915112340002", NULL, 1), c, "a contact made in a transaction, remembered");
	db_rollback(db);
	db_begin(db);
	is_int(find("4915112340002", NULL, 0), 0, "is forgotten when the transaction is rolled back");
	db_commit(db);
	identity_cache(db, 0);
	db_close(other);
}

int main(void)
{
	syntax();
	char *path = tap_tmpfile("wb.db");
	int rc = db_open(path, &db);
	if (rc)
		return 1;
	db_begin(db);
	linking();
	recycled();
	changes();
	learning();
	readers();
	db_commit(db);
	caching(path);
	free(path);
	db_close(db);
	tap_rmdir();
	return done_testing();
}
