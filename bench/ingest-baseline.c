/* The baseline for bench/ingest.sh: a plain C program that reads the same
 * webhook lines, takes the fields with jansson and inserts the same
 * contact and message rows with prepared statements in one transaction.
 * No events, no statuses, no checks: the floor wb-recv is measured on. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"

static const char *at(json_t *o, const char *path)
{
	/* entry[0].changes[0].value */
	json_t *v = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(o, "entry"), 0),
								   "changes"), 0), "value");
	json_t *m = json_array_get(json_object_get(v, "messages"), 0);
	if (path[0] == 'n')
		return json_string_value(json_object_get(json_object_get(
			json_array_get(json_object_get(v, "contacts"), 0), "profile"), "name"));
	if (path[0] == 'b')
		return json_string_value(json_object_get(json_object_get(m, "text"), "body"));
	return json_string_value(json_object_get(m, path));
}

int main(int argc, char **argv)
{
	wb_db *wdb;
	if (argc != 2 || db_open(argv[1], &wdb))
		return 2;
	sqlite3 *db = db_handle(wdb);
	sqlite3_stmt *c, *m;
	sqlite3_prepare_v2(db, "INSERT INTO contact (wa_id, profile_name, created_at, updated_at, last_in_at) "
			       "VALUES (?1, ?2, ?3, ?3, ?3) ON CONFLICT (wa_id) DO UPDATE SET last_in_at = ?3 "
			       "RETURNING id", -1, &c, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO message (wamid, contact_id, direction, type, body, payload, ts, status) "
			       "VALUES (?, ?, 'in', 'text', ?, ?, ?, 'received') ON CONFLICT (wamid) DO NOTHING",
			   -1, &m, NULL);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		json_t *o = json_loadb(line, (size_t)n, 0, NULL);
		long long ts = atoll(at(o, "timestamp"));
		sqlite3_bind_text(c, 1, at(o, "from"), -1, SQLITE_STATIC);
		sqlite3_bind_text(c, 2, at(o, "name"), -1, SQLITE_STATIC);
		sqlite3_bind_int64(c, 3, ts);
		sqlite3_step(c);
		sqlite3_int64 cid = sqlite3_column_int64(c, 0);
		sqlite3_reset(c);
		sqlite3_bind_text(m, 1, at(o, "id"), -1, SQLITE_STATIC);
		sqlite3_bind_int64(m, 2, cid);
		sqlite3_bind_text(m, 3, at(o, "body"), -1, SQLITE_STATIC);
		sqlite3_bind_text(m, 4, line, (int)n, SQLITE_STATIC);
		sqlite3_bind_int64(m, 5, ts);
		sqlite3_step(m);
		sqlite3_reset(m);
		json_decref(o);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(c);
	sqlite3_finalize(m);
	free(line);
	db_close(wdb);
	return 0;
}
