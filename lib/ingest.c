#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsuid.h"
#include "contact.h"
#include "err.h"
#include "identity.h"
#include "inbox.h"
#include "survey.h"
#include "template.h"
#include "track.h"
#include "util.h"
#include "when.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))

/* Most items fit the buffer on the stack: one copy of the right size,
 * where json_dumps grows a buffer of its own a few times and copies it
 * once more (an eighth of the reading thread's time). A larger one is
 * dumped again into a buffer of the size the first try said. */
char *ingest_dump(json_t *v)
{
	char buf[4096];
	size_t n = json_dumpb(v, buf, sizeof buf, DUMP_FLAGS);
	if (!n)
		return xstrdup("null");
	if (n <= sizeof buf)
		return xstrndup(buf, n);
	char *s = xmalloc(n + 1);
	s[json_dumpb(v, s, n, DUMP_FLAGS)] = '\0';
	return s;
}

/* Binds v as ingest_dump writes it (SQLite keeps the copy, as it would
 * keep one of its own). */
static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
	sqlite3_bind_text(st, i, ingest_dump(v), -1, free);
}

/* Binds an item's raw JSON: as dumped ahead when it was, else as above. */
static void bind_raw(sqlite3_stmt *st, int i, const wh_item *it)
{
	if (it->raw_text)
		sqlite3_bind_text(st, i, it->raw_text, -1, SQLITE_STATIC);
	else
		bind_json(st, i, it->raw);
}

static const char *user_id_at(json_t *o, const char *key)
{
	return bsuid_valid(json_str(o, key)) ? json_str(o, key) : NULL;
}

static const char *phone_at(json_t *o, const char *key)
{
	return webhook_phone_ok(json_str(o, key)) ? json_str(o, key) : NULL;
}

static int is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

/* ------------------------------------------------------------ who */

/* The user an item names, as identity takes it. */
static identity user(const wh_item *it)
{
	return (identity){.phone = it->phone, .user_id = it->user_id, .parent_user_id = it->parent_user_id,
			  .username = it->username, .profile_name = it->name};
}

/* The user's new identifiers, from a system message saying they changed
 * number (user_changed_number) or user ID (user_changed_user_id); 0 when
 * it is another system message. */
static int changed_ids(const wh_item *it, identity *was, identity *now_is)
{
	json_t *sys = json_object_get(it->raw, "system");
	const char *type = json_str(sys, "type");
	if (!is(type, "user_changed_number") && !is(type, "user_changed_user_id"))
		return 0;
	/* the sender's ids are the old ones; the system object's, the new */
	const char *prev = user_id_at(sys, "previous_user_id");
	*was = (identity){.phone = it->phone, .user_id = prev ? prev : it->user_id,
			  .parent_user_id = user_id_at(sys, "previous_parent_user_id")};
	*now_is = (identity){.phone = phone_at(sys, "wa_id"), .user_id = user_id_at(sys, "user_id"),
			     .parent_user_id = user_id_at(sys, "parent_user_id")};
	if (!now_is->phone && !now_is->user_id)
		return 0;
	if (is(type, "user_changed_user_id") && !now_is->phone)
		was->phone = NULL; /* the number did not change */
	return 1;
}

/* The contact a user's message comes from: a user who shares their
 * number on request (a contacts message of origin contact_request) links
 * it; a system message may say the user changed identifiers. */
static int sender(wb_db *db, const wh_item *it, int64_t *cid)
{
	identity who = user(it);
	int event_only = is(it->type, "edit") || is(it->type, "revoke") || is(it->type, "system");
	if (!event_only)
		who.last_in = it->ts; /* a message from them: the 24-hour window */
	identity was, now_is;
	if (is(it->type, "system") && changed_ids(it, &was, &now_is))
		return identity_changed(db, &was, &now_is, it->ts, cid);
	json_t *card = json_array_get(json_object_get(it->raw, "contacts"), 0);
	if (is(it->type, "contacts") && is(json_str(card, "origin"), "contact_request") && !who.phone)
		who.phone = phone_at(json_array_get(json_object_get(card, "phones"), 0), "wa_id");
	return identity_find(db, &who, it->ts, 1, cid);
}

/* ------------------------------------------------------------ messages */

/* An edit or a deletion, once by its own id, applied to the message it
 * names: a customer's to one of their own messages, the business's (an
 * echo) to one of its outgoing ones. */
static int store_change(wb_db *db, const wh_item *it, int64_t cid, int *fresh)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO message_change (wamid, target, kind, ts, payload) "
				       "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
	sqlite3_bind_text(st, 1, it->wamid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, it->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, it->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, it->ts);
	bind_raw(st, 5, it);
	int rc = db_step_changed(db, st, "saving an edit", fresh);
	if (rc || !*fresh)
		return rc;
	if (is(it->type, "revoke")) {
		st = db_stmt(db, "UPDATE message SET deleted_at = ?3 WHERE wamid = ?1 AND deleted_at IS NULL AND "
				 "CASE WHEN ?7 THEN direction = 'out' ELSE direction = 'in' AND contact_id = ?2 END");
	} else {
		/* edits can come out of order: the latest wins */
		st = db_stmt(db, "UPDATE message SET body = coalesce(?4, body), media_id = coalesce(?5, media_id), "
				 "media_mime = coalesce(?6, media_mime), edited_at = ?3 WHERE wamid = ?1 "
				 "AND coalesce(edited_at, 0) <= ?3 AND "
				 "CASE WHEN ?7 THEN direction = 'out' ELSE direction = 'in' AND contact_id = ?2 END");
		db_bind_text(st, 4, it->text);
		db_bind_text(st, 5, it->media_id);
		db_bind_text(st, 6, it->media_mime);
	}
	sqlite3_bind_text(st, 1, it->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_int64(st, 3, it->ts);
	sqlite3_bind_int(st, 7, it->kind == WH_ECHO);
	return db_step_done(db, st, "changing a message");
}

/* The status of a message the app sent, as its history says (SENT,
 * DELIVERED, READ, PLAYED, ERROR, PENDING); an echo is sent. */
static const char *echo_status(const char *h)
{
	if (is(h, "DELIVERED"))
		return "delivered";
	if (is(h, "READ") || is(h, "PLAYED"))
		return "read";
	return is(h, "ERROR") ? "failed" : "sent";
}

/* A message row, either way; the UNIQUE wamid decides whether it is new:
 * two deliveries at once store one. A history's media placeholder is
 * filled in when the medium itself comes. */
static int insert_message(wb_db *db, const wh_item *it, int64_t cid, int out, int *fresh)
{
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO message (wamid, contact_id, direction, type, body, media_id, media_mime, reply_to, "
		"payload, ts, status, status_at, error_code, error_text, phone_number_id, source, sent_at, "
		"delivered_at, read_at) VALUES (?1, ?2, ?12, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?13, ?9, ?10, ?11, ?14, ?15, "
		"CASE WHEN ?12 = 'out' THEN ?9 END, CASE WHEN ?13 IN ('delivered', 'read') THEN ?9 END, "
		"CASE WHEN ?13 = 'read' THEN ?9 END) ON CONFLICT (wamid) DO UPDATE SET type = excluded.type, "
		"body = excluded.body, media_id = excluded.media_id, media_mime = excluded.media_mime, "
		"payload = excluded.payload WHERE message.type = 'media_placeholder' AND excluded.type != "
		"'media_placeholder'");
	sqlite3_bind_text(st, 1, it->wamid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_text(st, 3, it->type, -1, SQLITE_STATIC);
	db_bind_text(st, 4, it->text);
	db_bind_text(st, 5, it->media_id);
	db_bind_text(st, 6, it->media_mime);
	db_bind_text(st, 7, it->reply_to);
	bind_raw(st, 8, it);
	sqlite3_bind_int64(st, 9, it->ts);
	db_bind_opt_int(st, 10, it->error_code);
	db_bind_text(st, 11, it->error_text);
	sqlite3_bind_text(st, 12, out ? "out" : "in", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, out ? echo_status(it->history_status) : "received", -1, SQLITE_STATIC);
	db_bind_text(st, 14, it->phone_number_id);
	db_bind_text(st, 15, it->source);
	return db_step_changed(db, st, "saving a message", fresh);
}

static int store_message(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh)
{
	int64_t cid;
	int rc = sender(db, it, &cid);
	if (rc)
		return rc;
	if (it->target)
		return store_change(db, it, cid, fresh);
	if ((rc = insert_message(db, it, cid, 0, fresh)))
		return rc;
	/* the words, and the inbox's waiting, are what a person writes now,
	 * not the history (nor a history's placeholder filled in) */
	if (!*fresh || it->source)
		return 0;
	/* a survey answer asks nothing of an agent: it opens no conversation
	 * and reopens none (the one resolved before the survey stays so) */
	int answer = 0;
	if (survey_may_answer(it->type, it->text)) {
		survey_hit hit;
		if ((rc = survey_answer_of(db, sqlite3_last_insert_rowid(db_handle(db)), &hit)))
			return rc;
		answer = hit.name != NULL;
		survey_hit_free(&hit);
	}
	if (!answer && (rc = inbox_customer_message(db, cid, it->type, it->ts)))
		return rc;
	if (strcmp(it->type, "text"))
		return 0;
	if (inbound_word_is(w->stop, it->text))
		return contact_set_optout(db, cid, 1, it->ts);
	if (inbound_word_is(w->start, it->text))
		return contact_set_optout(db, cid, 0, it->ts);
	return 0;
}

/* The business's own message, sent from the WhatsApp Business app or
 * found in its history: an outgoing message wb did not send. */
static int store_echo(wb_db *db, const wh_item *it, int *fresh)
{
	identity who = user(it);
	who.last_out = it->target ? 0 : it->ts;
	int64_t cid;
	int rc = identity_find(db, &who, it->ts, 1, &cid);
	if (rc)
		return rc;
	return it->target ? store_change(db, it, cid, fresh) : insert_message(db, it, cid, 1, fresh);
}

/* ------------------------------------------------------------ statuses */

/* A status that names both a phone and a user ID tells they are one
 * person: linked, when the contact is known. */
static int link_ids(wb_db *db, const char *phone, const char *user_id, const wh_item *it)
{
	if (!phone || !user_id)
		return 0;
	identity who = {.phone = phone, .user_id = user_id, .parent_user_id = it->parent_user_id,
			.username = it->username};
	int64_t id;
	return identity_find(db, &who, it->ts, 0, &id);
}

static int store_status(wb_db *db, const wh_item *it, int *fresh)
{
	char *payload = it->raw_text ? NULL : ingest_dump(it->raw);
	track_report r = {
		.error_code = it->error_code, .error_text = it->error_text, .error_title = it->error_title,
		.error_href = it->error_href, .recipient = it->phone ? it->phone : it->group,
		.recipient_user_id = it->user_id, .phone_number_id = it->phone_number_id,
		.participant = it->participant ? it->participant : it->participant_user_id,
		.callback_data = it->callback_data, .payload = payload ? payload : it->raw_text,
	};
	/* track_status records each (wamid, status, participant) once;
	 * whether it wrote anything tells a new status from a repeat */
	int before = sqlite3_total_changes(db_handle(db));
	int rc = track_status(db, it->wamid, it->type, it->ts, &r, NULL);
	free(payload);
	*fresh = !rc && sqlite3_total_changes(db_handle(db)) != before;
	if (!rc && *fresh)
		rc = link_ids(db, it->phone, it->user_id, it);
	if (!rc && *fresh)
		rc = link_ids(db, it->participant, it->participant_user_id, it);
	return rc;
}

/* ------------------------------------------------------------ calls */

static int64_t seconds(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

/* What a call event says of the call: connect, ringing…; a terminate,
 * how it ended (completed, failed). Lower case. */
static void call_state(const wh_item *it, char *out, size_t size)
{
	const char *status = json_str(it->raw, "status");
	snprintf(out, size, "%s", is(it->type, "terminate") && status ? status : it->type);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
}

static int store_call(wb_db *db, const wh_item *it, int *fresh)
{
	identity who = user(it);
	int64_t cid;
	int rc = identity_find(db, &who, it->ts, 1, &cid);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO call_event (wacid, event, ts, payload) VALUES (?, ?, ?, ?) "
				       "ON CONFLICT DO NOTHING");
	sqlite3_bind_text(st, 1, it->wamid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, it->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, it->ts);
	bind_raw(st, 4, it);
	if (rc || (rc = db_step_changed(db, st, "saving a call", fresh)) || !*fresh)
		return rc;
	char state[32];
	call_state(it, state, sizeof state);
	/* the call's row: the latest event says where it is, except that an
	 * ended call stays ended */
	st = db_stmt(db,
		"INSERT INTO call (wacid, contact_id, direction, phone_number_id, status, started_at, ended_at, "
		"duration, callback_data, error_code, error_text, ts, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12) ON CONFLICT (wacid) DO UPDATE SET "
		"status = CASE WHEN excluded.status IN ('completed', 'failed', 'rejected') OR "
		"(status NOT IN ('completed', 'failed', 'rejected') AND excluded.ts >= updated_at) "
		"THEN excluded.status ELSE status END, started_at = coalesce(excluded.started_at, started_at), "
		"ended_at = coalesce(excluded.ended_at, ended_at), duration = coalesce(excluded.duration, duration), "
		"callback_data = coalesce(excluded.callback_data, callback_data), "
		"error_code = coalesce(excluded.error_code, error_code), "
		"error_text = coalesce(excluded.error_text, error_text), phone_number_id = "
		"coalesce(phone_number_id, excluded.phone_number_id), ts = min(ts, excluded.ts), "
		"updated_at = max(updated_at, excluded.ts)");
	sqlite3_bind_text(st, 1, it->wamid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_text(st, 3, it->source, -1, SQLITE_STATIC);
	db_bind_text(st, 4, it->phone_number_id);
	sqlite3_bind_text(st, 5, state, -1, SQLITE_TRANSIENT);
	db_bind_opt_int(st, 6, seconds(json_object_get(it->raw, "start_time")));
	db_bind_opt_int(st, 7, seconds(json_object_get(it->raw, "end_time")));
	json_t *d = json_object_get(it->raw, "duration");
	if (json_is_integer(d))
		sqlite3_bind_int64(st, 8, json_integer_value(d));
	db_bind_text(st, 9, it->callback_data);
	db_bind_opt_int(st, 10, it->error_code);
	db_bind_text(st, 11, it->error_text);
	sqlite3_bind_int64(st, 12, it->ts);
	return db_step_done(db, st, "saving a call");
}

/* ------------------------------------------------------------ the rest */

static int store_preference(wb_db *db, const wh_item *it, int *fresh)
{
	identity who = user(it);
	int64_t cid;
	int rc = identity_find(db, &who, it->ts, 1, &cid);
	return rc ? rc : contact_set_marketing(db, cid, is(it->type, "stop"), it->ts, fresh);
}

/* The business added someone to its address book in the app (their name
 * becomes the contact's name) or removed them (the name goes; someone
 * wb never met is not made a contact for it). */
static int store_address(wb_db *db, const wh_item *it)
{
	identity who = user(it);
	who.profile_name = NULL; /* the name there is the business's */
	int add = is(it->type, "add");
	int64_t cid;
	int rc = identity_find(db, &who, it->ts, add, &cid);
	return rc || !cid ? rc : contact_set_name(db, cid, add ? it->name : NULL, it->ts);
}

static int store_kept(wb_db *db, const wh_item *it, int *fresh)
{
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO webhook_change (field, waba_id, ts, event, template_id, template_name, "
		"template_language, value, known, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		"ON CONFLICT DO NOTHING");
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)it->template_id);
	sqlite3_bind_text(st, 1, it->field, -1, SQLITE_STATIC);
	db_bind_text(st, 2, it->waba_id);
	db_bind_opt_int(st, 3, it->ts);
	db_bind_text(st, 4, it->type);
	db_bind_text(st, 5, it->template_id ? id : NULL);
	db_bind_text(st, 6, it->template_name);
	db_bind_text(st, 7, it->template_language);
	bind_raw(st, 8, it);
	sqlite3_bind_int(st, 9, it->known);
	sqlite3_bind_int64(st, 10, when_now());
	int rc = db_step_changed(db, st, "saving a webhook change", fresh);
	/* a template's status, quality or category, or the messaging limit,
	 * changes once: a repeated delivery (not fresh) must not undo a later
	 * change that came in between */
	return rc || !*fresh ? rc : template_apply_update(db, it->field, it->raw);
}

int ingest_item(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh)
{
	*fresh = 0;
	switch (it->kind) {
	case WH_MESSAGE: return store_message(db, w, it, fresh);
	case WH_ECHO: return store_echo(db, it, fresh);
	case WH_STATUS: return store_status(db, it, fresh);
	case WH_CALL: return store_call(db, it, fresh);
	case WH_PREFERENCE: return store_preference(db, it, fresh);
	case WH_ADDRESS: return store_address(db, it);
	case WH_CHANGE: return store_kept(db, it, fresh);
	case WH_BAD: break;
	}
	return wb_err(EX_SOFTWARE, "internal error: a bad part to store");
}
