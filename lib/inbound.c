#include "inbound.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "contact.h"
#include "err.h"
#include "event.h"
#include "inbox.h"
#include "track.h"
#include "util.h"

static char **split_words(const char *s)
{
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;
	char *copy = xstrdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!*strtrim(t))
			continue;
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = xstrdup(t);
		v[n] = NULL;
	}
	free(copy);
	return v;
}

static char **load_words(wb_db *db, const char *key, const char *def)
{
	char *s = db_get_setting(db, key);
	char **v = split_words(s ? s : def);
	free(s);
	return v;
}

void inbound_words_load(wb_db *db, inbound_words *w)
{
	w->stop = load_words(db, "optout.words", "STOP,UNSUBSCRIBE");
	w->start = load_words(db, "optin.words", "START");
}

int inbound_words_set(wb_db *db, const char *stop, const char *start)
{
	int rc = 0;
	if (stop)
		rc = db_set_setting(db, "optout.words", stop);
	if (!rc && start)
		rc = db_set_setting(db, "optin.words", start);
	return rc;
}

static void free_words(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void inbound_words_free(inbound_words *w)
{
	free_words(w->stop);
	free_words(w->start);
	w->stop = w->start = NULL;
}

int inbound_word_is(char *const *words, const char *text)
{
	if (!text)
		return 0;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	size_t n = strlen(text);
	while (n && strchr(" \t\r\n.!", text[n - 1]))
		n--;
	for (size_t i = 0; words && words[i]; i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], text, n))
			return 1;
	return 0;
}

static int store_message(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh)
{
	int64_t cid;
	int rc = contact_seen(db, it->phone, it->name, it->ts, &cid);
	if (rc)
		return rc;
	/* the UNIQUE wamid decides: two deliveries at once store one row */
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO message (wamid, contact_id, direction, type, body, media_id, media_mime, "
		"reply_to, payload, ts, status, status_at, error_code, error_text) "
		"VALUES (?1, ?2, 'in', ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'received', ?9, ?10, ?11) "
		"ON CONFLICT (wamid) DO NOTHING");
	char *raw = json_dumps(it->raw, JSON_COMPACT);
	sqlite3_bind_text(st, 1, it->wamid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_text(st, 3, it->type, -1, SQLITE_STATIC);
	db_bind_text(st, 4, it->text);
	db_bind_text(st, 5, it->media_id);
	db_bind_text(st, 6, it->media_mime);
	db_bind_text(st, 7, it->reply_to);
	sqlite3_bind_text(st, 8, raw, -1, free);
	sqlite3_bind_int64(st, 9, it->ts);
	db_bind_opt_int(st, 10, it->error_code);
	db_bind_text(st, 11, it->error_text);
	if ((rc = db_step_changed(db, st, "saving a message", fresh)))
		return rc;
	if (*fresh && (rc = inbox_customer_message(db, cid, it->type, it->ts)))
		return rc;
	if (!*fresh || strcmp(it->type, "text"))
		return 0;
	if (inbound_word_is(w->stop, it->text))
		return contact_set_optout(db, cid, 1, it->ts);
	if (inbound_word_is(w->start, it->text))
		return contact_set_optout(db, cid, 0, it->ts);
	return 0;
}

static int store_status(wb_db *db, const wh_item *it, int *fresh)
{
	static const char *const known[] = {"sent", "delivered", "read", "failed", NULL};
	int i = 0;
	while (known[i] && strcmp(known[i], it->type))
		i++;
	if (!known[i])
		return 0; /* a status this version does not track */
	/* track_status records each (wamid, status) once; whether it wrote
	 * anything tells a new status from a repeated webhook */
	int before = sqlite3_total_changes(db_handle(db));
	int rc = track_status(db, it->wamid, it->type, it->ts, it->error_code, it->error_text, it->phone, NULL);
	*fresh = !rc && sqlite3_total_changes(db_handle(db)) != before;
	return rc;
}

int inbound_store(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh)
{
	*fresh = 0;
	return it->kind == WH_MESSAGE ? store_message(db, w, it, fresh) : store_status(db, it, fresh);
}

int inbound_document(wb_db *db, const inbound_words *w, const char *doc, size_t len, sb *events)
{
	wh_batch b;
	int rc = webhook_parse(doc, len, &b);
	for (size_t i = 0; i < b.n && !rc; i++) {
		int fresh;
		rc = inbound_store(db, w, &b.v[i], &fresh);
		if (!rc && fresh && events)
			event_render(&b.v[i], events);
	}
	webhook_free(&b);
	return rc;
}

void inbound_open(inbound *ib, wb_db *db, FILE *events)
{
	*ib = (inbound){.db = db, .events = events};
	inbound_words_load(db, &ib->words);
}

void inbound_close(inbound *ib)
{
	inbound_words_free(&ib->words);
	sb_free(&ib->pending);
}

/* Events go out only after their commit: a reader of the stream (wb-reply
 * auto) then finds in the database everything an event mentions. */
static int emit(int committed, void *ctx)
{
	inbound *ib = ctx;
	int rc = 0;
	if (committed && ib->pending.len &&
	    (fwrite(ib->pending.s, 1, ib->pending.len, ib->events) != ib->pending.len || fflush(ib->events))) {
		if (errno == EPIPE)
			exit(0);
		rc = wb_err(EX_IOERR, "write error: %s", strerror(errno));
	}
	sb_reset(&ib->pending);
	return rc;
}

static int stream_doc(batch *b, const batch_doc *d, void *ctx)
{
	inbound *ib = ctx;
	int rc = batch_join(b);
	if (!rc && (rc = inbound_document(ib->db, &ib->words, d->text, d->len, ib->events ? &ib->pending : NULL)))
		wb_err_prefix(rc, "%s: offset %lld (line %ld): ", d->name, d->offset, d->line);
	return rc;
}

int inbound_stream(inbound *ib, in_docs *in)
{
	return batch_run(ib->db, in, BATCH_MAX, stream_doc, emit, ib);
}

int inbound_paths(inbound *ib, int n, char **paths)
{
	int rc = 0;
	for (int i = 0; i < (n ? n : 1) && !rc; i++) {
		in_docs *in;
		if (!(rc = in_docs_path(n ? paths[i] : NULL, &in)))
			rc = inbound_stream(ib, in);
		in_docs_close(in);
	}
	return rc;
}

int inbound_post(const char *body, size_t len, void *ctx)
{
	inbound *ib = ctx;
	int rc = db_begin(ib->db);
	if (rc)
		return rc;
	if ((rc = inbound_document(ib->db, &ib->words, body, len, ib->events ? &ib->pending : NULL))) {
		db_rollback(ib->db);
		sb_reset(&ib->pending);
		return rc;
	}
	rc = db_commit(ib->db);
	int e = emit(!rc, ib);
	return rc ? rc : e;
}
