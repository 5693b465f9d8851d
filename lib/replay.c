#include "replay.h"

#include <errno.h>
#include <string.h>

#include "err.h"
#include "event.h"
#include "util.h"
#include "webhook.h"

/* A message or status as its webhook brought it: the stored payload
 * wrapped in the document around it, so that its event is made by the
 * very code that made it live. */
static int part_event(sqlite3_stmt *st, sb *out)
{
	static sb doc;
	int status = sqlite3_column_int(st, 0);
	sb_reset(&doc);
	sb_puts(&doc, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":"
		      "\"messages\",\"value\":{\"messaging_product\":\"whatsapp\"");
	if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
		sb_puts(&doc, ",\"metadata\":{\"phone_number_id\":");
		sb_json_string(&doc, db_col_text(st, 7));
		sb_puts(&doc, "}");
	}
	if (!status) {
		sb_puts(&doc, ",\"contacts\":[{\"profile\":{\"name\":");
		sb_json_string(&doc, sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : db_col_text(st, 6));
		sb_puts(&doc, "}");
		for (int c = 4; c <= 5; c++)
			if (sqlite3_column_type(st, c) != SQLITE_NULL) {
				sb_puts(&doc, c == 4 ? ",\"wa_id\":" : ",\"user_id\":");
				sb_json_string(&doc, db_col_text(st, c));
			}
		sb_puts(&doc, "}]");
	}
	sb_puts(&doc, status ? ",\"statuses\":[" : ",\"messages\":[");
	sb_puts(&doc, db_col_text(st, 3));
	sb_puts(&doc, "]}}]}]}");
	wh_batch b;
	webhook_parse(doc.s, doc.len, &b);
	int rc = b.bad ? wb_err(EX_DATAERR, "its payload is no part this wb reads") : 0;
	for (size_t i = 0; i < b.n && !rc; i++)
		event_render(&b.v[i], out);
	webhook_free(&b);
	return rc;
}

int replay_events(wb_db *db, int64_t since, FILE *out, long *n)
{
	/* a status with no recipient is wb-send's own "sent", which no
	 * webhook brought and no event announced */
	/* what a webhook brought has its payload; wb-send's own statuses
	 * and messages have none */
	sqlite3_stmt *st = db_stmt(db,
		"SELECT 0, m.ts, m.id, m.payload, c.wa_id, c.user_id, c.profile_name, m.phone_number_id "
		"FROM message m JOIN contact c ON c.id = m.contact_id "
		"WHERE m.direction = 'in' AND m.ts >= ?1 AND m.payload IS NOT NULL "
		"UNION ALL SELECT 1, ts, id, payload, NULL, NULL, NULL, phone_number_id "
		"FROM status_event WHERE payload IS NOT NULL AND ts >= ?1 "
		"ORDER BY 2, 1, 3");
	sqlite3_bind_int64(st, 1, since);
	sb line = {0};
	int rc = 0, step;
	*n = 0;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		sb_reset(&line);
		if ((rc = part_event(st, &line)))
			wb_err_prefix(rc, "stored %s %lld: ", sqlite3_column_int(st, 0) ? "status" : "message",
				      (long long)sqlite3_column_int64(st, 2));
		if (!rc && fwrite(line.s, 1, line.len, out) != line.len)
			rc = wb_err(EX_IOERR, "standard output: %s", strerror(errno));
		*n += !rc;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "reading stored events");
	sqlite3_reset(st);
	sb_free(&line);
	if (!rc && fflush(out))
		rc = wb_err(EX_IOERR, "standard output: %s", strerror(errno));
	return rc;
}
