#include "inbound.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "event.h"
#include "identity.h"
#include "ingest.h"
#include "jarena.h"
#include "quarantine.h"
#include "util.h"
#include "when.h"

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

void inbound_open(inbound *ib, wb_db *db, FILE *events)
{
	*ib = (inbound){.db = db, .events = events, .now = when_now()};
	inbound_words_load(db, &ib->words);
	if (db_for_streams(db, 0)) /* only slower without */
		wb_warn("%s", wb_errmsg());
}

void inbound_close(inbound *ib)
{
	inbound_words_free(&ib->words);
	sb_free(&ib->pending);
	sb_free(&ib->media_due);
	sb_free(&ib->unknown_fields);
	sb_free(&ib->warnings);
	free(ib->still);
}

/* "FILE: offset N (line L): " or "listener: ", for the warnings. */
static void where(sb *b, const char *source, long long offset, long line)
{
	sb_printf(b, "%s: ", source);
	if (offset >= 0)
		sb_printf(b, "offset %lld ", offset);
	if (line > 0)
		sb_printf(b, "(line %ld) ", line);
	if (b->s[b->len - 1] == ' ' && b->s[b->len - 2] != ':') {
		b->s[b->len - 1] = ':';
		sb_putc(b, ' ');
	}
}

/* A part that cannot be taken: into the quarantine, with a warning. */
static int set_aside(inbound *ib, const wh_item *it, const char *doc, size_t len, const char *source,
		     long long offset, long line)
{
	char *raw = it->part ? ingest_dump(it->part) : xstrndup(doc, len);
	int rc = 0;
	if (ib->retrying && !strcmp(raw, ib->retrying)) { /* the part a retry tries: no better */
		free(ib->still);
		ib->still = xstrdup(it->reason);
	} else {
		quarantine_row r = {.source = source, .offset = offset, .path = it->path, .reason = it->reason,
				    .raw = raw, .created_at = ib->now};
		rc = quarantine_add(ib->db, &r, NULL);
		/* said once it is committed: a batch undone and replayed sets
		 * the same part aside again */
		where(&ib->warnings, source, offset, line);
		sb_printf(&ib->warnings, "%s%s%s (quarantined)\n", it->path, *it->path ? ": " : "", it->reason);
		ib->quarantined_due++;
	}
	free(raw);
	return rc;
}

static void note_unknown(inbound *ib, const char *field)
{
	ib->unknown_due++;
	size_t n = strlen(field);
	for (const char *p = ib->unknown_fields.s; p && (p = strstr(p, field)); p += n)
		if ((p == ib->unknown_fields.s || p[-1] == ' ') && (!p[n] || p[n] == ','))
			return;
	sb_printf(&ib->unknown_fields, "%s%s", ib->unknown_fields.len ? ", " : "", field);
}

/* Runs sql (a SAVEPOINT statement) on the cached statement. */
static int savepoint(wb_db *db, const char *sql)
{
	return db_step_done(db, db_stmt(db, sql), "storing a part");
}

/* One good part: stored, its event due when it is new. A part the
 * database refuses (a constraint) costs only itself: undone, and the
 * document is quarantined whole with the reason (storing is idempotent,
 * so a retry stores nothing twice). Any other failure undoes the part
 * too, so that a document of one part needs no savepoint of its own.
 * Fast (ib->fast), there is no savepoint and a failure is the caller's
 * to undo: the savepoint and its journal were about a tenth of a bulk
 * load's time. */
static int take(inbound *ib, const wh_item *it, const char *doc, size_t len, const char *source,
		long long offset, long line)
{
	int fresh = 0, rc = ib->fast ? 0 : savepoint(ib->db, "SAVEPOINT part");
	if (rc)
		return rc;
	rc = ingest_item(ib->db, &ib->words, it, &fresh);
	if (rc && !ib->fast) {
		char *why = rc == EX_DATAERR ? xasprintf("%s %s: %s", it->field, it->wamid ? it->wamid : "change",
							 wb_errmsg()) : NULL;
		db_undo_to(ib->db, "ROLLBACK TO part");
		if (why) {
			wh_item whole = {.kind = WH_BAD, .path = "", .reason = why};
			rc = set_aside(ib, &whole, doc, len, source, offset, line);
			free(why);
			fresh = 0;
		}
	}
	int rel = ib->fast ? 0 : savepoint(ib->db, "RELEASE part");
	if (rc || (rc = rel) || !fresh)
		return rc;
	if (it->kind == WH_CHANGE && !it->known)
		note_unknown(ib, it->field);
	if (ib->events && it->event)
		sb_puts(&ib->pending, it->event);
	else if (ib->events)
		event_render(it, &ib->pending);
	if (ib->on_media && it->kind == WH_MESSAGE && it->media_id && it->wamid)
		sb_printf(&ib->media_due, "%s\n", it->wamid);
	return 0;
}

int inbound_parsed(inbound *ib, const wh_batch *b, const char *doc, size_t len, const char *source,
		   long long offset, long line)
{
	int rc = 0;
	for (size_t i = 0; i < b->n && !rc; i++)
		rc = b->v[i].kind == WH_BAD ? set_aside(ib, &b->v[i], doc, len, source, offset, line)
					    : take(ib, &b->v[i], doc, len, source, offset, line);
	return rc;
}

int inbound_document(inbound *ib, const char *doc, size_t len, const char *source, long long offset, long line)
{
	wh_batch b;
	webhook_parse(doc, len, &b);
	int rc = inbound_parsed(ib, &b, doc, len, source, offset, line);
	webhook_free(&b);
	return rc;
}

/* What the store would make of each item without the database, made
 * here, off its thread: the raw JSON it keeps, the event line. In the
 * batch's arena, so that the scratch objects of rendering and dumping
 * cost no malloc and free each; the event is rendered in place, not
 * copied. */
static void *parse(const char *doc, size_t len, int events)
{
	wh_batch *b = xmalloc(sizeof *b);
	webhook_parse(doc, len, b);
	jarena_enter(&b->arena);
	for (size_t i = 0; i < b->n; i++) {
		wh_item *it = &b->v[i];
		if (it->kind == WH_BAD)
			continue;
		it->raw_text = ingest_dump(it->raw);
		if (!events)
			continue;
		sb ev = {0};
		event_render(it, &ev);
		it->event = ev.s ? ev.s : xstrdup("");
	}
	jarena_leave();
	return b;
}

void *inbound_parse(const char *doc, size_t len, void *unused)
{
	return parse(doc, len, 1);
}

void *inbound_parse_quiet(const char *doc, size_t len, void *unused)
{
	return parse(doc, len, 0);
}

void inbound_parse_free(void *parsed, void *unused)
{
	if (parsed)
		webhook_free(parsed);
	free(parsed);
}

/* Each medium due handed to on_media, after the events: a download holds
 * neither the stream's readers nor the write lock. */
static void media_hand(inbound *ib)
{
	for (char *w = ib->media_due.s, *nl; w && (nl = strchr(w, '\n')); w = nl + 1) {
		*nl = 0;
		ib->on_media(w, ib->media_ctx);
	}
}

inbound_mark inbound_mark_now(const inbound *ib)
{
	return (inbound_mark){ib->pending.len, ib->media_due.len, ib->warnings.len, ib->quarantined_due,
			      ib->unknown_due, ib->unknown_fields.len - ib->fields_at};
}

/* An sb cut back to n bytes. */
static void cut(sb *b, size_t n)
{
	b->len = n;
	if (b->s)
		b->s[n] = 0;
}

void inbound_undo(inbound *ib, inbound_mark m)
{
	cut(&ib->pending, m.events);
	cut(&ib->media_due, m.media);
	cut(&ib->warnings, m.warnings);
	ib->quarantined_due = m.quarantined;
	ib->unknown_due = m.unknown;
	cut(&ib->unknown_fields, ib->fields_at + m.fields);
}

/* What a commit made so: the warnings said, the counts counted. */
static void settle(inbound *ib)
{
	for (char *w = ib->warnings.s, *nl; w && (nl = strchr(w, '\n')); w = nl + 1)
		wb_warn("%.*s", (int)(nl - w), w);
	sb_reset(&ib->warnings);
	ib->quarantined += ib->quarantined_due;
	ib->unknown += ib->unknown_due;
	ib->quarantined_due = ib->unknown_due = 0;
	ib->fields_at = ib->unknown_fields.len;
}

int inbound_write(inbound *ib)
{
	int rc = 0;
	settle(ib);
	if (ib->events && ib->pending.len &&
	    (fwrite(ib->pending.s, 1, ib->pending.len, ib->events) != ib->pending.len || fflush(ib->events))) {
		int e = errno;
		rc = wb_err(EX_IOERR, e == EPIPE ? "standard output: the reader is gone (broken pipe)"
						 : "standard output: %s", strerror(e));
		errno = e;
	}
	sb_reset(&ib->pending);
	if (!rc)
		media_hand(ib);
	sb_reset(&ib->media_due);
	return rc;
}

/* Events go out only after their commit: a reader of the stream (wb-reply
 * auto) then finds in the database everything an event mentions. */
static int emit(int committed, void *ctx)
{
	inbound *ib = ctx;
	if (!committed) {
		inbound_undo(ib, (inbound_mark){0});
		return 0;
	}
	int rc = inbound_write(ib);
	if (rc && errno == EPIPE)
		exit(0);
	return rc;
}

/* A document of the stream: fast (no savepoint a part) unless its batch
 * is being replayed after a failure, then each part alone as anywhere. */
static int stream_doc(batch *b, const batch_doc *d, void *ctx)
{
	inbound *ib = ctx;
	int rc = batch_join(b);
	if (rc)
		return rc;
	ib->fast = !d->careful;
	if (ib->fast != ib->cached) /* no savepoint may undo what it holds */
		identity_cache(ib->db, ib->cached = ib->fast);
	if (d->ahead)
		rc = inbound_parsed(ib, d->ahead, d->text, d->len, d->name, d->offset, d->line);
	else
		rc = inbound_document(ib, d->text, d->len, d->name, d->offset, d->line);
	ib->fast = 0;
	return rc;
}

/* Documents are read and parsed on a thread of their own while the ones
 * before them are stored: parsing is about a third of the work. */
int inbound_stream(inbound *ib, in_docs *in)
{
	int rc = batch_run_replay(ib->db, in, BATCH_MAX, ib->events ? inbound_parse : inbound_parse_quiet,
				  inbound_parse_free, stream_doc, emit, ib);
	identity_cache(ib->db, ib->cached = 0);
	return rc;
}

int inbound_paths(inbound *ib, int n, char **paths)
{
	/* a new message lands on its contact's page of message_by_contact:
	 * past 2 MB of cache, those pages were read again, a system call each */
	if (db_for_streams(ib->db, 64))
		wb_warn("%s", wb_errmsg());
	int rc = 0;
	for (int i = 0; i < (n ? n : 1) && !rc; i++) {
		in_docs *in;
		if (!(rc = in_docs_path(n ? paths[i] : NULL, &in)))
			rc = inbound_stream(ib, in);
		in_docs_close(in);
	}
	return rc;
}

static int retry_one(const quarantine_row *r, void *ctx)
{
	inbound *ib = ctx;
	ib->retrying = r->raw;
	int rc = db_begin(ib->db);
	if (!rc && !(rc = inbound_document(ib, r->raw, strlen(r->raw), r->source, r->offset, 0)))
		rc = ib->still ? quarantine_tried(ib->db, r->id, ib->still, ib->now) : quarantine_remove(ib->db, r->id);
	if (rc) {
		db_rollback(ib->db);
		emit(0, ib);
	} else if (!(rc = db_commit(ib->db))) {
		rc = emit(1, ib);
	}
	if (!rc && ib->still) {
		wb_warn("quarantine %lld: %s%s%s (still quarantined)", (long long)r->id, r->path, *r->path ? ": " : "",
			ib->still);
		ib->quarantined++;
	} else if (!rc) {
		ib->retried++;
	}
	free(ib->still);
	ib->still = NULL;
	ib->retrying = NULL;
	return rc;
}

int inbound_retry(inbound *ib, const int64_t *ids, size_t n)
{
	ib->retried = 0;
	ib->retry_run = 1;
	int rc = quarantine_each(ib->db, ids, n, retry_one, ib);
	if (!rc)
		wb_warn("retry: %ld taken in, %ld still quarantined", ib->retried, ib->quarantined);
	return rc;
}

int inbound_finish(inbound *ib)
{
	sb b = {0};
	if (ib->quarantined && !ib->retry_run)
		sb_printf(&b, "%ld part%s quarantined (wb-recv quarantine lists them)", ib->quarantined,
			  ib->quarantined == 1 ? "" : "s");
	if (ib->unknown)
		sb_printf(&b, "%s%ld change%s of a field wb does not model kept raw (%s)", b.len ? "; " : "",
			  ib->unknown, ib->unknown == 1 ? "" : "s", ib->unknown_fields.s);
	if (b.len)
		wb_warn("%s", b.s);
	sb_free(&b);
	return ib->quarantined ? EX_PARTIAL : 0;
}
