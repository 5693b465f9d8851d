/* inbound — wb-recv's loop: webhook documents (from files, stdin, the
 * listener, or the quarantine again) parsed (webhook), each part stored
 * (ingest) or quarantined with where it came from and why, the events of
 * what was new written once it is committed, and a summary of what was
 * set aside. Also the opt-out and opt-in words. It neither parses JSON
 * itself nor decides any reply. */
#ifndef WB_INBOUND_H
#define WB_INBOUND_H

#include <stdio.h>

#include "db.h"
#include "in.h"
#include "util.h"
#include "webhook.h"

/* The whole-message words that opt a contact out (setting optout.words,
 * default STOP,UNSUBSCRIBE) and back in (optin.words, default START). */
typedef struct {
	char **stop, **start; /* NULL-terminated */
} inbound_words;
void inbound_words_load(wb_db *db, inbound_words *w);
void inbound_words_free(inbound_words *w);
/* Saves the word lists (comma-separated; NULL keeps the list as it is). */
int inbound_words_set(wb_db *db, const char *stop, const char *start);
/* 1 when text, trimmed, is one of words (ASCII case ignored). Pure. */
int inbound_word_is(char *const *words, const char *text);

/* Called with the wamid of each new message that carries a medium, once
 * it is committed and its event written (wb-recv --fetch-media). It must
 * return at once: the listener's store thread calls it. */
typedef void (*inbound_media_fn)(const char *wamid, void *ctx);

/* What wb-recv keeps while it takes documents in. */
typedef struct {
	wb_db *db;
	inbound_words words;
	FILE *events; /* where events go; NULL: nowhere (wb-recv -q) */
	sb pending;   /* events not yet committed */
	long quarantined, unknown; /* parts set aside, changes of unknown fields (committed) */
	sb unknown_fields;         /* their fields, for the summary */
	long quarantined_due, unknown_due; /* the same, not yet committed */
	size_t fields_at;          /* unknown_fields up to here are committed */
	sb warnings;               /* lines for stderr once committed */
	int fast;                  /* parts stored without a savepoint each: a
				    * failure is the caller's to undo (whole) */
	int cached;                /* identity_cache is on (while fast) */
	long retried;              /* parts a retry took in */
	int retry_run;             /* this run retries (its own summary) */
	const char *retrying;      /* the part a retry takes in again */
	char *still;               /* why it is still bad */
	int64_t now;
	inbound_media_fn on_media; /* NULL: none */
	void *media_ctx;
	sb media_due;              /* wamids for on_media, a line each, not yet committed */
} inbound;
void inbound_open(inbound *ib, wb_db *db, FILE *events);
void inbound_close(inbound *ib);

/* One document, inside the caller's transaction: every part stored, or
 * quarantined (warned about, naming source, offset (-1: none) and line
 * (0: none), and the part), its events appended to pending. 0, or the
 * database's error: a bad part is no error. */
int inbound_document(inbound *ib, const char *doc, size_t len, const char *source, long long offset, long line);
/* The same on a document parsed beforehand (inbound_parse). */
int inbound_parsed(inbound *ib, const wh_batch *b, const char *doc, size_t len, const char *source,
		   long long offset, long line);
/* A document parsed (a wh_batch), on any thread: nothing is stored nor
 * written; inbound_parse_free frees it. As ahead.h's prep and drop. */
void *inbound_parse(const char *doc, size_t len, void *unused);
/* The same without the event lines, for a store that writes none
 * (wb-recv -q): rendering them was work thrown away. */
void *inbound_parse_quiet(const char *doc, size_t len, void *unused);
void inbound_parse_free(void *parsed, void *unused);
/* Stores every document of in, in batches (batch.h), and writes the
 * events of a batch after its commit. A document that is not JSON is
 * quarantined like any bad part, and the stream goes on; a truncated
 * last one ends it with EX_DATAERR "NAME: offset N: truncated document",
 * what came before it kept. A write error is EX_IOERR; a reader gone
 * away (EPIPE) ends the process quietly. */
int inbound_stream(inbound *ib, in_docs *in);
/* inbound_stream over each file of paths in turn ("-": stdin), or stdin
 * when n is 0. EX_NOINPUT for a missing file, which ends it. */
int inbound_paths(inbound *ib, int n, char **paths);
/* After a commit: says the pending warnings on stderr (and counts what
 * was quarantined), writes the pending events to ib->events (if any) and
 * flushes them, then hands each new medium to on_media; 0, or EX_IOERR
 * saying why (errno is left as the write set it: EPIPE when the reader
 * went away), and then no medium is handed on. The pending events and
 * media are gone either way. */
int inbound_write(inbound *ib);
/* How much is pending, and going back to it: what a part undone had
 * made pending (its events, media, warnings and counts) is dropped.
 * {0}: all of it. */
typedef struct {
	size_t events, media, warnings;
	long quarantined, unknown;
	size_t fields;
} inbound_mark;
inbound_mark inbound_mark_now(const inbound *ib);
void inbound_undo(inbound *ib, inbound_mark m);
/* wb-recv retry: the quarantined parts with these ids (all when n is 0)
 * taken in again, each in a transaction; a part that is taken leaves the
 * quarantine, one that is still bad stays with its new reason. */
int inbound_retry(inbound *ib, const int64_t *ids, size_t n);
/* The end of a run: a line on stderr when parts were quarantined (or
 * still are, after a retry) or changes of unknown fields kept raw;
 * EX_PARTIAL when parts were quarantined, else 0. */
int inbound_finish(inbound *ib);

#endif
