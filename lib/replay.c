#include "replay.h"

#include <errno.h>
#include <string.h>

#include "err.h"
#include "event.h"
#include "util.h"
#include "webhook.h"

/* A message as its webhook brought it: the stored payload, wrapped in
 * the document around it, so that its event is made by the very code
 * that made it live. */
static int message_event(const char *payload, const char *wa_id, const char *name, sb *out)
{
	static sb doc;
	sb_reset(&doc);
	sb_puts(&doc, "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":"
		      "\"messages\",\"value\":{\"contacts\":[");
	if (name) {
		sb_puts(&doc, "{\"wa_id\":");
		sb_json_string(&doc, wa_id);
		sb_puts(&doc, ",\"profile\":{\"name\":");
		sb_json_string(&doc, name);
		sb_puts(&doc, "}}");
	}
	sb_puts(&doc, "],\"messages\":[");
	sb_puts(&doc, payload);
	sb_puts(&doc, "]}}]}]}");
	wh_batch b;
	int rc = webhook_parse(doc.s, doc.len, &b);
	for (size_t i = 0; i < b.n && !rc; i++)
		event_render(&b.v[i], out);
	webhook_free(&b);
	return rc;
}

static void status_event(sqlite3_stmt *st, sb *out)
{
	wh_item it = {.kind = WH_STATUS, .wamid = db_col_text(st, 3), .phone = db_col_text(st, 4),
		      .ts = sqlite3_column_int64(st, 1), .type = db_col_text(st, 6),
		      .error_code = sqlite3_column_int(st, 7)};
	if (sqlite3_column_type(st, 8) != SQLITE_NULL)
		it.error_text = db_col_text(st, 8);
	event_render(&it, out);
}

int replay_events(wb_db *db, int64_t since, FILE *out, long *n)
{
	/* a status with no recipient is wb-send's own "sent", which no
	 * webhook brought and no event announced */
	sqlite3_stmt *st = db_stmt(db,
		"SELECT 0, m.ts, m.id, m.wamid, c.wa_id, c.profile_name, m.payload, NULL, NULL "
		"FROM message m JOIN contact c ON c.id = m.contact_id "
		"WHERE m.direction = 'in' AND m.ts >= ?1 AND m.payload IS NOT NULL "
		"UNION ALL SELECT 1, ts, id, wamid, recipient, NULL, status, error_code, error_text "
		"FROM status_event WHERE recipient IS NOT NULL AND ts >= ?1 "
		"ORDER BY 2, 1, 3");
	sqlite3_bind_int64(st, 1, since);
	sb line = {0};
	int rc = 0, step;
	*n = 0;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		sb_reset(&line);
		if (sqlite3_column_int(st, 0) == 0) {
			const char *name = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : db_col_text(st, 5);
			if ((rc = message_event(db_col_text(st, 6), db_col_text(st, 4), name, &line)))
				wb_err_prefix(rc, "stored message %s: ", db_col_text(st, 3));
		} else {
			status_event(st, &line);
		}
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
