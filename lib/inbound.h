/* inbound — stores what webhooks deliver: inbound messages, idempotent by
 * wamid (a re-delivered webhook stores nothing), the contacts who sent
 * them, the opt-out and opt-in words, and delivery statuses (through
 * track); and wb-recv's loop, which writes the event of each new item
 * once it is committed. It neither parses webhooks nor decides any reply. */
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

/* Stores one item (call inside a transaction). *fresh is 1 when it was
 * new: the caller emits an event for it, and only then. */
int inbound_store(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh);

/* Parses one webhook document and stores its items (inside the caller's
 * transaction); appends to events (may be NULL) a line for each new one.
 * Bad data (EX_DATAERR) is found before anything of it is written. */
int inbound_document(wb_db *db, const inbound_words *w, const char *doc, size_t len, sb *events);

/* What wb-recv keeps while it takes documents in. */
typedef struct {
	wb_db *db;
	inbound_words words;
	FILE *events; /* where events go; NULL: nowhere (wb-recv -q) */
	sb pending;   /* events not yet committed */
} inbound;
void inbound_open(inbound *ib, wb_db *db, FILE *events);
void inbound_close(inbound *ib);
/* Stores every document of in, in batches (batch.h), and writes the
 * events of a batch after its commit. A bad document ends the stream
 * with EX_DATAERR "NAME: offset N (line L): …"; what came before it is
 * kept. A write error is EX_IOERR; a reader gone away (EPIPE) ends the
 * process quietly. */
int inbound_stream(inbound *ib, in_docs *in);
/* inbound_stream over each file of paths in turn ("-": stdin), or stdin
 * when n is 0. EX_NOINPUT for a missing file, which ends it. */
int inbound_paths(inbound *ib, int n, char **paths);
/* Writes the pending events to ib->events and flushes them; 0, or
 * EX_IOERR saying why (errno is left as the write set it: EPIPE when the
 * reader went away). The pending events are gone either way. */
int inbound_write(inbound *ib);

#endif
